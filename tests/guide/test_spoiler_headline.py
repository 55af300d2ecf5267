"""A spoiler theory's spoiler-free headline: written by its author, required by the form,
shown wherever the reader may not see the real title, and in every <head>."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import SeasonStatus, Theory, WatchProgress
from tests.factories import (
    CharacterFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.shield import head_part, open_part

pytestmark = pytest.mark.django_db

TITLE = "Nam-ra bites On-jo in the finale"
HEADLINE = "A hungry half-zombie decides the finale"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(db):
    show = ShowFactory(title="Hyosan High", slug="hyosan-high", is_featured=True)
    s1 = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    s2 = SeasonFactory(show=show, number=2, status=SeasonStatus.COMING_SOON)
    nam_ra = CharacterFactory(show=show, name="Choi Nam-ra", slug="choi-nam-ra")
    author = UserFactory(username="author")
    theory = services.post_theory(
        author=author,
        season=s2,
        title=TITLE,
        body="She *cannot* hold it back.",
        characters=[nam_ra],
        spoiler_season=1,
        spoiler_free_title=HEADLINE,
    )
    return {"show": show, "s1": s1, "s2": s2, "nam_ra": nam_ra, "author": author, "theory": theory}


def reader(world, watched: int | None, *, fan: bool = False) -> Client:
    client = Client()
    if fan:
        user = UserFactory(username=f"reader{watched}")
        client.force_login(user)
        if watched is not None:
            WatchProgress.objects.create(user=user, show=world["show"], seasons_watched=watched)
    elif watched is not None:
        client.post(
            reverse("guide:set_progress"), {"show": world["show"].pk, "seasons_watched": watched}
        )
    return client


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    # Search marks the words it found; read the text around them as one.
    return re.sub(r"</?mark>", "", response.content.decode())


def list_pages(world) -> dict[str, str]:
    return {
        "home": reverse("guide:home"),
        "show": world["show"].get_absolute_url(),
        "season": world["s2"].get_absolute_url(),
        "character": world["nam_ra"].get_absolute_url(),
        "theory_list": reverse("guide:theory_list"),
        "profile": reverse("accounts:profile", args=["author"]),
        "search": reverse("guide:search") + "?q=bites",
    }


# The fans' form ---------------------------------------------------------------------------


def form_data(season, **overrides):
    data = {"season": season.pk, "title": TITLE, "body": "It happens.", "spoiler_season": "1"}
    data.update(overrides)
    return data


def test_a_spoiler_theory_needs_a_headline(world):
    client = Client()
    client.force_login(world["author"])
    response = client.post(reverse("guide:theory_create"), form_data(world["s2"]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.context["form"].errors
    assert list(errors) == ["spoiler_free_title"]
    assert "write a headline without spoilers" in errors["spoiler_free_title"][0]
    # The message sits with the field it is about, and what was typed is still there.
    page = response.content.decode()
    field = page[page.index('id="id_spoiler_free_title"') - 600 :]
    assert "write a headline without spoilers" in field[:1200]
    assert TITLE in page
    # Blank space is no headline either.
    response = client.post(
        reverse("guide:theory_create"), form_data(world["s2"], spoiler_free_title="   ")
    )
    assert "spoiler_free_title" in response.context["form"].errors


def test_a_theory_without_spoilers_needs_no_headline(world):
    client = Client()
    client.force_login(world["author"])
    response = client.post(
        reverse("guide:theory_create"),
        form_data(world["s2"], title="The school reopens", spoiler_season=""),
    )
    assert response.status_code == HTTPStatus.FOUND


def test_posted_and_edited_headlines_are_kept_and_name_the_address(world):
    client = Client()
    client.force_login(world["author"])
    response = client.post(
        reverse("guide:theory_create"),
        form_data(world["s2"], title="Su-hyeok dies saving Nam-ra", spoiler_free_title=HEADLINE),
    )
    assert response.status_code == HTTPStatus.FOUND
    theory = Theory.objects.get(title="Su-hyeok dies saving Nam-ra")
    assert theory.spoiler_free_title == HEADLINE
    # The address never carries the real title; the headline is safe to use.
    assert theory.slug == "a-hungry-half-zombie-decides-the-finale"
    assert "dies" not in response["Location"]
    response = client.post(
        reverse("guide:theory_edit", args=[theory.pk]),
        form_data(world["s2"], title=theory.title, spoiler_free_title="Who pays for the cure?"),
    )
    assert response.status_code == HTTPStatus.FOUND
    theory.refresh_from_db()
    assert theory.spoiler_free_title == "Who pays for the cure?"
    assert theory.slug == "who-pays-for-the-cure"


def test_the_headline_is_optional_in_the_database(world):
    """Theories from before headlines (and the demo) have none: a generic one stands in."""
    theory = TheoryFactory(season=world["s2"], title="Gwi-nam lives", spoiler_season=1)
    assert theory.spoiler_free_title == ""
    theory.full_clean()
    assert theory.headline == "A spoiler theory about Hyosan High — Season 2"
    page = open_part(html(reader(world, 0), reverse("guide:theory_list")))
    assert "A spoiler theory about Hyosan High — Season 2" in page
    assert "Gwi-nam lives" not in page


# Where the headline shows -------------------------------------------------------------------


@pytest.mark.parametrize("fan", [False, True], ids=["visitor", "fan"])
@pytest.mark.parametrize(
    "page", ["home", "show", "season", "character", "theory_list", "profile", "search"]
)
def test_lists_show_the_headline_until_the_season_is_watched(world, fan, page):
    url = list_pages(world)[page]
    shielded = open_part(html(reader(world, 0, fan=fan), url))
    assert HEADLINE in shielded
    assert TITLE not in shielded
    watched = html(reader(world, 1, fan=fan), url)
    assert TITLE in open_part(watched)
    assert HEADLINE not in watched.split("</head>")[1]


def test_the_real_title_waits_behind_the_reveal_in_lists(world):
    page = html(reader(world, 0), reverse("guide:theory_list"))
    reveal = re.search(r'<details class="spoiler">.*?</details>', page, re.S).group(0)
    assert TITLE in reveal
    assert "Real title" in reveal


@pytest.mark.parametrize("watched", [None, 0, 1], ids=["unanswered", "nothing", "season-1"])
def test_the_theory_page_head_carries_the_headline_for_everyone(world, watched):
    for fan in (False, True):
        page = html(reader(world, watched, fan=fan), world["theory"].get_absolute_url())
        head = head_part(page)
        assert f"<title>{HEADLINE} · Next Season</title>" in head
        assert f'<meta property="og:title" content="{HEADLINE}">' in head
        ld = json.loads(re.search(r'ld\+json">(.*?)</script>', head, re.S).group(1))
        assert ld["headline"] == HEADLINE
        assert TITLE not in head
        body = open_part(page.split("</head>")[1])
        if watched == 1:
            assert re.search(rf'<h1 id="theory-title" lang="en">{TITLE}</h1>', body)
        else:
            assert re.search(rf'<h1 id="theory-title" lang="en">{HEADLINE}</h1>', body)
            assert TITLE not in body


def test_feeds_carry_the_headline_and_never_the_title(world, client):
    for url in (
        reverse("guide:feed_theories"),
        reverse("guide:feed_show_theories", args=["hyosan-high"]),
        reverse("guide:feed_season_theories", args=["hyosan-high", 2]),
    ):
        response = client.get(url)
        assert TITLE.encode() not in response.content
        root = ET.fromstring(response.content)  # noqa: S314 - our own server's output
        titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
        assert titles == [f"Spoiler for season 1: {HEADLINE}"]


def test_search_finds_a_theory_by_its_headline(world):
    response = reader(world, 0).get(reverse("guide:search") + "?q=hungry")
    page = open_part(response.content.decode())
    assert world["theory"].get_absolute_url() in page
    assert "<mark>hungry</mark> half-zombie" in page
    assert "Nam-ra bites" not in page
