"""The theory list narrowed by show, season, character and outcome, alone and together;
an unknown or unpublished choice is a 404, never an empty list that looks real."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide.models import Outcome
from tests.factories import (
    CharacterFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
)
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db

URL = reverse("guide:theory_list")


@pytest.fixture
def shelf(db):
    """Two shows, two seasons of the first, a character, and one theory per case."""
    school, ferry = ShowFactory(title="School Show"), ShowFactory(title="Ferry Show")
    s1 = SeasonFactory(show=school, number=1)
    s2 = SeasonFactory(show=school, number=2)
    hero = CharacterFactory(show=school, name="Kim Hero")
    about_hero = TheoryFactory(season=s2, title="Hero returns", spoiler_season=None)
    about_hero.characters.set([hero])
    return {
        "school": school,
        "ferry": ferry,
        "s1": s1,
        "s2": s2,
        "hero": hero,
        "about_hero": about_hero,
        "first_season": TheoryFactory(
            season=s1, title="First season twist", spoiler_season=None, outcome=Outcome.OPEN
        ),
        "settled": TheoryFactory(
            season=s2, title="Confirmed guess", spoiler_season=None, outcome=Outcome.CONFIRMED
        ),
        "other_show": TheoryFactory(
            season=SeasonFactory(show=ferry, number=1), title="Ferry sinks", spoiler_season=None
        ),
    }


ALL = ["about_hero", "first_season", "settled", "other_show"]


def listed(client, shelf, **query) -> tuple[list[str], list[str]]:
    """The theories of the shelf on the list, and the page's heading."""
    page = page_of(client.get(URL, query))
    return [name for name in ALL if shelf[name].title in page.text], page.h1


def test_without_filters_every_theory_is_listed(client, shelf):
    assert listed(client, shelf) == (ALL, ["Fan theories"])


def test_by_show(client, shelf):
    assert listed(client, shelf, show=shelf["school"].slug) == (
        ["about_hero", "first_season", "settled"],
        ["Theories about School Show"],
    )


def test_by_season(client, shelf):
    theories, heading = listed(client, shelf, season=shelf["s1"].pk)
    assert theories == ["first_season"]
    assert heading == [f"Theories about {shelf['s1']}"]


def test_by_character(client, shelf):
    assert listed(client, shelf, character=shelf["hero"].pk) == (
        ["about_hero"],
        ["Theories about Kim Hero"],
    )


def test_by_outcome(client, shelf):
    theories, _heading = listed(client, shelf, outcome=Outcome.CONFIRMED)
    assert theories == ["settled"]


def test_filters_combine(client, shelf):
    theories, _heading = listed(client, shelf, show=shelf["school"].slug, season=shelf["s2"].pk)
    assert theories == ["about_hero", "settled"]
    theories, _heading = listed(client, shelf, show=shelf["ferry"].slug, season=shelf["s2"].pk)
    assert theories == []
    theories, _heading = listed(client, shelf, season=shelf["s2"].pk, outcome=Outcome.CONFIRMED)
    assert theories == ["settled"]


@pytest.mark.parametrize(
    "query",
    [
        {"show": "no-such-show"},
        {"season": 999_999},
        {"character": 999_999},
    ],
)
def test_an_unknown_choice_is_not_found(client, shelf, query):
    assert client.get(URL, query).status_code == HTTPStatus.NOT_FOUND


def test_an_unpublished_show_and_its_seasons_and_characters_are_not_found(client, shelf):
    school = shelf["school"]
    school.is_published = False
    school.save()
    for query in (
        {"show": school.slug},
        {"season": shelf["s1"].pk},
        {"character": shelf["hero"].pk},
    ):
        assert client.get(URL, query).status_code == HTTPStatus.NOT_FOUND, query
