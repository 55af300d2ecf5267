"""How far a visitor watched, read back from their cookie: only sane values are kept."""

import pytest

from guide.spoilers import parse_progress


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ({"1": 0}, {1: 0}),  # nothing watched yet is an answer
        ({"1": 99}, {1: 99}),  # the most seasons a show may have
        ({"1": 100}, {}),
        ({"1": -1}, {}),
        ({"0": 1}, {}),  # there is no show 0
        ({"-3": 1}, {}),
        ({"7": "2", "8": 2.0}, {7: 2, 8: 2}),  # numbers as JSON may carry them
        ({"x": 1, "2": "many", "3": None}, {}),
    ],
)
def test_progress_keeps_only_real_shows_and_season_counts(raw, kept):
    assert parse_progress(raw) == kept


def test_a_smaller_ceiling_is_honoured():
    assert parse_progress({"1": 3, "2": 4}, max_season=3) == {1: 3}
