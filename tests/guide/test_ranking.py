from datetime import UTC, datetime, timedelta

from guide.ranking import HOT_WINDOW_SECONDS, hot, wilson_lower_bound

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_hot_prefers_newer_at_equal_score():
    assert hot(5, NOW) > hot(5, NOW - timedelta(hours=1))


def test_tenfold_score_is_worth_one_window_of_age():
    older = NOW - timedelta(seconds=HOT_WINDOW_SECONDS)
    assert abs(hot(100, older) - hot(10, NOW)) < 1e-6


def test_negative_scores_sink():
    assert hot(-10, NOW) < hot(0, NOW) < hot(10, NOW)


def test_wilson_small_perfect_record_does_not_beat_large_good_one():
    assert wilson_lower_bound(3, 0) < wilson_lower_bound(90, 10)


def test_wilson_is_zero_without_votes_and_bounded():
    assert wilson_lower_bound(0, 0) == 0
    assert 0 < wilson_lower_bound(1000, 0) < 1
    assert wilson_lower_bound(0, 10) == 0
