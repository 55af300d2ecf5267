"""The ranking rules against numbers worked out by hand, not only against each other.

hot = sign(score) * log10(max(|score|, 1)) + days since 2022-01-01 (UTC), so a tenfold
score is worth a day. top = the lower bound of the Wilson score interval at 95 %
confidence: the share of up-votes p that the score test only just accepts,
|p̂ - p| / sqrt(p (1 - p) / n) = z with z the normal 97.5th percentile (two-sided 95 %).
"""

from datetime import UTC, datetime, timedelta, timezone
from math import log10, sqrt
from statistics import NormalDist

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.ranking import hot, vote_fields, wilson_lower_bound
from tests.factories import SeasonFactory, TheoryFactory, UserFactory
from tests.kit.html import Page

# Worked out from the definition, not read from guide.ranking.
DAY_ONE = datetime(2022, 1, 1, tzinfo=UTC)
Z_95 = NormalDist().inv_cdf(0.975)  # 1.959963985…
TOLERANCE = 1e-6  # the rules round to seven decimals


# hot -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "created", "expected"),
    [
        # Day one, no votes: nothing at all.
        (0, DAY_ONE, 0.0),
        # One vote either way is log10(1) = 0: only the age counts.
        (1, DAY_ONE, 0.0),
        (-1, DAY_ONE, 0.0),
        # Ten up a day later: 1 (tenfold) + 1 (day).
        (10, DAY_ONE + timedelta(days=1), 2.0),
        # A hundred down ten days later: -2 + 10.
        (-100, DAY_ONE + timedelta(days=10), 8.0),
        # A thousand at noon on day one: 3 + 0.5.
        (1000, DAY_ONE + timedelta(hours=12), 3.5),
        # Five up on day one: log10(5) = 0.69897.
        (5, DAY_ONE, 0.69897),
        # 25 up on 2026-11-25: 1789 days later (365 + 365 + 366 + 365 to 2026-01-01,
        # then 304 days to 1 November and 24 more) + log10(25) = 1.39794.
        (25, datetime(2026, 11, 25, tzinfo=UTC), 1790.39794),
        # Six hours before day one, score 0: a quarter of a day below zero.
        (0, DAY_ONE - timedelta(hours=6), -0.25),
    ],
)
def test_hot_is_the_order_of_magnitude_plus_the_age_in_days(score, created, expected):
    assert hot(score, created) == pytest.approx(expected, abs=TOLERANCE)


def test_hot_counts_days_from_midnight_utc_whatever_the_time_zone():
    # 18:00 in Seoul on 2 January is 09:00 UTC: a day and 9/24 after day one.
    seoul_evening = datetime(2022, 1, 2, 18, tzinfo=timezone(timedelta(hours=9)))
    assert hot(10, seoul_evening) == pytest.approx(1 + 1.375, abs=TOLERANCE)


# Wilson ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upvotes", "downvotes", "expected"),
    [
        # All up: p̂ = 1 gives the closed form n / (n + z²), z² = 3.8414588.
        (1, 0, 0.206549),  # 1 / 4.8414588
        (5, 0, 0.565518),  # 5 / 8.8414588
        (10, 0, 0.722467),  # 10 / 13.8414588
        # 40 of 50: centre 0.8 + z²/100 = 0.8384146, spread z·sqrt((0.16 + z²/200)/50)
        # = 0.1173390, divided by 1 + z²/50 = 1.0768292.
        (40, 10, 0.669629),
        # 1 of 2: (0.5 + z²/4 - z·sqrt((0.25 + z²/8)/2)) / (1 + z²/2) = 0.2761002 / 2.9207294.
        (1, 1, 0.094531),
        # None up: the bound is 0 however many voted.
        (0, 1, 0.0),
        (0, 250, 0.0),
        # Nobody voted: 0 by definition.
        (0, 0, 0.0),
    ],
)
def test_wilson_lower_bound_at_95_percent(upvotes, downvotes, expected):
    assert wilson_lower_bound(upvotes, downvotes) == pytest.approx(expected, abs=TOLERANCE)


@pytest.mark.parametrize(
    ("upvotes", "downvotes"), [(1, 0), (3, 0), (2, 1), (5, 5), (40, 10), (90, 10), (7, 93)]
)
def test_wilson_bound_is_where_the_95_percent_score_test_stops(upvotes, downvotes):
    n = upvotes + downvotes
    share = upvotes / n
    bound = wilson_lower_bound(upvotes, downvotes)
    assert 0 < bound < share
    assert (share - bound) / sqrt(bound * (1 - bound) / n) == pytest.approx(Z_95, rel=1e-5)


def test_confidence_decides_between_few_perfect_and_many_good():
    # 5 of 5 against 40 of 50: at 95 % the larger sample wins, as a reader expects.
    assert wilson_lower_bound(5, 0) < wilson_lower_bound(40, 10)
    # The pair is chosen so that the level matters: at one standard error it flips.
    assert wilson_lower_bound(5, 0, z=1.0) > wilson_lower_bound(40, 10, z=1.0)


def test_vote_fields_are_the_counts_their_difference_and_both_ranks():
    fields = vote_fields(upvotes=40, downvotes=10, created=DAY_ONE + timedelta(days=2))
    assert fields["upvotes"] == 40
    assert fields["downvotes"] == 10
    assert fields["score"] == 30
    assert fields["hot"] == pytest.approx(log10(30) + 2, abs=TOLERANCE)
    assert fields["wilson"] == pytest.approx(0.669629, abs=TOLERANCE)


# Through the site -----------------------------------------------------------------------------


def _vote(theory, up: int, down: int) -> None:
    for value, count in ((1, up), (-1, down)):
        for user in UserFactory.create_batch(count):
            services.cast_vote(user=user, theory_id=theory.pk, value=value)


@pytest.mark.django_db
def test_stored_ranks_are_the_hand_computed_ones():
    theory = TheoryFactory(created_at=DAY_ONE + timedelta(days=1), spoiler_season=None)
    _vote(theory, up=10, down=0)
    theory.refresh_from_db()
    assert (theory.upvotes, theory.downvotes, theory.score) == (10, 0, 10)
    assert theory.hot == pytest.approx(2.0, abs=TOLERANCE)  # tenfold + one day
    assert theory.wilson == pytest.approx(0.722467, abs=TOLERANCE)  # 10 / (10 + z²)


@pytest.mark.django_db
def test_top_list_puts_forty_of_fifty_above_five_of_five():
    season = SeasonFactory()
    perfect = TheoryFactory(season=season, title="Five of five", spoiler_season=None)
    solid = TheoryFactory(season=season, title="Forty of fifty", spoiler_season=None)
    _vote(perfect, up=5, down=0)
    _vote(solid, up=40, down=10)
    page = Page(Client().get(reverse("guide:theory_list"), {"sort": "top"}))
    titles = [link.text.strip() for link in page.find_all("a") if link.text.strip()]
    assert titles.index("Forty of fifty") < titles.index("Five of five")


def test_ranks_are_kept_to_seven_decimals():
    # A millisecond is 1.16e-8 of a day: below the seventh decimal, so it does not count.
    assert hot(0, DAY_ONE + timedelta(milliseconds=1)) == 0.0
    assert hot(0, DAY_ONE + timedelta(milliseconds=9)) == pytest.approx(1e-7, abs=1e-12)
    bound = wilson_lower_bound(40, 10)
    assert bound == round(bound, 7)
    assert bound != round(bound, 6)
