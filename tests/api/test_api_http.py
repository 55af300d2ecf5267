"""The read API as HTTP: conditional GET, caching headers, the shared copy and when it
goes stale, CORS from any origin without cookies, and the per-address rate limit."""

import re
from http import HTTPStatus

import pytest
from django.test import Client, TestCase

from core import freshness
from guide import services
from guide.models import SeasonStatus
from tests.factories import (
    EpisodeFactory,
    FactFactory,
    ReleasedSeasonFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

API = "/api/v1"


@pytest.fixture
def show():
    show = ShowFactory(title="Hyosan", slug="hyosan")
    ReleasedSeasonFactory(show=show, number=1)
    SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    return show


def test_a_matching_etag_is_answered_304_and_a_changed_answer_is_not(client, show):
    first = client.get(f"{API}/shows/hyosan")
    assert first.status_code == HTTPStatus.OK
    etag = first["ETag"]
    assert etag.startswith('"')
    assert len(etag) > 10
    again = client.get(f"{API}/shows/hyosan", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == etag
    show.tagline = "New words"
    services_touch_site()
    show.save()
    changed = client.get(f"{API}/shows/hyosan", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == HTTPStatus.OK
    assert changed.json()["tagline"] == "New words"
    assert changed["ETag"] != etag


def services_touch_site():
    """What an editor's save in the admin does to every stored page (core.admin)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        freshness.touch(freshness.SITE)


def test_last_modified_answers_if_modified_since(client, show):
    first = client.get(f"{API}/shows/hyosan/seasons/1")
    stamp = first["Last-Modified"]
    assert stamp.endswith("GMT")
    again = client.get(f"{API}/shows/hyosan/seasons/1", HTTP_IF_MODIFIED_SINCE=stamp)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    older = client.get(
        f"{API}/shows/hyosan/seasons/1", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT"
    )
    assert older.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("path", "max_age"),
    [("/shows", 300), ("/shows/hyosan", 300), ("/people", 300), ("/theories", 30)],
)
def test_each_resource_says_how_long_it_may_be_reused(client, show, path, max_age):
    answer = client.get(API + path)
    assert answer["Cache-Control"] == f"public, max-age={max_age}"
    assert answer["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_signed_in_caller_gets_the_same_public_answer(client, show, fan):
    TheoryFactory(season=show.seasons.get(number=2), is_hidden=True, author=fan)
    client.force_login(fan)
    answer = client.get(f"{API}/theories")
    assert answer.json()["items"] == []  # their own hidden theory is no public data
    assert answer["Cache-Control"] == "public, max-age=30"
    assert "Cookie" not in answer.get("Vary", "")


def test_the_stored_copy_goes_stale_when_a_theory_is_hidden(client, show):
    season = show.seasons.get(number=2)
    theory = TheoryFactory(season=season)
    assert [each["id"] for each in client.get(f"{API}/theories").json()["items"]] == [theory.pk]
    assert client.get(f"{API}/theories/{theory.pk}").status_code == HTTPStatus.OK
    moderator = UserFactory(is_staff=True, groups=["Moderators"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    assert client.get(f"{API}/theories").json()["items"] == []
    assert client.get(f"{API}/theories/{theory.pk}").status_code == HTTPStatus.NOT_FOUND


def test_counts_on_a_stored_copy_age_out_and_writes_of_others_do_not_leak(client, show):
    theory = TheoryFactory(season=show.seasons.get(number=2))
    first = client.get(f"{API}/theories/{theory.pk}").json()
    VoteFactory(theory=theory)
    # A vote moves no topic: the copy is served until its 30 seconds are up.
    assert client.get(f"{API}/theories/{theory.pk}").json() == first


def test_one_copy_per_address_whatever_else_the_query_carries(client, show):
    from django.core.cache import cache

    TheoryFactory(season=show.seasons.get(number=2))
    before = len(cache._cache)  # locmem: the test settings' cache
    client.get(f"{API}/theories?limit=5")
    stored = len(cache._cache) - before
    for junk in range(5):
        client.get(f"{API}/theories?limit=5&utm={junk}")
    assert len(cache._cache) - before - stored == 5  # a rate-limit slot each, no copy


def test_any_origin_may_read_without_cookies(client, show):
    answer = client.get(f"{API}/shows", HTTP_ORIGIN="https://tool.example")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer
    assert "ETag" in answer["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"{API}/shows",
        HTTP_ORIGIN="https://tool.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == HTTPStatus.OK
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    # The site's own pages stay same-origin.
    page = client.get("/", HTTP_ORIGIN="https://tool.example")
    assert "Access-Control-Allow-Origin" not in page


def test_each_address_has_its_own_allowance_and_hears_when_to_retry(settings, show):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (3, 60)}
    near, far = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert [near.get(f"{API}/shows").status_code for _ in range(3)] == [200] * 3
    refused = near.get(f"{API}/shows")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    # Stored copies count too, and so do other operations; another address does not.
    assert near.get(f"{API}/theories").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert far.get(f"{API}/shows").status_code == HTTPStatus.OK


def test_the_configured_allowance(settings):
    assert settings.RATE_LIMITS["api"] == (600, 60)


def test_the_docs_are_served_from_the_site_under_its_policy(client):
    docs = client.get(f"{API}/docs")
    assert docs.status_code == HTTPStatus.OK
    body = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "https://" not in body.split("<body", 1)[0]  # no stylesheet or script from a CDN
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.1")


def test_facts_of_a_season_stay_fresh_after_an_editor_adds_one(client, show):
    season = show.seasons.get(number=1)
    FactFactory(season=season, question="First?")
    assert len(client.get(f"{API}/shows/hyosan/seasons/1/facts").json()["items"]) == 1
    FactFactory(season=season, question="Second?")
    services_touch_site()
    assert len(client.get(f"{API}/shows/hyosan/seasons/1/facts").json()["items"]) == 2


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_address_of_the_api_refuses_to_write(client, show, method):
    document = client.get(f"{API}/openapi.json").json()
    addresses = [re.sub(r"{\w+}", "1", path) for path in document["paths"]]
    addresses += [f"{API}/openapi.json", f"{API}/docs"]
    for address in addresses:
        answer = getattr(client, method)(address)
        assert answer.status_code == HTTPStatus.METHOD_NOT_ALLOWED, address
        assert answer["Content-Type"] == "application/problem+json"


def test_a_repeated_parameter_never_shares_a_copy_with_one_value(client, show):
    """Whichever of two `watched` values the operation reads, the copy it makes is never
    served to a caller who sent only the other."""
    EpisodeFactory(season=show.seasons.get(number=1), title="The outbreak")
    path = f"{API}/shows/hyosan/seasons/1"
    both = client.get(f"{path}?watched=1&watched=0").json()["episodes"][0]["title"]
    for alone in ("0", "1"):
        client.get(f"{path}?watched=1&watched=0")  # stored, if it were keyed on one
        title = client.get(f"{path}?watched={alone}").json()["episodes"][0]["title"]
        expected = "The outbreak" if alone == "1" else {"spoiler_season": 1}
        assert title == expected, (alone, both)
