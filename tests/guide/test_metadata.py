"""What every page says about itself in <head>: title, description, canonical URL, Open
Graph and Twitter cards, and JSON-LD structured data (parsed, never string-matched)."""

import datetime
import io
import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from guide import services
from tests.factories import (
    CommentFactory,
    EpisodeFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
    WatchProgressFactory,
)
from tests.kit.html import Page
from tests.kit.worlds import SPOILER_TITLE, THEORY_TITLE, build_world

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
SITE = "Next Season"


def raw_head(response) -> str:
    html = response.content.decode()
    return html[html.index("<head>") : html.index("</head>")]


def png(name="poster.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world(settings, tmp_path):
    """The kit's world with a poster; its theory has 3 up-votes, 1 down-vote, 2 comments
    anyone sees and one a moderator hid."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world(show={"poster": png(), "poster_alt": "Students on the school roof"})
    for voter, value in zip(UserFactory.create_batch(3), (1, 1, -1), strict=True):
        services.cast_vote(user=voter, theory_id=world.theory.pk, value=value)
    world.theory.refresh_from_db()
    CommentFactory(theory=world.theory)
    CommentFactory(theory=world.theory, is_hidden=True)
    return world


def page_urls(world) -> dict[str, str]:
    return {
        "home": reverse("guide:home"),
        "show list": reverse("guide:show_list"),
        "show": world.show.get_absolute_url(),
        "season guide": world.s1.get_absolute_url(),
        "character": world.on_jo.get_absolute_url(),
        "theory list": reverse("guide:theory_list"),
        "theory": world.theory.get_absolute_url(),
        "profile": world.fan.get_absolute_url(),
        "leaderboard": reverse("guide:leaderboard"),
        "search": reverse("guide:search"),
        "login": reverse("accounts:login"),
        "signup": reverse("accounts:signup"),
    }


PAGES = [
    "home",
    "show list",
    "show",
    "season guide",
    "character",
    "theory list",
    "theory",
    "profile",
    "leaderboard",
    "search",
    "login",
    "signup",
]


def get(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response


# Every page -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_describes_itself(client, world, page):
    url = page_urls(world)[page]
    head = Page(get(client, url))

    assert len(head.titles) == 1
    assert head.titles[0].strip()
    assert head.one_meta("description").strip()

    assert head.canonical() == [f"{ORIGIN}{url}"]
    assert head.one_meta("og:url") == f"{ORIGIN}{url}"
    for key in ("og:title", "og:description", "og:type", "twitter:card"):
        assert head.one_meta(key).strip(), key


@pytest.mark.parametrize("page", PAGES)
def test_link_previews_say_what_the_page_is(client, world, page):
    """og:title and og:description are the page's own title and description, not the
    site's generic ones: a shared link to a profile should not read just "Next Season"."""
    head = Page(get(client, page_urls(world)[page]))
    title = head.titles[0].strip()
    assert title in (head.one_meta("og:title"), f"{head.one_meta('og:title')} · {SITE}")
    assert head.one_meta("og:description") == head.one_meta("description")


def test_titles_are_unique_across_page_types(client, world):
    titles = {
        page: Page(get(client, url)).titles[0].strip() for page, url in page_urls(world).items()
    }
    duplicates = {
        page: title for page, title in titles.items() if list(titles.values()).count(title) > 1
    }
    assert duplicates == {}


@pytest.mark.parametrize(
    ("name", "query", "canonical_query"),
    [
        ("guide:search", "?q=number&utm_source=x&page=2", "?page=2"),
        ("guide:theory_list", "?page=1&sort=new", ""),
        ("guide:theory_list", "?page=abc", ""),
        ("guide:search", "?q=namra&utm_campaign=y", ""),
        ("guide:leaderboard", "?fbclid=123", ""),
    ],
)
def test_canonical_url_drops_the_query_string_except_the_page(
    client, world, name, query, canonical_query
):
    TheoryFactory.create_batch(21, season=world.s2)
    url = reverse(name)
    head = Page(get(client, url + query))
    assert head.canonical() == [f"{ORIGIN}{url}{canonical_query}"]
    assert head.one_meta("og:url") == f"{ORIGIN}{url}{canonical_query}"


def test_a_later_page_of_a_cursor_list_is_followed_but_not_indexed(client, world):
    """The theory list's later pages are reached by cursor: each names the first page as
    its canonical address and asks crawlers to follow its links without indexing it."""
    TheoryFactory.create_batch(21, season=world.s2)
    url = reverse("guide:theory_list")
    first = Page(get(client, url + "?sort=top&utm_source=x"))
    assert first.meta("robots") == []
    (next_link,) = [a.attrs["href"] for a in first.elements if a.attrs.get("rel") == "next"]
    later = Page(get(client, url + next_link.replace("&amp;", "&")))
    assert later.canonical() == [f"{ORIGIN}{url}"]
    assert later.one_meta("og:url") == f"{ORIGIN}{url}"
    assert later.one_meta("robots") == "noindex,follow"
    assert later.titles[0].strip() != first.titles[0].strip()


def test_show_with_a_poster_has_an_og_image(client, world):
    head = Page(get(client, world.show.get_absolute_url()))
    image = head.one_meta("og:image")
    assert image.startswith(f"{ORIGIN}/"), image
    assert image.removeprefix(ORIGIN) == world.show.poster.url
    assert head.one_meta("og:image:alt") == "Students on the school roof"
    assert head.one_meta("twitter:card") == "summary_large_image"


def test_a_season_guide_is_shared_with_its_own_card(client, world):
    """Not the show's poster: the season's card (guide.cards), tests/guide/test_share_cards."""
    head = Page(get(client, world.s1.get_absolute_url()))
    card = reverse("guide:season_card", args=[world.show.slug, world.s1.number])
    assert head.one_meta("og:image") == ORIGIN + card
    assert head.one_meta("og:image:alt").startswith("Share card: ")
    assert head.one_meta("twitter:card") == "summary_large_image"


def test_show_without_a_poster_has_no_og_image(client, world):
    plain = ShowFactory(title="Sweet Home", slug="sweet-home")
    head = Page(get(client, plain.get_absolute_url()))
    assert head.meta("og:image") == []
    assert head.one_meta("twitter:card") == "summary"


# JSON-LD -----------------------------------------------------------------------------


def structured(client, url, type_: str) -> dict:
    blocks = [block for block in Page(get(client, url)).json_ld() if block["@type"] == type_]
    assert len(blocks) == 1, f"{url}: {type_}"
    assert blocks[0]["@context"] == "https://schema.org"
    return blocks[0]


def test_show_page_is_a_tv_series(client, world):
    show = world.show
    data = structured(client, show.get_absolute_url(), "TVSeries")
    assert data["name"] == "All Of Us Are Dead"
    assert data["url"] == f"{ORIGIN}{show.get_absolute_url()}"
    assert data["alternateName"] == "지금 우리 학교는"
    assert data["image"] == f"{ORIGIN}{show.poster.url}"


def test_season_guide_is_a_tv_season_with_its_cast(client, world):
    show, s1 = world.show, world.s1
    data = structured(client, s1.get_absolute_url(), "TVSeason")
    assert data["seasonNumber"] == 1
    assert data["numberOfEpisodes"] == 12
    assert data["startDate"] == "2022-01-28"
    assert data["url"] == f"{ORIGIN}{s1.get_absolute_url()}"
    assert data["partOfSeries"]["@type"] == "TVSeries"
    assert data["partOfSeries"]["name"] == show.title
    assert data["partOfSeries"]["url"] == f"{ORIGIN}{show.get_absolute_url()}"
    assert data["actor"] == [
        {
            "@type": "PerformanceRole",
            "roleName": "Choi Nam-ra",
            "actor": {"@type": "Person", "name": "Jo Yi-hyun"},
        },
        {
            "@type": "PerformanceRole",
            "roleName": "Nam On-jo",
            "actor": {"@type": "Person", "name": "Park Ji-hu"},
        },
    ]


def test_a_season_guide_lists_its_episodes_as_tv_episodes_named_by_number(client, world):
    """Each episode's number, date, runtime and place on the page; its title never: it
    tells what happens in the season, and search engines read no reader's shield."""
    EpisodeFactory(
        season=world.s1,
        number=1,
        title="The rooftop holds",
        release_date=datetime.date(2022, 1, 28),
        runtime=64,
    )
    EpisodeFactory(season=world.s1, number=2, title="Quiet corridor", runtime=None)
    data = structured(client, world.s1.get_absolute_url(), "TVSeason")
    assert data["episode"] == [
        {
            "@type": "TVEpisode",
            "episodeNumber": 1,
            "name": "Episode 1",
            "url": f"{ORIGIN}{world.s1.get_absolute_url()}#episode-1",
            "datePublished": "2022-01-28",
            "timeRequired": "PT64M",
        },
        {
            "@type": "TVEpisode",
            "episodeNumber": 2,
            "name": "Episode 2",
            "url": f"{ORIGIN}{world.s1.get_absolute_url()}#episode-2",
        },
    ]


def test_season_without_date_or_episode_count_leaves_them_out(client, world):
    data = structured(client, world.s2.get_absolute_url(), "TVSeason")
    assert "startDate" not in data
    assert "numberOfEpisodes" not in data


def test_theory_page_is_a_discussion_post_with_its_votes(client, world):
    theory = world.theory
    assert (theory.upvotes, theory.downvotes) == (3, 1)
    data = structured(client, theory.get_absolute_url(), "DiscussionForumPosting")
    assert data["headline"] == THEORY_TITLE
    assert data["url"] == f"{ORIGIN}{theory.get_absolute_url()}"
    assert data["author"]["@type"] == "Person"
    assert data["author"]["name"] == world.fan.public_name
    assert data["author"]["url"] == f"{ORIGIN}{world.fan.get_absolute_url()}"
    counts = {
        stat["interactionType"].rsplit("/", 1)[-1]: stat["userInteractionCount"]
        for stat in data["interactionStatistic"]
    }
    assert counts == {"LikeAction": theory.upvotes, "DislikeAction": theory.downvotes}
    assert data["commentCount"] == 2  # the hidden comment is not counted
    datetime.datetime.fromisoformat(data["datePublished"])


def test_a_fans_theory_page_leaves_the_vote_counts_to_search_engines(client, world):
    """A signed-in fan's copy is kept until a write moves it, and votes move none: its
    counts show only where they go in as it is served, never in its structured data."""
    client.force_login(world.fan)
    data = structured(client, world.theory.get_absolute_url(), "DiscussionForumPosting")
    assert "interactionStatistic" not in data
    assert data["commentCount"] == 2


def test_character_page_is_a_performance_role(client, world):
    character = world.on_jo
    data = structured(client, character.get_absolute_url(), "PerformanceRole")
    assert data["roleName"] == "Nam On-jo"
    assert data["actor"]["@type"] == "Person"
    assert data["actor"]["name"] == "Park Ji-hu"
    assert data["url"] == f"{ORIGIN}{character.get_absolute_url()}"


# Spoilers and hostile titles ----------------------------------------------------------


def test_spoiler_theory_never_leaks_into_the_head(client, fan_client, world):
    spoiler = world.spoiler_theory
    leaks = (SPOILER_TITLE, "leads the half-zombies", "bite in the finale")
    # Not for a visitor, and not even for a fan who has watched the season: the head is
    # what link previews and search engines see.
    WatchProgressFactory(user=world.fan, show=world.show, seasons_watched=2)
    for reader in (client, fan_client):
        for url in (spoiler.get_absolute_url(), world.s2.get_absolute_url()):
            response = get(reader, url)
            head = raw_head(response)
            for leak in leaks:
                assert leak not in head, (url, leak)
            parsed = Page(response)
            for block in parsed.json_ld():
                for leak in leaks:
                    assert leak not in json.dumps(block, ensure_ascii=False), (url, leak)
    data = structured(client, spoiler.get_absolute_url(), "DiscussionForumPosting")
    assert "text" not in data
    assert data["headline"]


def test_json_ld_cannot_be_closed_by_a_theory_title(client, world):
    title = "</script><script>alert(1)</script>"
    theory = TheoryFactory(season=world.s2, title=title, body="<!-- </script> -->")
    response = get(client, theory.get_absolute_url())
    head = Page(response)
    for script in head.head_scripts:
        assert "alert(1)" not in script.text or script.attrs["type"] == "application/ld+json"
        assert "</script" not in script.text.lower()
    # Exactly the site's module script plus the JSON-LD block: nothing injected.
    types = sorted(script.attrs.get("type", "") for script in head.head_scripts)
    assert types == ["application/ld+json", "module"]
    data = structured(client, theory.get_absolute_url(), "DiscussionForumPosting")
    assert data["headline"] == title
    assert head.titles[0].startswith(title)
