"""The visitors' page cache keys only on what a page reads, so junk cannot multiply pages."""

import json
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.reader import PROGRESS_COOKIE, PROGRESS_SALT, THEME_COOKIE
from tests.factories import SeasonFactory, TheoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def theory():
    season = SeasonFactory()
    return TheoryFactory(season=season, title="The cure is in the science lab", spoiler_season=1)


def signed_progress(value: dict, salt: str = PROGRESS_SALT) -> str:
    response = HttpResponse()
    response.set_signed_cookie(PROGRESS_COOKIE, json.dumps(value), salt=salt)
    return response.cookies[PROGRESS_COOKIE].value


def assert_served_from_cache(client, url, django_assert_num_queries, **headers):
    with django_assert_num_queries(0):
        response = client.get(url, headers=headers)
    assert response.status_code == HTTPStatus.OK
    return response


def test_unknown_query_parameters_share_the_page(theory, django_assert_num_queries):
    listing = reverse("guide:theory_list")
    assert Client().get(listing + "?utm_source=news").status_code == HTTPStatus.OK
    for junk in ["?utm_source=mail", "?fbclid=123&x=1", "", "?utm=a&utm=b"]:
        assert_served_from_cache(Client(), listing + junk, django_assert_num_queries)


def test_a_page_never_echoes_parameters_it_does_not_read(theory):
    url = theory.get_absolute_url() + "?utm_campaign=spam-link"
    Client().get(url)
    for page in (Client().get(url), Client().get(theory.get_absolute_url())):
        assert "spam-link" not in page.text


def without_token(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_parameters_it_reads_are_kept_in_one_order(theory, django_assert_num_queries):
    listing = reverse("guide:theory_list")
    season = theory.season_id
    first = Client().get(f"{listing}?sort=new&season={season}&utm=1")
    assert first.status_code == HTTPStatus.OK
    again = assert_served_from_cache(
        Client(), f"{listing}?season={season}&utm=2&sort=new", django_assert_num_queries
    )
    assert without_token(again.text) == without_token(first.text)
    assert f"season={season}&amp;sort=new" in first.text  # the page's own links, canonical


def test_an_unknown_theme_is_keyed_as_no_theme(theory, django_assert_num_queries):
    url = theory.get_absolute_url()
    assert Client().get(url).status_code == HTTPStatus.OK
    for junk in ["neon", "x" * 40, "dark2"]:
        client = Client()
        client.cookies[THEME_COOKIE] = junk
        page = assert_served_from_cache(client, url, django_assert_num_queries)
        assert junk not in page.text


def test_a_valid_theme_has_its_own_page(theory):
    client = Client()
    client.cookies[THEME_COOKIE] = "dark"
    Client().get(theory.get_absolute_url())
    assert 'data-theme="dark"' in client.get(theory.get_absolute_url()).text


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda pk: json.dumps({str(pk): 1}), id="unsigned"),
        pytest.param(lambda pk: signed_progress({str(pk): 1}, salt="other"), id="wrong-salt"),
        pytest.param(lambda pk: signed_progress({str(pk): 1})[:-3] + "abc", id="bad-signature"),
        pytest.param(lambda pk: "garbage:::", id="garbage"),
        pytest.param(lambda pk: signed_progress([1, 2]), id="not-a-mapping"),
    ],
)
def test_a_progress_cookie_that_does_not_verify_is_keyed_as_none(
    theory, forge, django_assert_num_queries
):
    url = theory.get_absolute_url()
    assert Client().get(url).status_code == HTTPStatus.OK
    client = Client()
    client.cookies[PROGRESS_COOKIE] = forge(theory.season.show_id)
    assert_served_from_cache(client, url, django_assert_num_queries)


def test_the_same_progress_signed_twice_shares_one_page(theory, django_assert_num_queries):
    """A signed value carries its signing time, so two cookies for one answer differ."""
    url = theory.get_absolute_url()
    show = str(theory.season.show_id)
    first = Client()
    first.cookies[PROGRESS_COOKIE] = signed_progress({show: 1, "999": 0})
    assert '<details class="spoiler">' not in first.get(url).text
    second = Client()
    second.cookies[PROGRESS_COOKIE] = signed_progress({"999": 0, show: 1})
    assert second.cookies[PROGRESS_COOKIE].value != first.cookies[PROGRESS_COOKIE].value
    page = assert_served_from_cache(second, url, django_assert_num_queries)
    assert '<details class="spoiler">' not in page.text


@pytest.mark.parametrize("host", ["TESTSERVER", "testserver:8081", "TestServer:80"])
def test_odd_spellings_of_the_host_are_not_cached(theory, host, django_assert_num_queries):
    """Any case and any port pass ALLOWED_HOSTS: caching each would be unbounded."""
    url = theory.get_absolute_url()
    Client().get(url)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url, headers={"host": host}).status_code == HTTPStatus.OK
        assert queries.captured_queries, "rendered afresh, not stored"
    # They did not push the canonical page out, nor stand in for it.
    assert_served_from_cache(Client(), url, django_assert_num_queries)
