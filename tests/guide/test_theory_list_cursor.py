"""The theory list and a fan's profile, paged by cursor: following "Next" from the first
page to the end shows every theory the reader may see exactly once, in the list's order,
and "Previous" gives back the same pages; a page costs the same queries wherever it is
and however many theories there are, never counts them and never skips by OFFSET."""

import datetime
import itertools
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from guide.models import Outcome, Theory
from tests.bad_input.hostile import FEW, check
from tests.factories import TheoryFactory
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page
from tests.kit.worlds import build_world

pytestmark = pytest.mark.django_db

LIST = reverse("guide:theory_list")
PER_PAGE = 20
NOTICE = "That page link was not understood"


def add_theories(world, count: int, *, start: int = 0) -> None:
    """`count` theories by `fan`, over both seasons and every outcome, in runs that tie on
    hot, top and new; a few hidden or withdrawn, which no visitor's list shows."""
    moment = timezone.now() - datetime.timedelta(days=3)
    outcomes = list(Outcome)
    for n in range(start, start + count):
        score = n % 4
        TheoryFactory(
            author=world.fan,
            season=world.s1 if n % 3 else world.s2,
            outcome=outcomes[n % len(outcomes)],
            spoiler_season=None,
            hot=float(n % 5) / 3,
            wilson=(n % 2) / 7,
            score=score,
            upvotes=score,
            created_at=moment + datetime.timedelta(minutes=n // 4),
            is_hidden=n % 17 == 5,
            withdrawn_at=moment if n % 19 == 7 else None,
        )


@pytest.fixture
def world():
    world = build_world()
    add_theories(world, 100)
    return world


def shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article[^>]* id="theory-(\d+)"', response.text)]


def link(response, rel: str) -> str | None:
    """The href of the pagination's rel=prev or rel=next link, if any."""
    (nav,) = [links for label, links in Page(response).navs if label == "Pages"] or [[]]
    hrefs = [a.attrs["href"] for a in nav if a.attrs.get("rel") == rel]
    assert len(hrefs) <= 1
    return hrefs[0] if hrefs else None


def walk(client, url: str, query: dict) -> tuple[list, list]:
    """Follow "Next" from the first page to the end, then "Previous" back to the start:
    the pages' theories each way (the way back in reading order)."""
    response = client.get(url, query)
    assert response.status_code == HTTPStatus.OK
    forward = [shown(response)]
    while href := link(response, "next"):
        response = client.get(url + href)
        assert response.status_code == HTTPStatus.OK, href
        forward.append(shown(response))
        assert len(forward) < 50, "the walk does not end"
    back = [forward[-1]]
    while href := link(response, "prev"):
        response = client.get(url + href)
        assert response.status_code == HTTPStatus.OK, href
        back.insert(0, shown(response))
    return forward, back


def expected(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


def visible(**filters):
    return Theory.objects.for_listing(None).filter(**filters)


LIST_CASES = {
    "hot": ({}, lambda: visible().hot()),
    "top": ({"sort": "top"}, lambda: visible().top()),
    "new": ({"sort": "new"}, lambda: visible().new()),
    "season, top": ({"sort": "top", "season": "s1"}, lambda: visible(season__number=1).top()),
    "outcome, new": (
        {"sort": "new", "outcome": "debunked"},
        lambda: visible(outcome=Outcome.DEBUNKED).new(),
    ),
    "season and outcome, hot": (
        {"season": "s1", "outcome": "open"},
        lambda: visible(season__number=1, outcome=Outcome.OPEN).hot(),
    ),
}


@pytest.mark.parametrize("case", LIST_CASES)
def test_walking_the_list_shows_each_theory_once_in_order_and_back(client, world, case):
    query, theories = LIST_CASES[case]
    query = {
        name: world[value].pk if value in ("s1", "s2") else value for name, value in query.items()
    }
    forward, back = walk(client, LIST, query)
    assert [pk for page in forward for pk in page] == expected(theories())
    assert all(len(page) == PER_PAGE for page in forward[:-1])
    assert back == forward


def test_walking_a_profile_shows_each_theory_once_newest_first_and_back(client, world):
    forward, back = walk(client, world.fan.get_absolute_url(), {})
    assert len(forward) > 2
    assert [pk for page in forward for pk in page] == expected(visible(author=world.fan).new())
    assert back == forward


def test_a_fan_sees_their_own_hidden_theories_on_their_profile(world):
    fan = Client()
    fan.force_login(world.fan)
    forward, _back = walk(fan, world.fan.get_absolute_url(), {})
    mine = Theory.objects.for_listing(world.fan).filter(author=world.fan).new()
    assert [pk for page in forward for pk in page] == expected(mine)
    assert mine.filter(is_hidden=True).exists()


def test_links_keep_the_filters_and_drop_the_old_page_number(client, world):
    response = client.get(LIST, {"sort": "new", "season": world.s1.pk, "page": "1"})
    href = link(response, "next")
    assert href.startswith("?")
    assert "sort=new" in href
    assert f"season={world.s1.pk}" in href
    assert "page=" not in href
    assert "after=" in href
    later = client.get(LIST + href)
    assert "before=" in link(later, "prev")
    assert "after=" not in link(later, "prev")


def test_the_sort_tabs_start_each_order_at_its_first_page(client, world):
    first = client.get(LIST, {"sort": "new"})
    later = client.get(LIST + link(first, "next"))
    tabs = [links for label, links in Page(later).navs if label == "Sort theories"][0]
    for tab in tabs:
        assert "after=" not in tab.attrs["href"]
        assert "before=" not in tab.attrs["href"]


def test_no_page_numbers_on_the_cursor_lists(client, world):
    for url in (LIST, world.fan.get_absolute_url()):
        assert "Page 1 of" not in client.get(url).text


# Old page numbers -------------------------------------------------------------------------


def test_an_old_page_number_leads_to_the_page_that_starts_there_now(client, world):
    theories = expected(visible().top())
    response = client.get(LIST, {"sort": "top", "page": "3", "utm_source": "x"})
    assert response.status_code == HTTPStatus.FOUND
    target = response["Location"]
    assert target.startswith(LIST + "?")
    assert "sort=top" in target
    assert "page=" not in target
    page = client.get(target)
    assert shown(page) == theories[2 * PER_PAGE : 3 * PER_PAGE]


@pytest.mark.parametrize("number", ["1", "0", "-2", "abc", "", "1.5", str(10**30)])
def test_page_one_and_non_numbers_are_the_first_page(client, world, number):
    response = client.get(LIST, {"page": number})
    assert response.status_code == HTTPStatus.OK
    assert shown(response) == expected(visible().hot())[:PER_PAGE]


@pytest.mark.parametrize("number", ["7", "99999", "999999999"])
def test_a_page_number_past_the_end_leads_to_the_first_page(client, world, number):
    response = client.get(world.fan.get_absolute_url(), {"page": number})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == world.fan.get_absolute_url()


def test_a_cursor_wins_over_a_page_number(client, world):
    href = link(client.get(LIST), "next")
    response = client.get(LIST + href + "&page=3")
    assert response.status_code == HTTPStatus.OK
    assert shown(response) == expected(visible().hot())[PER_PAGE : 2 * PER_PAGE]


# Cost -----------------------------------------------------------------------------------


def deep_page(client, url: str, query: dict) -> str:
    """The address of the list's last page, as an old page number's redirect finds it."""
    last = None
    for number in itertools.count(2):
        location = client.get(url, {**query, "page": str(number)})["Location"]
        if "after=" not in location:  # past the end: the first page
            break
        last = location
    assert last is not None, "the list has one page"
    return last


QUERY_CASES = {
    "list, hot": (lambda world: LIST, {}),
    "list, top by season": (lambda world: LIST, {"sort": "top", "season": "s1"}),
    "list, new by outcome": (lambda world: LIST, {"sort": "new", "outcome": "open"}),
    "profile": (lambda world: world.fan.get_absolute_url(), {}),
}


def cold(client, url: str, query=None) -> int:
    """Queries of a page with nothing cached (shared cards, site-wide lists)."""
    cache.clear()
    return count_queries(client, url, query)


@pytest.mark.parametrize("case", QUERY_CASES)
def test_first_and_deep_pages_cost_the_same_queries_at_any_size(client, fan, world, case):
    make_url, query = QUERY_CASES[case]
    url = make_url(world)
    query = {
        name: world[value].pk if value in ("s1", "s2") else value for name, value in query.items()
    }
    fan_client = Client()
    fan_client.force_login(fan)

    def measure():
        counts = {}
        for who, reader in (("visitor", client), ("fan", fan_client)):
            deep = deep_page(reader, url, query)
            counts[who] = {"first": cold(reader, url, query), "deep": cold(reader, deep)}
            assert counts[who]["first"] == counts[who]["deep"], (who, counts[who])
        return counts

    assert_queries_do_not_grow(
        measure, lambda: add_theories(world, 200, start=100), f"{case} (100 -> 300 theories)"
    )


@pytest.mark.parametrize("case", QUERY_CASES)
def test_no_page_counts_or_skips_rows(client, world, case):
    make_url, query = QUERY_CASES[case]
    url = make_url(world)
    query = {
        name: world[value].pk if value in ("s1", "s2") else value for name, value in query.items()
    }
    first = client.get(url, query)
    pages = [(url, query), (url + link(first, "next"), None), (deep_page(client, url, query), None)]
    later = client.get(pages[-1][0])
    pages.append((url + link(later, "prev"), None))
    for address, data in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address, data).status_code == HTTPStatus.OK
        for query_sql in (q["sql"] for q in queries.captured_queries):
            upper = query_sql.upper()
            assert not upper.lstrip().startswith("SELECT COUNT("), query_sql
            assert "__COUNT" not in upper, query_sql
            assert " OFFSET " not in upper, query_sql


# Cursors that are not the site's own -------------------------------------------------------

NASTY = [
    "",
    "garbage",
    ".",
    "e30",  # base64 of {}
    "e30.AAAAAAAAAAAA",
    "WzAuMywxXQ.AAAAAAAAAAAA",  # [0.3,1] with a made-up signature
    "WzFlNDAwLDFd.xxxxxxxxxxxx",  # [1e400,1]
    "W05hTiwxXQ",  # [NaN,1]
    "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAsMV0.AAAAAAAAAAAA",  # a huge number
    "%00",
    "ä",
    "A" * 5000,
]


@pytest.mark.parametrize("cursor", NASTY)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_that_is_not_understood_shows_the_first_page_with_a_400(
    client, world, cursor, direction
):
    for url, first in (
        (LIST, expected(visible().hot())),
        (world.fan.get_absolute_url(), expected(visible(author=world.fan).new())),
    ):
        response = client.get(url, {direction: cursor})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert NOTICE in response.text
        assert shown(response) == first[:PER_PAGE]


def test_a_cursor_of_another_order_is_not_understood(client, world):
    top_cursor = link(client.get(LIST, {"sort": "top"}), "next").split("after=")[1]
    response = client.get(LIST, {"sort": "new", "after": top_cursor})
    assert response.status_code == HTTPStatus.BAD_REQUEST


@FEW
@given(
    params=st.dictionaries(
        st.sampled_from(["after", "before", "page", "sort"]), st.text(max_size=80), max_size=4
    )
)
@example(params={"after": "WzAuMywxXQ", "before": "WzAuMywxXQ"})
def test_any_cursor_is_never_a_500(client, world, params):
    for url in (LIST, world.fan.get_absolute_url()):
        check(client.get(url, params), allowed={200, 302, 400})


# The visitors' page cache ----------------------------------------------------------------


def test_each_cursor_page_is_cached_under_its_own_key(client, world, settings):
    settings.VISITOR_PAGE_CACHE = True
    for url in (LIST, world.fan.get_absolute_url()):
        first = client.get(url)
        second = client.get(url + link(first, "next"))
        third = client.get(url + link(second, "next"))
        pages = [shown(first), shown(second), shown(third)]
        assert len({tuple(page) for page in pages}) == 3
        # Served again from the cache, each cursor still gets its own page.
        with CaptureQueriesContext(connection) as queries:
            again = [shown(Client().get(url + link(first, "next"))), shown(Client().get(url))]
        assert again == [pages[1], pages[0]]
        assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]


def test_a_cursor_that_is_not_understood_is_never_cached(client, world, settings):
    settings.VISITOR_PAGE_CACHE = True
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"after": "garbage"})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert len(queries) > 0
