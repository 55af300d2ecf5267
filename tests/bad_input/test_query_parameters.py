"""Arbitrary query parameters on every page that reads them: 200, 400 or 404, never a 500."""

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bad_input.hostile import FEW, HYPOTHESIS, RAW_BYTES, TEXT, check, raw_query

# Query parameters -----------------------------------------------------------------------------


THEORY_LIST_PARAMS = ["sort", "show", "season", "character", "outcome", "page", "after", "before"]


@HYPOTHESIS
@given(params=st.dictionaries(st.sampled_from(THEORY_LIST_PARAMS), TEXT, max_size=6))
@example(params={"season": str(10**30)})
@example(params={"character": "-1"})
@example(params={"show": "\x00"})
@example(params={"season": "١٢٣"})
@example(params={"sort": "top", "page": str(10**30)})
@example(params={"sort": "new", "page": "2", "season": "1"})
@example(params={"after": "e30.AAAA", "before": ""})
def test_theory_list_query_params(client, world, params):
    """An old page number (?page=N, N > 1) redirects to its cursor page."""
    response = client.get(reverse("guide:theory_list"), params)
    check(response, allowed={200, 302, 400, 404})


@FEW
@given(name=st.sampled_from(THEORY_LIST_PARAMS + ["q"]), raw=RAW_BYTES)
def test_invalid_utf8_in_query_strings(client, world, name, raw):
    query = raw_query(name, raw)
    # An old page number on the theory list (?page=2) redirects to its cursor page.
    check(
        client.get(reverse("guide:theory_list"), QUERY_STRING=query), allowed={200, 302, 400, 404}
    )
    check(client.get(reverse("guide:search"), QUERY_STRING=query), allowed={200, 400, 404})
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
@example(page="2")
@example(page="99999999")
def test_page_numbers_on_every_paginated_page(client, world, fan, page):
    theory = world.spoiler_theory
    for url in (theory.get_absolute_url(), reverse("guide:moderation_log")):
        check(client.get(url, {"page": page}), allowed={200})
    # Lists paginated by cursor redirect an old page number (N > 1) to its cursor page.
    for url in (reverse("guide:theory_list"), reverse("accounts:profile", args=[fan.username])):
        check(client.get(url, {"page": page}), allowed={200, 302})


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
