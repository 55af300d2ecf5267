"""Atom feeds, sitemap.xml and robots.txt, read the way a feed reader or a crawler would."""

import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import services
from tests.factories import CharacterFactory, SeasonFactory, ShowFactory, TheoryFactory
from tests.kit.html import Page
from tests.kit.worlds import (
    FACT_QUESTION,
    SPOILER_FACT_ANSWER,
    SPOILER_FACT_QUESTION,
    SPOILER_TITLE,
    THEORY_TITLE,
    build_world,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ORIGIN = "http://testserver"


@pytest.fixture
def world():
    """The kit's world, plus a hidden theory, another show and an unpublished show."""
    world = build_world()
    world.hidden = TheoryFactory(
        season=world.s2, title="Hidden rant about the cast", body="Rude words.", is_hidden=True
    )
    other_show = ShowFactory(title="Sweet Home", slug="sweet-home")
    world.other = TheoryFactory(
        season=SeasonFactory(show=other_show, number=1), title="Hyun-su returns", body="Of course."
    )
    world.draft = ShowFactory(title="Secret Draft", slug="secret-draft", is_published=False)
    draft_season = SeasonFactory(show=world.draft, number=1)
    world.draft_theory = TheoryFactory(
        season=draft_season, title="Draft show theory", body="Not public yet."
    )
    world.draft_character = CharacterFactory(
        show=world.draft, name="Draft Person", slug="draft-person"
    )
    return world


@pytest.fixture
def hidden_by_moderator(world, moderator):
    """A theory a moderator hid after it was posted."""
    theory = services.post_theory(
        author=world.fan,
        season=world.s2,
        title="Walrus conspiracy in the gym",
        body="The walrus coach planned the outbreak all along.",
    )
    services.set_hidden(
        moderator=moderator, item=theory, hidden=True, reason="Breaks rule 3: harassment."
    )
    return theory


def fetch_feed(client, url) -> tuple[ET.Element, str]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's output
    assert root.tag == f"{ATOM}feed"
    return root, text


def assert_valid_atom(root: ET.Element):
    assert (root.findtext(f"{ATOM}title") or "").strip()
    assert (root.findtext(f"{ATOM}id") or "").strip()
    assert (root.findtext(f"{ATOM}updated") or "").strip()
    feed_links = [link.get("href") for link in root.findall(f"{ATOM}link")]
    assert feed_links
    assert all(href.startswith(f"{ORIGIN}/") for href in feed_links)
    for entry in root.findall(f"{ATOM}entry"):
        assert (entry.findtext(f"{ATOM}title") or "").strip()
        assert (entry.findtext(f"{ATOM}id") or "").strip()
        updated = entry.findtext(f"{ATOM}updated")
        datetime.datetime.fromisoformat(updated)  # RFC 3339
        links = entry.findall(f"{ATOM}link")
        assert links
        for link in links:
            assert link.get("href", "").startswith(f"{ORIGIN}/"), link.get("href")


def entry_links(root: ET.Element) -> list[str]:
    return [
        entry.find(f"{ATOM}link").get("href").removeprefix(ORIGIN)
        for entry in root.findall(f"{ATOM}entry")
    ]


def entry_titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


# Feeds ------------------------------------------------------------------------------


def test_site_wide_theory_feed_is_valid_atom_with_public_theories(client, world):
    root, _ = fetch_feed(client, reverse("guide:feed_theories"))
    assert_valid_atom(root)
    links = entry_links(root)
    for key in ("theory", "settled", "spoiler_theory", "other"):
        assert world[key].get_absolute_url() in links, key
    assert world.hidden.get_absolute_url() not in links
    assert world.draft_theory.get_absolute_url() not in links
    assert THEORY_TITLE in entry_titles(root)


def test_feed_entries_are_newest_first_and_ids_are_unique(client, world):
    root, _ = fetch_feed(client, reverse("guide:feed_theories"))
    ids = [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    published = [
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
        for entry in root.findall(f"{ATOM}entry")
    ]
    assert published == sorted(published, reverse=True)


def test_show_feed_has_only_that_shows_theories(client, world):
    url = reverse("guide:feed_show_theories", args=[world.show.slug])
    root, _ = fetch_feed(client, url)
    assert_valid_atom(root)
    assert "All Of Us Are Dead" in root.findtext(f"{ATOM}title")
    links = entry_links(root)
    assert set(links) == {
        world[key].get_absolute_url() for key in ("theory", "settled", "spoiler_theory")
    }


def test_season_feed_has_only_that_seasons_theories(client, world):
    url = reverse("guide:feed_season_theories", args=[world.show.slug, 2])
    root, _ = fetch_feed(client, url)
    assert_valid_atom(root)
    assert set(entry_links(root)) == {
        world[key].get_absolute_url() for key in ("theory", "spoiler_theory")
    }


def test_season_facts_feed_lists_changes_to_what_we_know(client, world):
    url = reverse("guide:feed_season_facts", args=[world.show.slug, 2])
    root, text = fetch_feed(client, url)
    assert_valid_atom(root)
    assert FACT_QUESTION in entry_titles(root)
    assert len(root.findall(f"{ATOM}entry")) == 2
    # The spoiler-tagged fact is announced, not told: neither its question nor its answer.
    assert SPOILER_FACT_QUESTION not in text
    assert "survives into season two" not in text
    assert SPOILER_FACT_ANSWER not in text
    assert "half-zombie now" not in text
    assert any("Spoiler for season 1" in title for title in entry_titles(root))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("guide:feed_theories", []),
        ("guide:feed_show_theories", ["all-of-us-are-dead"]),
        ("guide:feed_season_theories", ["all-of-us-are-dead", 2]),
    ],
)
def test_theory_feeds_never_leak_spoilers_or_hidden_theories(client, world, name, args):
    root, text = fetch_feed(client, reverse(name, args=args))
    for leaked in (
        SPOILER_TITLE,
        "leads the half-zombies",
        "bite in the finale",
        "she leads them",
        "Hidden rant",
        "Rude words",
        "Draft show theory",
    ):
        assert leaked not in text, leaked
    spoiler_entry = next(
        entry
        for entry in root.findall(f"{ATOM}entry")
        if entry.find(f"{ATOM}link").get("href").endswith(world.spoiler_theory.get_absolute_url())
    )
    assert "Spoiler for season 1" in spoiler_entry.findtext(f"{ATOM}title")


def test_theory_title_with_markup_is_escaped_in_the_feed(client, world):
    TheoryFactory(season=world.s2, title="</title><script>alert(1)</script> & more")
    root, text = fetch_feed(client, reverse("guide:feed_theories"))
    assert "<script>" not in text
    assert "</title><script>alert(1)</script> & more" in entry_titles(root)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("guide:feed_show_theories", ["secret-draft"]),
        ("guide:feed_show_theories", ["no-such-show"]),
        ("guide:feed_season_theories", ["secret-draft", 1]),
        ("guide:feed_season_theories", ["all-of-us-are-dead", 9]),
        ("guide:feed_season_facts", ["secret-draft", 1]),
        ("guide:feed_season_facts", ["all-of-us-are-dead", 9]),
    ],
)
def test_feeds_of_unpublished_or_missing_things_are_404(client, world, name, args):
    assert client.get(reverse(name, args=args)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("page", "feeds"),
    [
        (
            ("guide:show", ["all-of-us-are-dead"]),
            [("guide:feed_show_theories", ["all-of-us-are-dead"])],
        ),
        (
            ("guide:season", ["all-of-us-are-dead", 2]),
            [
                ("guide:feed_season_theories", ["all-of-us-are-dead", 2]),
                ("guide:feed_season_facts", ["all-of-us-are-dead", 2]),
            ],
        ),
        (("guide:theory_list", []), [("guide:feed_theories", [])]),
    ],
    ids=["show", "season", "theory-list"],
)
def test_pages_advertise_their_feeds(client, world, page, feeds):
    response = client.get(reverse(page[0], args=page[1]))
    assert response.status_code == HTTPStatus.OK
    advertised = [
        link["href"]
        for link in Page(response).head_links("alternate")
        if link.get("type") == "application/atom+xml" and link.get("title")
    ]
    expected = [reverse(name, args=args) for name, args in feeds]
    assert [href.removeprefix(ORIGIN) for href in advertised] == expected
    for href in advertised:
        fetch_feed(client, href)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("guide:feed_theories", {}),
        ("guide:feed_show_theories", {"slug": "all-of-us-are-dead"}),
        ("guide:feed_season_theories", {"slug": "all-of-us-are-dead", "number": 2}),
        ("guide:feed_season_facts", {"slug": "all-of-us-are-dead", "number": 2}),
    ],
)
def test_feeds(client, world, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body
    # Spoiler-tagged items are shielded in feeds.
    assert "Nam-ra leads the half-zombies" not in body
    assert "Nam-ra is a half-zombie now" not in body


# sitemap.xml ---------------------------------------------------------------------------


def _xml(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output


def fetch_sitemap(client) -> dict[str, ET.Element]:
    """Every address in every section the sitemap index lists."""
    index = _xml(client, "/sitemap.xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    urls = {}
    for section in index.findall(f"{SITEMAP}sitemap"):
        root = _xml(client, section.findtext(f"{SITEMAP}loc").removeprefix(ORIGIN))
        assert root.tag == f"{SITEMAP}urlset"
        for url in root.findall(f"{SITEMAP}url"):
            loc = url.findtext(f"{SITEMAP}loc")
            assert loc.startswith(f"{ORIGIN}/"), loc
            assert loc not in urls, f"{loc} listed twice"
            urls[loc.removeprefix(ORIGIN)] = url
    return urls


def test_sitemap_lists_every_public_page(client, world):
    assert reverse("sitemap") == "/sitemap.xml"
    urls = fetch_sitemap(client)
    expected = [
        reverse("guide:home"),
        reverse("guide:show_list"),
        reverse("guide:theory_list"),
        reverse("guide:leaderboard"),
        world.show.get_absolute_url(),
        world.s1.get_absolute_url(),
        world.s2.get_absolute_url(),
        world.nam_ra.get_absolute_url(),
    ] + [world[key].get_absolute_url() for key in ("theory", "settled", "spoiler_theory", "other")]
    missing = [url for url in expected if url not in urls]
    assert missing == []


def test_sitemap_theories_have_a_lastmod(client, world):
    urls = fetch_sitemap(client)
    for key in ("theory", "settled", "spoiler_theory", "other"):
        lastmod = urls[world[key].get_absolute_url()].findtext(f"{SITEMAP}lastmod")
        assert lastmod, key
        assert datetime.date.fromisoformat(lastmod[:10]) == world[key].created_at.date()


def test_sitemap_leaves_out_hidden_theories_and_unpublished_shows(client, world):
    urls = fetch_sitemap(client)
    for item in ("hidden", "draft", "draft_theory", "draft_character"):
        assert world[item].get_absolute_url() not in urls, item
    assert not any("secret-draft" in url for url in urls)


def test_sitemap(client, world):
    assert client.get(reverse("sitemap")).status_code == HTTPStatus.OK
    urls = fetch_sitemap(client)
    for obj in (world.show, world.s2, world.on_jo, world.theory):
        assert obj.get_absolute_url() in urls


# Hidden theories leave the feeds and the sitemap ---------------------------------------------


def test_hidden_theory_is_left_out_of_feeds_and_sitemap(world, hidden_by_moderator, client):
    hidden, visible = hidden_by_moderator, world.theory
    urls = [
        reverse("guide:feed_theories"),
        reverse("guide:feed_show_theories", args=[world.show.slug]),
        reverse("guide:feed_season_theories", args=[world.show.slug, 2]),
        reverse("sitemap_section", args=["theories"]),
    ]
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == HTTPStatus.OK, url
        assert hidden.title not in body, url
        assert f"/theories/{hidden.pk}/" not in body, url
        assert f"/theories/{visible.pk}/" in body, url


def test_a_hidden_theory_leaves_the_sitemap_at_once(client, moderator):
    theory = TheoryFactory(title="Abusive title")
    theories = reverse("sitemap_section", args=["theories"])
    assert theory.get_absolute_url() in client.get(theories).text
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="abuse")
    assert theory.get_absolute_url() not in client.get(theories).text


# robots.txt --------------------------------------------------------------------------------


def test_robots_txt(client, db):
    response = client.get(reverse("robots"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    lines = [line.strip() for line in response.content.decode().splitlines()]
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /accounts/" in lines
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
    # The robots file never shuts out the public guide itself.
    assert "Disallow: /" not in lines
