"""Ranking rules for theories. Pure functions: no Django, no database.

hot: the order of magnitude of the score plus the age, as Reddit and Lobsters rank
stories, so that the rank can be stored and pages order by a column. A tenfold score
is worth HOT_WINDOW_SECONDS of freshness: about a day suits a small site.

top: the lower bound of the Wilson score interval for the share of up-votes, so that
3 of 3 does not beat 90 of 100.
"""

from datetime import UTC, datetime
from math import copysign, log10, sqrt

HOT_EPOCH = datetime(2022, 1, 1, tzinfo=UTC)
HOT_WINDOW_SECONDS = 86_400
WILSON_Z = 1.959964  # 95% confidence


def hot(score: int, created: datetime) -> float:
    order = log10(max(abs(score), 1))
    sign = copysign(1, score) if score else 0
    age = (created - HOT_EPOCH).total_seconds() / HOT_WINDOW_SECONDS
    return round(sign * order + age, 7)


def wilson_lower_bound(upvotes: int, downvotes: int, z: float = WILSON_Z) -> float:
    total = upvotes + downvotes
    if total <= 0:
        return 0.0
    share = upvotes / total
    z2 = z * z
    centre = share + z2 / (2 * total)
    spread = z * sqrt((share * (1 - share) + z2 / (4 * total)) / total)
    return round((centre - spread) / (1 + z2 / total), 7)


def vote_fields(*, upvotes: int, downvotes: int, created: datetime) -> dict:
    """Every stored vote field of a theory, from its counts: the one place they are derived.

    Written together in one UPDATE, so the score = up - down constraint holds at every
    moment; compared against stored rows by guide.selectors.vote_count_mismatches.
    """
    score = upvotes - downvotes
    return {
        "upvotes": upvotes,
        "downvotes": downvotes,
        "score": score,
        "hot": hot(score, created),
        "wilson": wilson_lower_bound(upvotes, downvotes),
    }
