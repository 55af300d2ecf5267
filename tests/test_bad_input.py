"""Bad input never causes a 500 and never sends a reader off-site.

Property-based: every form and every URL parameter is driven with arbitrary text
(control characters, mixed scripts, invalid UTF-8), huge and negative numbers and empty
strings. Invalid values give 400/404 or the form again with its errors; nothing a fan
typed is lost on a validation error.
"""

import datetime
import html
import ipaddress
import uuid
from http import HTTPStatus
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from guide.models import ModerationKind, SeasonStatus, Theory
from tests.factories import (
    PASSWORD,
    CharacterFactory,
    CommentFactory,
    ModerationActionFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(HYPOTHESIS, max_examples=20)
FEWER = settings(HYPOTHESIS, max_examples=10)

HOST = "testserver"

# Strategies -----------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "남라",
    "Ω≈ç√",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() and int() accept them
    "²",  # isdigit() is True, int() refuses it
    "%00",
    "%ff",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "0",
    "1.5",
    "1e400",
    "NaN",
    "inf",
    str(10**30),
    str(-(10**30)),
    str(2**31),
    str(2**63),
    "a" * 5000,
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([str(10**30), "-1", "0", "", "  7 ", "0x10", "1_000", "+3"]),
)
TEXT = st.one_of(st.text(), st.sampled_from(NASTY), NUMBERS)
# Invalid UTF-8: raw bytes that the server must decode with replacement characters.
RAW_BYTES = st.binary(max_size=64)

# `next` targets that try to leave the site.
OFFSITE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "http://testserver/",  # downgrade to http from an https request
    "/%2F%2Fevil.example",
]
# Odd, but relative paths on this site.
ODD_NEXT = ["0", "guide:home", "set_language", "\u3002evil.example", "?next=//evil.example"]
NEXT = st.one_of(TEXT, st.sampled_from(OFFSITE_NEXT + ODD_NEXT))


# Oracles --------------------------------------------------------------------------------------


def redirect_stays_on_site(location: str, *, secure: bool) -> bool:
    """Would a browser following this Location stay on testserver (over https if secure)?

    Independent of Django's own check: browsers drop tabs and newlines, trim leading
    control characters and spaces, and read backslashes as slashes.
    """
    cleaned = location.lstrip("".join(chr(c) for c in range(0x21)))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme:
        if parts.scheme.lower() not in {"http", "https"}:
            return False
        if secure and parts.scheme.lower() != "https":
            return False
        return parts.netloc.lower() == HOST
    if parts.netloc:
        return parts.netloc.lower() == HOST
    return not cleaned.startswith("//")


def check(response, *, allowed=None, secure: bool = False) -> None:
    """Never a 500; redirects stay on this site; the status is one of `allowed`."""
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (
        response.status_code,
        response.content[:300],
    )
    if allowed is not None:
        assert response.status_code in allowed, (response.status_code, response.content[:300])
    if 300 <= response.status_code < 400:
        location = response.headers.get("Location", "")
        assert redirect_stays_on_site(location, secure=secure), location


def test_redirect_oracle():
    assert redirect_stays_on_site("/theories/1/x/", secure=True)
    assert redirect_stays_on_site("https://testserver/a", secure=True)
    assert redirect_stays_on_site("?page=2", secure=False)
    for target in OFFSITE_NEXT:
        if target.startswith("/%2F"):
            continue  # a path on this site, percent-encoded slashes stay in the path
        assert not redirect_stays_on_site(target, secure=True), target


def quoted(value: str) -> str:
    """A URL path segment holding exactly `value` (surrogates as raw bytes)."""
    return quote(value.encode("utf-8", "surrogateescape"), safe="")


def raw_query(name: str, raw: bytes) -> str:
    """A percent-encoded query string whose value is `raw`, valid UTF-8 or not."""
    return f"{name}={quote(raw, safe='')}"


# Data -----------------------------------------------------------------------------------------


@pytest.fixture
def world(db, fan, other_fan, moderator):
    """A show with a released and an upcoming season, a theory with comments, a log."""
    show = ShowFactory(title="All of Us Are Dead", slug="all-of-us-are-dead")
    released = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    upcoming = SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    character = CharacterFactory(show=show, name="Nam-ra", slug="nam-ra")
    theirs = TheoryFactory(author=other_fan, season=upcoming, title="Nam-ra leads the survivors")
    mine = TheoryFactory(author=fan, season=upcoming, title="Su-hyeok returns")
    comment = CommentFactory(theory=theirs, author=other_fan)
    ModerationActionFactory(moderator=moderator, kind=ModerationKind.HIDE, theory=theirs)
    return {
        "show": show,
        "released": released,
        "upcoming": upcoming,
        "character": character,
        "theirs": theirs,
        "mine": mine,
        "comment": comment,
    }


def form_errors(response) -> bool:
    """The response is the form again, with at least one error shown."""
    context = response.context
    if context is None:
        return False
    for key in ("form", "comment_form"):
        form = context.get(key)
        if form is not None and form.errors:
            return True
    return False


def check_form_post(response, *, data: dict, success=frozenset({302})) -> None:
    """A form POST either succeeds or shows the form again.

    400 with the errors next to the fields; 200 is accepted only for an empty body, which
    views written as `Form(request.POST or None)` treat as no submission at all.
    """
    check(response, allowed=set(success) | {200, 400})
    sent = {name: value for name, value in data.items() if value != []}
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert form_errors(response), "a 400 without the form and its errors"
    elif response.status_code == HTTPStatus.OK:
        assert not sent, f"a non-empty invalid POST answered 200: {data!r}"
        assert response.context is not None
        assert response.context.get("form") is not None


# Query parameters -----------------------------------------------------------------------------


THEORY_LIST_PARAMS = ["sort", "show", "season", "character", "outcome", "page"]


@HYPOTHESIS
@given(params=st.dictionaries(st.sampled_from(THEORY_LIST_PARAMS), TEXT, max_size=6))
@example(params={"season": str(10**30)})
@example(params={"character": "-1"})
@example(params={"show": "\x00"})
@example(params={"season": "١٢٣"})
@example(params={"sort": "top", "page": str(10**30)})
def test_theory_list_query_params(client, world, params):
    response = client.get(reverse("guide:theory_list"), params)
    check(response, allowed={200, 400, 404})


@FEW
@given(name=st.sampled_from(THEORY_LIST_PARAMS + ["q"]), raw=RAW_BYTES)
def test_invalid_utf8_in_query_strings(client, world, name, raw):
    query = raw_query(name, raw)
    for url in (reverse("guide:theory_list"), reverse("guide:search")):
        check(client.get(url, QUERY_STRING=query), allowed={200, 400, 404})
    # Bytes straight into the WSGI environ, not even percent-encoded.
    check(
        client.get(reverse("guide:search"), QUERY_STRING=f"q={raw.decode('latin-1')}"),
        allowed={200},
    )


@HYPOTHESIS
@given(q=TEXT)
@example(q="\x00")
@example(q='"unclosed')
@example(q="-")
@example(q="a & | ! ( ) : * <-> b")
def test_search(client, world, q):
    response = client.get(reverse("guide:search"), {"q": q})
    check(response, allowed={200})


@HYPOTHESIS
@given(page=TEXT)
@example(page=str(10**30))
@example(page="-1")
@example(page="")
def test_page_numbers_on_every_paginated_page(client, world, fan, page):
    theory = world["theirs"]
    for url in (
        reverse("guide:theory_list"),
        theory.get_absolute_url(),
        reverse("accounts:profile", args=[fan.username]),
        reverse("guide:moderation_log"),
    ):
        check(client.get(url, {"page": page}), allowed={200})


@HYPOTHESIS
@given(show=TEXT)
@example(show="\x00")  # PostgreSQL refuses NUL in text: must be a 404, not a DataError
def test_leaderboard_show_filter(client, world, show):
    check(client.get(reverse("guide:leaderboard"), {"show": show}), allowed={200, 404})


@FEW
@given(season=TEXT)
def test_theory_create_season_hint(fan_client, world, season):
    response = fan_client.get(reverse("guide:theory_create"), {"season": season})
    check(response, allowed={200})


# Slugs and ids in URLs ------------------------------------------------------------------------

URL_TEMPLATES = [
    "/shows/{slug}/",
    "/shows/{slug}/season-{number}/",
    "/shows/{slug}/characters/{slug}/",
    "/theories/{number}/",
    "/theories/{number}/{slug}/",
    "/theories/{number}/edit/",
    "/theories/{number}/delete/",
    "/comments/{number}/edit/",
    "/comments/{number}/delete/",
    "/comments/{number}/report/",
    "/theories/{number}/report/",
    "/u/{slug}/",
    "/feeds/shows/{slug}/theories/",
    "/feeds/shows/{slug}/season-{number}/theories/",
    "/feeds/shows/{slug}/season-{number}/facts/",
    "/accounts/password/reset/{slug}/{slug}/",
]


@HYPOTHESIS
@given(
    template=st.sampled_from(URL_TEMPLATES),
    slug=st.one_of(TEXT, st.sampled_from(["all-of-us-are-dead", "nam-ra", "fan"])),
    number=st.one_of(NUMBERS, TEXT),
    logged_in=st.booleans(),
)
@example(template="/theories/{number}/", slug="x", number=str(10**30), logged_in=False)
@example(template="/theories/{number}/edit/", slug="x", number=str(10**30), logged_in=True)
@example(template="/shows/{slug}/season-{number}/", slug="x", number=str(2**63), logged_in=False)
@example(template="/u/{slug}/", slug="\x00", number="1", logged_in=False)
@example(template="/shows/{slug}/", slug="\x00", number="1", logged_in=False)
def test_arbitrary_values_in_url_patterns(
    client, fan_client, world, template, slug, number, logged_in
):
    path = template.format(slug=quoted(slug), number=quoted(number))
    response = (fan_client if logged_in else client).get(path)
    check(response, allowed={200, 301, 302, 400, 403, 404})


@FEW
@given(template=st.sampled_from(URL_TEMPLATES), raw=RAW_BYTES.filter(bool))
def test_invalid_utf8_in_url_paths(client, world, template, raw):
    segment = quote(raw, safe="")
    check(client.get(template.format(slug=segment, number=segment)))


@HYPOTHESIS
@given(number=NUMBERS, logged_in=st.booleans())
def test_post_to_id_routes_with_arbitrary_ids(client, fan_client, world, number, logged_in):
    actor = fan_client if logged_in else client
    for template in (
        "/theories/{number}/vote/",
        "/theories/{number}/comments/",
        "/theories/{number}/report/",
        "/comments/{number}/report/",
        "/theories/{number}/delete/",
        "/comments/{number}/delete/",
    ):
        response = actor.post(template.format(number=quoted(number)), {"value": "1"})
        check(response, allowed={302, 400, 403, 404})


# `next` parameters ----------------------------------------------------------------------------


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans())
@example(target="https://evil.example/", secure=True)
@example(target="//evil.example", secure=False)
@example(target="/\\evil.example", secure=True)
@example(target="http://testserver/", secure=True)
def test_login_next_never_leaves_the_site(world, target, secure):
    UserFactory(username="nextfan")
    client = Client()
    login_url = reverse("accounts:login")
    response = client.post(
        login_url,
        {"username": "nextfan", "password": PASSWORD, "next": target},
        secure=secure,
    )
    check(response, allowed={302}, secure=secure)
    # Already signed in: the login page sends the fan straight to `next`.
    response = client.get(login_url, {"next": target}, secure=secure)
    check(response, allowed={200, 302}, secure=secure)


@FEW
@given(target=NEXT, secure=st.booleans())
@example(target="//evil.example", secure=True)
def test_signup_next_never_leaves_the_site(world, target, secure):
    # Each from an address of its own: sign-ups are limited per client address.
    client = Client(REMOTE_ADDR=str(ipaddress.IPv6Address(uuid.uuid4().int)))
    username = f"new{uuid.uuid4().hex[:12]}"
    response = client.post(
        reverse("accounts:signup") + "?" + f"next={quote(target, safe='')}",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
        secure=secure,
    )
    check(response, allowed={302, 400}, secure=secure)


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans(), value=st.sampled_from(["1", "-1", "0"]))
@example(target="https://evil.example/", secure=True, value="1")
def test_vote_next_never_leaves_the_site(fan_client, world, target, secure, value):
    theory = world["theirs"]
    response = fan_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": value, "next": target}, secure=secure
    )
    check(response, allowed={302}, secure=secure)
    theory.refresh_from_db()
    assert theory.upvotes == theory.votes.filter(value=1).count()
    assert theory.downvotes == theory.votes.filter(value=-1).count()


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans(), logged_in=st.booleans())
@example(target="//evil.example", secure=False, logged_in=False)
def test_set_progress_next_never_leaves_the_site(
    client, fan_client, world, target, secure, logged_in
):
    actor = fan_client if logged_in else client
    response = actor.post(
        reverse("guide:set_progress"),
        {"show": world["show"].pk, "seasons_watched": "1", "next": target},
        secure=secure,
    )
    check(response, allowed={302}, secure=secure)


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans())
@example(target="//evil.example", secure=False)
def test_theme_next_never_leaves_the_site(client, world, target, secure):
    response = client.post(reverse("guide:theme"), {"theme": "dark", "next": target}, secure=secure)
    check(response, allowed={302}, secure=secure)
    # ?next= in the query string as well as the body.
    response = client.post(
        reverse("guide:theme") + f"?next={quote(target, safe='')}",
        {"theme": "light"},
        secure=secure,
    )
    check(response, allowed={302}, secure=secure)


@HYPOTHESIS
@given(target=NEXT, secure=st.booleans(), language=TEXT)
@example(target="//evil.example", secure=False, language="ko")
def test_set_language_next_never_leaves_the_site(client, world, target, secure, language):
    for lang in (language, "ko"):
        response = client.post(
            reverse("set_language"), {"language": lang, "next": target}, secure=secure
        )
        check(response, allowed={302, 204}, secure=secure)


# POST bodies ----------------------------------------------------------------------------------


FIELD = st.one_of(TEXT, st.lists(TEXT, max_size=3))


def post_data(fields: dict) -> dict:
    """Drop hypothesis' None (field left out) so a missing field is also tried."""
    return {name: value for name, value in fields.items() if value is not None}


def maybe(strategy):
    return st.one_of(st.none(), strategy)


@FEW
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "username": FIELD,
            "email": FIELD,
            "password1": FIELD,
            "password2": FIELD,
        },
    )
)
@example(data={"username": "\x00", "email": "a\x00@example.com", "password1": "x"})
@example(data={"username": "fan", "email": "FAN@example.com", "password1": PASSWORD})
def test_signup_body(world, data):
    response = Client().post(reverse("accounts:signup"), data)
    check_form_post(response, data=data)


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries({}, optional={"username": FIELD, "password": FIELD, "next": NEXT})
)
@example(data={"username": "\x00", "password": "\x00"})
@example(data={"username": "fan", "password": "x" * 10000})
@example(data={"username": "x" * 300, "password": "p"})  # longer than axes' varchar(255)
def test_login_body(world, data):
    response = Client().post(reverse("accounts:login"), data)
    # 429/403: the username+address pair is locked after repeated failures.
    check(response, allowed={200, 302, 400, 403, 429})


THEORY_FIELDS = {
    "season": st.one_of(NUMBERS, TEXT),
    "title": TEXT,
    "body": TEXT,
    "characters": st.one_of(NUMBERS, st.lists(st.one_of(NUMBERS, TEXT), max_size=3)),
    "spoiler_season": st.one_of(NUMBERS, TEXT),
}


@HYPOTHESIS
@given(data=st.fixed_dictionaries({}, optional=THEORY_FIELDS), use_real_season=st.booleans())
@example(data={"season": str(10**30), "title": "t", "body": "b"}, use_real_season=False)
@example(
    data={"season": "-1", "title": "t", "body": "b", "characters": "-5"}, use_real_season=False
)
@example(data={"title": "a\x00b", "body": "b", "spoiler_season": "99"}, use_real_season=True)
@example(data={"title": "ok", "body": "x" * 100_000}, use_real_season=True)
@example(data={"title": "ok", "body": "b", "characters": str(10**30)}, use_real_season=True)
@example(data={"title": "ok", "body": "b", "characters": ["1", "-1", "x"]}, use_real_season=True)
def test_theory_create_body(fan_client, world, data, use_real_season):
    if use_real_season:
        data = {**data, "season": str(world["upcoming"].pk)}
    before = Theory.objects.count()
    response = fan_client.post(reverse("guide:theory_create"), data)
    check_form_post(response, data=data)
    if response.status_code != HTTPStatus.FOUND:
        assert Theory.objects.count() == before
    else:
        assert Theory.objects.count() == before + 1


@HYPOTHESIS
@given(data=st.fixed_dictionaries({}, optional=THEORY_FIELDS))
@example(data={"title": "\x07", "body": "fine"})
@example(data={"title": "ok", "body": "b", "characters": str(10**30)})
def test_theory_edit_body(fan_client, world, data):
    theory = world["mine"]
    response = fan_client.post(reverse("guide:theory_edit", args=[theory.pk]), data)
    check_form_post(response, data=data)
    theory.refresh_from_db()
    # The predicted season never changes, whatever is posted.
    assert theory.season_id == world["upcoming"].pk


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries(
        {}, optional={"body": TEXT, "spoiler_season": st.one_of(NUMBERS, TEXT)}
    )
)
@example(data={"body": "\x00"})
@example(data={"body": "ok", "spoiler_season": str(10**30)})
def test_comment_body(fan_client, world, data):
    theory = world["theirs"]
    response = fan_client.post(reverse("guide:comment_create", args=[theory.pk]), data)
    check_form_post(response, data=data)
    comment = world["comment"]
    response = fan_client.post(reverse("guide:comment_edit", args=[comment.pk]), data)
    # Not the fan's comment: 404, whatever the body.
    check(response, allowed={404})


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries({}, optional={"reason": TEXT, "note": TEXT}),
    kind=st.sampled_from(["theory", "comment"]),
)
@example(data={"reason": "spam", "note": "\x00"}, kind="theory")
@example(data={"reason": "spam", "note": "x" * 501}, kind="comment")
def test_report_body(fan_client, world, data, kind):
    item = world["theirs"] if kind == "theory" else world["comment"]
    response = fan_client.post(reverse(f"guide:report_{kind}", args=[item.pk]), data)
    check_form_post(response, data=data)


@HYPOTHESIS
@given(data=st.fixed_dictionaries({}, optional={"display_name": TEXT, "bio": TEXT, "email": TEXT}))
@example(data={"display_name": "\x00", "bio": "\x1b", "email": "x\x00@example.com"})
@example(data={"email": "other_fan@example.com"})
@example(data={"display_name": "x" * 10_000})
def test_settings_body(fan_client, world, data):
    response = fan_client.post(reverse("accounts:settings"), data)
    check_form_post(response, data=data)


@HYPOTHESIS
@given(
    data=st.fixed_dictionaries(
        {}, optional={"show": st.one_of(NUMBERS, TEXT), "seasons_watched": st.one_of(NUMBERS, TEXT)}
    ),
    logged_in=st.booleans(),
)
@example(data={"show": str(10**30), "seasons_watched": "1"}, logged_in=True)
@example(data={"show": "1", "seasons_watched": str(10**30)}, logged_in=False)
def test_set_progress_body(client, fan_client, world, data, logged_in):
    actor = fan_client if logged_in else client
    response = actor.post(reverse("guide:set_progress"), data)
    check(response, allowed={302, 400})


@HYPOTHESIS
@given(theme=FIELD)
def test_theme_body(client, world, theme):
    response = client.post(reverse("guide:theme"), {"theme": theme})
    check(response, allowed={302, 400})


@FEWER
@given(raw=RAW_BYTES)
def test_invalid_utf8_in_form_bodies(fan_client, world, raw):
    """Raw bytes in an urlencoded body, sent as they are."""
    for url in (
        reverse("guide:theory_create"),
        reverse("guide:comment_create", args=[world["theirs"].pk]),
        reverse("accounts:settings"),
        reverse("guide:theme"),
        reverse("guide:set_progress"),
    ):
        for body in (b"body=" + raw + b"&title=" + raw, raw):
            response = fan_client.post(url, body, content_type="application/x-www-form-urlencoded")
            # An empty body is no submission: the settings page answers with its form.
            check(response, allowed={200, 302, 400} if not body else {302, 400})


# Nothing typed is lost ------------------------------------------------------------------------

TYPED = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x00\r"),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() == text and text)


@FEW
@given(title=TYPED, body=TYPED)
def test_invalid_theory_keeps_what_was_typed(fan_client, world, title, body):
    # No season chosen: a field error, and the title and body come back.
    response = fan_client.post(reverse("guide:theory_create"), {"title": title, "body": body})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors["season"]
    content = response.content.decode()
    assert html.escape(title) in content
    assert html.escape(body) in content


@FEW
@given(body=TYPED)
def test_invalid_comment_keeps_what_was_typed(fan_client, world, body):
    response = fan_client.post(
        reverse("guide:comment_create", args=[world["theirs"].pk]),
        {"body": body, "spoiler_season": "not a season"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["comment_form"].errors["spoiler_season"]
    assert html.escape(body) in response.content.decode()


# Oversized bodies and too many fields ---------------------------------------------------------


def _endpoints(world):
    return [
        reverse("guide:comment_create", args=[world["theirs"].pk]),
        reverse("guide:theory_create"),
        reverse("guide:theory_edit", args=[world["mine"].pk]),
    ]


def _csrf_client(user) -> tuple[Client, str]:
    """A client that enforces CSRF as production does, with a valid token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(reverse("guide:theory_create"), secure=True)
    assert response.status_code == HTTPStatus.OK
    return client, str(response.context["csrf_token"])


def _assert_friendly_400(response):
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content.lower()


def _fan_client(fan, enforce_csrf: bool) -> tuple[Client, str]:
    if enforce_csrf:
        return _csrf_client(fan)
    client = Client()
    client.force_login(fan)
    return client, ""


def _post(client, url, fields: dict, token: str, encoding: str):
    """POST over HTTPS as a browser would, urlencoded or multipart."""
    headers = {"X-CSRFToken": token, "Referer": "https://testserver/"}
    if encoding == "urlencoded":
        body = "&".join(f"{key}={quote(value)}" for key, value in fields.items())
        return client.post(
            url,
            body,
            content_type="application/x-www-form-urlencoded",
            secure=True,
            headers=headers,
        )
    return client.post(url, fields, secure=True, headers=headers)


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["no-csrf", "csrf"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_oversized_body_is_refused_with_400(fan, world, enforce_csrf, encoding):
    client, token = _fan_client(fan, enforce_csrf)
    big = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    before = Theory.objects.count()
    for url in _endpoints(world):
        fields = {"csrfmiddlewaretoken": token, "title": "t", "body": big}
        _assert_friendly_400(_post(client, url, fields, token, encoding))
    assert Theory.objects.count() == before


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["no-csrf", "csrf"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_too_many_fields_are_refused_with_400(fan, world, enforce_csrf, encoding):
    client, token = _fan_client(fan, enforce_csrf)
    count = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    for url in _endpoints(world):
        fields = {"csrfmiddlewaretoken": token, "title": "t", "body": "b"}
        fields.update({f"f{n}": "1" for n in range(count)})
        _assert_friendly_400(_post(client, url, fields, token, encoding))


def test_many_values_of_one_field_are_refused_with_400(fan_client, world):
    """200+ values of a multi-valued field (characters) count as fields too."""
    count = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    response = fan_client.post(
        reverse("guide:theory_create"),
        {"title": "t", "body": "b", "characters": [str(n) for n in range(count)]},
    )
    _assert_friendly_400(response)
