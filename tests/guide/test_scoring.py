"""The score formulas (guide.scoring): worked examples pinned, and the properties that
make them honest, checked over generated forecasts."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guide.scoring import (
    brier,
    calibration,
    crowd_median,
    fraction,
    log_score,
    peer_scores,
)

percents = st.integers(min_value=1, max_value=99)
outcomes = st.booleans()


# Worked examples ---------------------------------------------------------------------------


def test_worked_example():
    """70 % on what happened, beside a fan who said 40 %."""
    assert brier(0.7, True) == pytest.approx(0.09)
    assert brier(0.7, False) == pytest.approx(0.49)
    assert log_score(0.7, True) == pytest.approx(-0.356675, abs=1e-6)
    assert log_score(0.7, False) == pytest.approx(-1.203973, abs=1e-6)
    assert peer_scores([0.7, 0.4], True) == pytest.approx([55.962, -55.962], abs=1e-3)
    assert peer_scores([0.7, 0.4, 0.1], False) == pytest.approx([-89.59, 14.38, 75.20], abs=1e-2)


def test_a_stated_percent_is_a_fraction_between_the_ends():
    assert fraction(1) == 0.01
    assert fraction(99) == 0.99
    for never in (0, 100, -5, 101):
        with pytest.raises(ValueError, match="1–99"):
            fraction(never)


# Properties -------------------------------------------------------------------------------


@given(st.lists(outcomes, min_size=1, max_size=200))
def test_a_constant_fifty_percent_forecaster_scores_exactly_a_quarter(happened):
    scores = [brier(0.5, outcome) for outcome in happened]
    assert sum(scores) / len(scores) == 0.25


def expected(score, stated: float, true_chance: float) -> float:
    return true_chance * score(stated, True) + (1 - true_chance) * score(stated, False)


@given(percents, percents)
def test_both_scores_are_proper_saying_what_you_believe_scores_best(believed, stated):
    """Expected over what may happen, the belief itself scores best: Brier lowest, log
    highest; any other statement does worse."""
    chance, said = believed / 100, stated / 100
    if believed == stated:
        return
    assert expected(brier, chance, chance) < expected(brier, said, chance)
    assert expected(log_score, chance, chance) > expected(log_score, said, chance)


@given(st.integers(min_value=0, max_value=2**32))
def test_a_calibrated_forecaster_beats_an_overconfident_one_on_the_same_outcomes(seed):
    rng = random.Random(seed)
    calibrated, overconfident = [], []
    for _ in range(2000):
        chance = rng.randint(1, 99) / 100
        happened = rng.random() < chance
        sure = 0.99 if chance > 0.5 else 0.01
        calibrated.append((brier(chance, happened), log_score(chance, happened)))
        overconfident.append((brier(sure, happened), log_score(sure, happened)))
    mean = lambda rows, i: sum(row[i] for row in rows) / len(rows)  # noqa: E731
    assert mean(calibrated, 0) < mean(overconfident, 0)
    assert mean(calibrated, 1) > mean(overconfident, 1)


@given(st.lists(percents, min_size=2, max_size=40), outcomes)
def test_peer_scores_of_one_prediction_sum_to_nothing(stated, happened):
    scores = peer_scores([fraction(p) for p in stated], happened)
    assert len(scores) == len(stated)
    assert math.fsum(scores) == pytest.approx(0, abs=1e-6)


@given(st.lists(percents, min_size=2, max_size=40), outcomes)
def test_more_on_what_happened_never_scores_a_lower_peer_score(stated, happened):
    scores = peer_scores([fraction(p) for p in stated], happened)
    on_what_happened = [p if happened else 100 - p for p in stated]
    ranked = sorted(zip(on_what_happened, scores, strict=True))
    for (chance, score), (more, better) in zip(ranked, ranked[1:], strict=False):
        if more > chance:
            assert better > score
        else:
            assert better == pytest.approx(score)


@given(percents, outcomes)
def test_a_lone_forecaster_is_level_with_the_crowd(stated, happened):
    assert peer_scores([fraction(stated)], happened) == [0.0]


def test_the_crowd_is_the_median_of_current_forecasts():
    assert crowd_median([]) is None
    assert crowd_median([30]) == 30
    assert crowd_median([10, 90, 40]) == 40
    assert crowd_median([10, 20, 60, 90]) == 40


@given(st.lists(st.tuples(percents, outcomes), max_size=300))
def test_calibration_puts_every_forecast_in_one_bucket_of_ten(resolved):
    buckets = calibration((p, 1, int(happened)) for p, happened in resolved)
    assert [(b.low, b.high) for b in buckets] == [(n, n + 10) for n in range(0, 100, 10)]
    assert sum(b.forecasts for b in buckets) == len(resolved)
    assert sum(b.came_true for b in buckets) == sum(happened for _, happened in resolved)
    for bucket in buckets:
        inside = [h for p, h in resolved if bucket.low <= p < bucket.high]
        assert bucket.forecasts == len(inside)
        assert bucket.observed == (100 * sum(inside) / len(inside) if inside else None)


def test_calibration_buckets_at_the_ends():
    buckets = calibration([(1, 1, 0), (9, 1, 1), (10, 1, 1), (99, 1, 1), (95, 1, 0)])
    assert (buckets[0].forecasts, buckets[0].came_true) == (2, 1)
    assert (buckets[1].forecasts, buckets[1].came_true) == (1, 1)
    assert (buckets[-1].forecasts, buckets[-1].came_true, buckets[-1].stated) == (2, 1, 95)
    assert buckets[-1].observed == 50
    for width in (7, 0, -10):
        with pytest.raises(ValueError, match=r"^A bucket's width divides 100\.$"):
            calibration([], width=width)
    assert len(calibration([(37, 1, 1)], width=1)) == 100  # a bucket for each per cent


def test_calibration_adds_tallies_of_the_same_bucket():
    buckets = calibration([(62, 3, 2), (65, 5, 1), (70, 2, 2)])
    assert (buckets[6].forecasts, buckets[6].came_true) == (8, 3)
    assert (buckets[7].forecasts, buckets[7].came_true) == (2, 2)


@given(st.lists(percents, max_size=60))
def test_the_median_of_counts_is_the_median_of_the_forecasts_they_count(forecasts):
    """The crowd kept as counts per per cent (CrowdBucket) has the listed crowd's median."""
    from collections import Counter

    from guide.scoring import median_of_counts

    expected = crowd_median(forecasts)
    counts = {99: 0, **Counter(forecasts)}  # a count emptied by changed minds is no fan
    counted = median_of_counts(counts)
    assert counted == expected
    assert type(counted) is type(expected)
