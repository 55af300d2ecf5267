"""Proper scores for forecasts: pure functions of probabilities and what happened.

A forecast is a probability (a fraction, 0.01 to 0.99, from the 1–99 % a fan states)
that a prediction resolves yes. Both scores are *proper*: a forecaster expecting the
best score states what they believe, neither hedged nor pushed to the ends.

- **Brier**: (p − o)², o being 1 if it happened, else 0. 0 is perfect, 1 the worst;
  saying 50 % always scores exactly 0.25.
- **Log**: ln of the probability given to what happened. 0 is perfect; it falls without
  bound as a forecaster grows sure of the wrong thing (1 % on what happens: −4.6).
- **Peer**: as Metaculus scores against the crowd, 100 × (the fan's log score − the
  mean of the other forecasters' log scores on the same prediction). Above 0 is better
  than the crowd; over one prediction the peer scores of all its forecasters sum to 0.
"""

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

LOWEST, HIGHEST = 1, 99  # per cent a fan may state: never certain either way


def fraction(percent: int) -> float:
    """A stated 1–99 % as the probability the scores take."""
    if not LOWEST <= percent <= HIGHEST:
        raise ValueError(f"A forecast is {LOWEST}–{HIGHEST} %, not {percent}.")
    return percent / 100


def brier(probability: float, happened: bool) -> float:
    return (probability - (1.0 if happened else 0.0)) ** 2


def log_score(probability: float, happened: bool) -> float:
    return math.log(probability if happened else 1.0 - probability)


def peer_scores(probabilities: Sequence[float], happened: bool) -> list[float]:
    """Each forecaster's peer score on one prediction, in the order given. A lone
    forecaster has nobody to be compared with: 0."""
    logs = [log_score(probability, happened) for probability in probabilities]
    others = len(logs) - 1
    if others == 0:
        return [0.0]
    total = math.fsum(logs)
    return [100 * (own - (total - own) / others) for own in logs]


def crowd_median(percents: Iterable[int]) -> float | None:
    """The crowd's forecast: the median of each fan's current one (None without any)."""
    values = list(percents)
    return statistics.median(values) if values else None


def median_of_counts(counts: Mapping[int, int]) -> float | None:
    """crowd_median of per cents given as {per cent: how many fans}, without listing
    them: in time linear in the distinct per cents (at most 99), however many fans."""
    ordered = sorted((percent, n) for percent, n in counts.items() if n > 0)
    total = sum(n for _percent, n in ordered)
    if not total:
        return None

    def nth(k: int) -> int:  # the k-th smallest, from 0
        seen = 0
        for percent, n in ordered:
            seen += n
            if k < seen:
                return percent
        raise IndexError(k)

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


@dataclass(frozen=True)
class CrowdPoint:
    at: datetime  # the last forecast of its day
    median: float
    forecasters: int


def crowd_by_day(
    forecasts: Sequence[tuple[int, int, datetime]], day_of: Callable[[datetime], date]
) -> list[CrowdPoint]:
    """The crowd at the end of each day that had forecasts: the median of every fan's
    latest forecast by then, and how many fans. `forecasts` are (fan, per cent, when),
    oldest first; `day_of` says which day a moment falls on. Linear in the forecasts."""
    points, current, counts = [], {}, Counter()
    for index, (fan, percent, at) in enumerate(forecasts):
        if fan in current:
            counts[current[fan]] -= 1
        current[fan] = percent
        counts[percent] += 1
        following = forecasts[index + 1][2] if index + 1 < len(forecasts) else None
        if following is None or day_of(following) != day_of(at):
            points.append(CrowdPoint(at, median_of_counts(counts), len(current)))
    return points


def spread[T](points: Sequence[T], most: int) -> list[T]:
    """At most `most` of the points, evenly spread, the first and last always kept."""
    if len(points) <= most:
        return list(points)
    step = (len(points) - 1) / (most - 1)
    return [points[round(i * step)] for i in range(most)]


@dataclass(frozen=True)
class CalibrationBucket:
    low: int  # stated per cent, low ≤ p < high (the last bucket includes 99)
    high: int
    forecasts: int
    came_true: int

    @property
    def stated(self) -> float:
        """The middle of the bucket, in per cent: where a calibrated forecaster's hits fall."""
        return (self.low + self.high) / 2

    @property
    def observed(self) -> float | None:
        """How often the forecasts in it came true, in per cent."""
        return 100 * self.came_true / self.forecasts if self.forecasts else None


def calibration(
    tallies: Iterable[tuple[int, int, int]], width: int = 10
) -> list[CalibrationBucket]:
    """Resolved forecasts, tallied as (stated per cent, how many, how many came true),
    in buckets of `width` per cent. Every bucket is returned, empty or not, so a chart's
    axis is the same for every fan."""
    if width <= 0 or 100 % width:
        raise ValueError("A bucket's width divides 100.")
    edges = range(0, 100, width)
    counts = {low: [0, 0] for low in edges}
    for percent, made, came_true in tallies:
        low = min(percent // width * width, edges[-1])
        counts[low][0] += made
        counts[low][1] += came_true
    return [
        CalibrationBucket(low=low, high=low + width, forecasts=made, came_true=true)
        for low, (made, true) in counts.items()
    ]
