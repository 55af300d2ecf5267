"""Who is on the prediction leaderboard, and in what order.

A fan is on it once any of their theories is settled (confirmed, partly, debunked);
ties on confirmed and then partly confirmed go to the fan with fewer debunked, and only
then to the fan who joined first. Votes do not move it: the order changes only when a
theory is settled, hidden, deleted or published.
"""

import datetime

import pytest
from django.urls import reverse

from guide import services
from guide.models import Outcome, SeasonStatus
from tests.factories import ReleasedSeasonFactory, SeasonFactory, TheoryFactory, UserFactory
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def aired(db):
    return SeasonFactory(status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28))


def settle(author, season, outcome, score=0):
    return TheoryFactory(
        author=author,
        season=season,
        outcome=outcome,
        upvotes=max(score, 0),
        downvotes=max(-score, 0),
        score=score,
    )


def board(client) -> list[str]:
    """The fans' profile links on the leaderboard, top first."""
    page = page_of(client.get(reverse("guide:leaderboard")))
    return [href for href in page.hrefs if href.startswith("/u/")]


def test_a_tie_on_outcomes_goes_to_fewer_misses_then_to_who_joined_first(client, aired):
    aaron, zoe, yuna = (UserFactory(username=name) for name in ("aaron", "zoe", "yuna"))
    settle(aaron, aired, Outcome.CONFIRMED, score=9)
    settle(aaron, aired, Outcome.DEBUNKED, score=9)
    settle(zoe, aired, Outcome.CONFIRMED, score=0)
    settle(yuna, aired, Outcome.CONFIRMED, score=0)
    assert board(client) == [
        zoe.get_absolute_url(),
        yuna.get_absolute_url(),
        aaron.get_absolute_url(),
    ]


def test_the_hit_rate_is_of_the_theories_settled_on_that_board(client, aired):
    fan = UserFactory(username="scorer")
    for outcome in (Outcome.CONFIRMED, Outcome.DEBUNKED, Outcome.DEBUNKED, Outcome.OPEN):
        settle(fan, aired, outcome, score=40)
    settle(fan, ReleasedSeasonFactory(), Outcome.PARTLY)  # another show
    url = reverse("guide:leaderboard")
    shows_board = page_of(client.get(url, {"show": aired.show.slug})).text
    assert "scorer 1 0 2 33%" in " ".join(shows_board.split())
    every_shows = page_of(client.get(url)).text
    assert "scorer 1 1 2 38%" in " ".join(every_shows.split())  # (1 + 1/2) of 4


def test_outcomes_come_before_the_score(client, aired):
    lucky, popular = UserFactory(username="lucky"), UserFactory(username="popular")
    settle(lucky, aired, Outcome.CONFIRMED, score=0)
    settle(popular, aired, Outcome.PARTLY, score=50)
    settle(popular, aired, Outcome.PARTLY, score=50)
    assert board(client) == [lucky.get_absolute_url(), popular.get_absolute_url()]


@pytest.mark.parametrize("outcome", [Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED])
def test_one_settled_theory_of_any_outcome_puts_a_fan_on_the_board(client, aired, outcome):
    fan = UserFactory(username="single")
    settle(fan, aired, outcome)
    assert board(client) == [fan.get_absolute_url()]


def test_open_theories_alone_keep_a_fan_off_the_board(client, aired):
    settle(UserFactory(username="waiting"), aired, Outcome.OPEN, score=40)
    assert board(client) == []


def test_a_hidden_theory_counts_on_no_shows_board(client, aired, moderator):
    fan = UserFactory(username="hidden_hit")
    theory = settle(fan, aired, Outcome.CONFIRMED, score=5)
    services.set_hidden(moderator=moderator, item=theory, hidden=True)
    url = reverse("guide:leaderboard")
    for query in ({}, {"show": aired.show.slug}):
        page = page_of(client.get(url, query))
        assert fan.get_absolute_url() not in page.hrefs, query


def test_a_fan_without_theories_has_a_total_score_of_zero(client):
    fan = UserFactory(username="newcomer")
    text = page_of(client.get(fan.get_absolute_url())).text
    assert "Total score 0" in text
