"""The boards' pure rules (guide.boards): which boards a theory or score counts on, and
how a fan's grouped rows sum into their row on each."""

import math

from hypothesis import given
from hypothesis import strategies as st

from guide.boards import EVERY_SHOW, scope, scopes_of, tally_forecasts, tally_theories


def test_a_board_is_named_by_its_narrowest_scope():
    assert scope() == EVERY_SHOW == "all"
    assert scope(show_id=3) == "show:3"
    assert scope(show_id=3, season_id=7) == "season:7"  # a season names its show
    assert scope(season_id=7) == "season:7"


def test_a_season_counts_on_its_own_board_its_shows_and_every_shows():
    assert scopes_of(show_id=3, season_id=7) == ("season:7", "show:3", "all")


def test_theories_sum_per_fan_and_board():
    rows = [
        (1, 3, 7, "confirmed", 2),
        (1, 3, 8, "confirmed", 1),
        (1, 4, 9, "debunked", 1),
        (2, 3, 7, "partly", 5),
    ]
    tallies = tally_theories(rows)
    assert tallies[1, "all"] == {"confirmed": 3, "debunked": 1}
    assert tallies[1, "show:3"] == {"confirmed": 3}
    assert tallies[1, "season:8"] == {"confirmed": 1}
    assert tallies[1, "show:4"] == {"debunked": 1}
    assert tallies[2, "season:7"] == {"partly": 5}
    assert (2, "show:4") not in tallies
    assert len(tallies) == 9  # fan 1: 3 seasons, 2 shows, all; fan 2: 1, 1, all


def test_forecast_means_are_over_every_score_on_the_board():
    rows = [(1, 3, 7, 2, 30.0, 0.5), (1, 3, 8, 1, -6.0, 0.4), (2, 3, 7, 4, 8.0, 1.0)]
    tallies = tally_forecasts(rows)
    show = tallies[1, "show:3"]
    assert (show.scored, show.mean_peer, show.mean_brier) == (3, 8.0, 0.3)
    season = tallies[1, "season:7"]
    assert (season.scored, season.mean_peer, season.mean_brier) == (2, 15.0, 0.25)
    assert tallies[2, "all"].mean_peer == 2.0


rows_of_scores = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.integers(1, 3),
        st.integers(1, 6),
        st.integers(1, 20),
        st.floats(-500, 500),
        st.floats(0, 20),
    ),
    max_size=30,
)


@given(rows_of_scores)
def test_every_shows_board_counts_what_the_shows_boards_count(rows):
    """Every score is on exactly one show's board and on every show's."""
    tallies = tally_forecasts(rows)
    for fan in {row[0] for row in rows}:
        shows = [tally for (who, key), tally in tallies.items() if who == fan and "show:" in key]
        every = tallies[fan, "all"]
        assert every.scored == sum(tally.scored for tally in shows)
        total = sum(tally.mean_peer * tally.scored for tally in shows)
        assert math.isclose(every.mean_peer * every.scored, total, rel_tol=1e-9, abs_tol=1e-6)
