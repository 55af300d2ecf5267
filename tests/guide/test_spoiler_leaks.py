"""Leaks of season-tagged text that readers found, each pinned by a test.

A reader who has watched "Nothing yet" must meet none of these outside a closed reveal;
a reader who has watched the season they belong to sees them openly.
"""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services, spoilers
from guide.models import Outcome, SeasonStatus
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    FactFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.shield import open_part

pytestmark = pytest.mark.django_db

SEASON_2_NOTE = "Expected back: season 2 follows her life as a half-zombie."
SEASON_1_NOTE = "Bitten in the gym, and still herself."
VERDICT = "Cheong-san and Gwi-nam do not live to see the last episode."
SPOILER_SOURCE = "https://example.com/news/cheong-san-dies-in-the-fire"


@pytest.fixture
def world(db):
    show = ShowFactory(title="Hyosan High", slug="hyosan-high")
    s1 = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    s2 = SeasonFactory(show=show, number=2, status=SeasonStatus.COMING_SOON)
    nam_ra = CharacterFactory(show=show, name="Choi Nam-ra", slug="choi-nam-ra")
    CharacterStatusFactory(character=nam_ra, season=s1, status="half_zombie", note=SEASON_1_NOTE)
    # Season 2 is not out: nobody knows how it ends, but the note tells how season 1 did.
    CharacterStatusFactory(character=nam_ra, season=s2, status="unknown", note=SEASON_2_NOTE)
    moderator = UserFactory(username="mod", is_staff=True, groups=["Moderators"])
    # An untagged title: its verdict, not its words, tells how season 1 ended.
    settled = TheoryFactory(season=s1, title="All five leads make it to the final episode")
    services.set_outcome(
        moderator=moderator, theory=settled, outcome=Outcome.DEBUNKED, note=VERDICT
    )
    fact = FactFactory(
        season=s2,
        question="Will Cheong-san return?",
        answer="Nothing is decided.",
        source_name="Director interview",
        source_url=SPOILER_SOURCE,
        spoiler_season=1,
    )
    return {"show": show, "s1": s1, "s2": s2, "nam_ra": nam_ra, "settled": settled, "fact": fact}


def reader(world, watched: int) -> Client:
    client = Client()
    response = client.post(
        reverse("guide:set_progress"), {"show": world["show"].pk, "seasons_watched": watched}
    )
    assert response.status_code == HTTPStatus.FOUND
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


# Character statuses -------------------------------------------------------------------------


def test_note_on_an_unreleased_season_tells_how_the_season_before_ended():
    rule = spoilers.status_spoiler_season
    # A known status tells how its own season ends.
    assert rule(season=2, released=False, known=True, has_note=False) == 2
    # "Unknown" with a note, season not out: the note can only tell what came before.
    assert rule(season=2, released=False, known=False, has_note=True) == 1
    # Once the season is out, a note may tell what happened in it.
    assert rule(season=2, released=True, known=False, has_note=True) == 2
    # Nothing before a first season; nothing to tell without a note.
    assert rule(season=1, released=False, known=False, has_note=True) is None
    assert rule(season=3, released=True, known=False, has_note=False) is None


@pytest.mark.parametrize("where", ["season_2_guide", "character"])
def test_season_2_cast_note_is_hidden_from_a_reader_who_watched_nothing(world, where):
    url = {
        "season_2_guide": world["s2"].get_absolute_url(),
        "character": world["nam_ra"].get_absolute_url(),
    }[where]
    for client in (Client(), reader(world, 0)):
        html = page(client, url)
        assert SEASON_2_NOTE in html, "the note is on the page, behind a reveal"
        assert SEASON_2_NOTE not in open_part(html)
        assert SEASON_1_NOTE not in open_part(html)


@pytest.mark.parametrize("where", ["season_2_guide", "character"])
def test_season_1_reader_sees_the_season_2_note(world, where):
    url = {
        "season_2_guide": world["s2"].get_absolute_url(),
        "character": world["nam_ra"].get_absolute_url(),
    }[where]
    html = open_part(page(reader(world, 1), url))
    assert SEASON_2_NOTE in html


# Outcomes ----------------------------------------------------------------------------------


def test_a_verdict_is_hidden_on_the_theory_page(world):
    url = world["settled"].get_absolute_url()
    html = page(reader(world, 0), url)
    assert VERDICT in html
    assert VERDICT not in open_part(html)
    assert "badge-debunked" not in open_part(html)
    watched = open_part(page(reader(world, 1), url))
    assert VERDICT in watched
    assert "badge-debunked" in watched


@pytest.mark.parametrize("where", ["theory_list", "season_1_guide", "home"])
def test_a_verdict_badge_is_hidden_on_theory_cards(world, where):
    url = {
        "theory_list": reverse("guide:theory_list"),
        "season_1_guide": world["s1"].get_absolute_url(),
        "home": reverse("guide:home"),
    }[where]
    html = page(reader(world, 0), url)
    assert "badge-debunked" in html
    assert "badge-debunked" not in open_part(html)
    assert "badge-debunked" in open_part(page(reader(world, 1), url))


def test_the_moderation_log_keeps_a_verdict_behind_a_reveal(world):
    url = reverse("guide:moderation_log")
    html = page(reader(world, 0), url)
    assert VERDICT in html
    assert VERDICT not in open_part(html)
    assert VERDICT in open_part(page(reader(world, 1), url))


# Facts ---------------------------------------------------------------------------------------


def test_a_spoiler_facts_source_address_is_behind_its_reveal(world):
    url = world["s2"].get_absolute_url()
    html = page(reader(world, 0), url)
    assert SPOILER_SOURCE in html
    assert SPOILER_SOURCE not in open_part(html)
    assert SPOILER_SOURCE in open_part(page(reader(world, 1), url))
