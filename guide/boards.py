"""The leaderboard's boards, a fan's row on each: pure rules, no Django.

The leaderboard ranks fans over every show, one show or one season of it: a board each,
named by its scope. Counting every settled theory and scored forecast on each render
grows with the site, so each fan's row on each board is kept (guide.models.boards) and
a board reads its best rows in index order. A settled theory or a scored forecast
counts on three boards: its season's, its show's and every show's. These functions turn
a fan's grouped theories and scores into those rows; guide.services reads the one and
stores the other.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

EVERY_SHOW = "all"


def scope(*, show_id: int | None = None, season_id: int | None = None) -> str:
    """The key of one board: a season's (which names its show), a show's, or every show's."""
    if season_id is not None:
        return f"season:{season_id}"
    if show_id is not None:
        return f"show:{show_id}"
    return EVERY_SHOW


def scopes_of(*, show_id: int, season_id: int) -> tuple[str, str, str]:
    """Every board a theory or forecast on this season counts on."""
    return scope(season_id=season_id), scope(show_id=show_id), EVERY_SHOW


def tally_theories(rows: Iterable[tuple[int, int, int, str, int]]) -> dict:
    """Settled theories grouped as (fan, show, season, outcome, how many), summed per
    (fan, scope) into a Counter of outcomes."""
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for fan_id, show_id, season_id, outcome, theories in rows:
        for key in scopes_of(show_id=show_id, season_id=season_id):
            counts[fan_id, key][outcome] += theories
    return dict(counts)


@dataclass(frozen=True)
class ForecastTally:
    scored: int
    mean_peer: float
    mean_brier: float


def tally_forecasts(rows: Iterable[tuple[int, int, int, int, float, float]]) -> dict:
    """Scored forecasts grouped as (fan, show, season, how many, sum of peer scores, sum
    of Brier scores), as each fan's mean per (fan, scope)."""
    sums: dict[tuple[int, str], list] = defaultdict(lambda: [0, 0.0, 0.0])
    for fan_id, show_id, season_id, scored, peer, brier in rows:
        for key in scopes_of(show_id=show_id, season_id=season_id):
            total = sums[fan_id, key]
            total[0] += scored
            total[1] += peer
            total[2] += brier
    return {
        key: ForecastTally(scored=scored, mean_peer=peer / scored, mean_brier=brier / scored)
        for key, (scored, peer, brier) in sums.items()
    }
