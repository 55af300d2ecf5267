"""Arbitrary slugs and ids in every URL pattern, and posts to routes with arbitrary ids."""

from urllib.parse import quote

from hypothesis import example, given
from hypothesis import strategies as st

from tests.bad_input.hostile import FEW, HYPOTHESIS, NUMBERS, RAW_BYTES, TEXT, check, quoted

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
    slug=st.one_of(TEXT, st.sampled_from(["all-of-us-are-dead", "choi-nam-ra", "fan"])),
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
