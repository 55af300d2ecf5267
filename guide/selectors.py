"""Every page-level read: what a page shows, assembled from the models.

Views parse input, call a selector (or a service, for writes) and render. Selectors take
the reader where what they return depends on who reads.
"""

import math

from django.db.models import Count, Q

from guide import ranking
from guide.models import Theory, VoteValue

# Votes ---------------------------------------------------------------------------------

_EXACT_VOTE_FIELDS = ("upvotes", "downvotes", "score")
_RANK_FIELDS = ("hot", "wilson")


def vote_count_mismatches(theories=None) -> list[int]:
    """Ids of theories whose stored counts or ranks differ from their vote rows.

    The one check of the vote invariant, for the demo loader, the bench and the tests:
    counts must be exact; ranks equal the ranking rules (to float precision).
    """
    theories = Theory.objects.all() if theories is None else theories
    counted = (
        theories.order_by()
        .annotate(
            up_rows=Count("votes", filter=Q(votes__value=VoteValue.UP)),
            down_rows=Count("votes", filter=Q(votes__value=VoteValue.DOWN)),
        )
        .values_list("pk", "up_rows", "down_rows", "created_at", *_EXACT_VOTE_FIELDS, *_RANK_FIELDS)
    )
    wrong = []
    for pk, up, down, created, *stored in counted.iterator(chunk_size=5000):
        stored = dict(zip(_EXACT_VOTE_FIELDS + _RANK_FIELDS, stored, strict=True))
        expected = ranking.vote_fields(upvotes=up, downvotes=down, created=created)
        exact = all(stored[name] == expected[name] for name in _EXACT_VOTE_FIELDS)
        close = all(
            math.isclose(stored[name], expected[name], abs_tol=1e-6) for name in _RANK_FIELDS
        )
        if not (exact and close):
            wrong.append(pk)
    return wrong
