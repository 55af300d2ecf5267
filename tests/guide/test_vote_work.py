"""A vote's work does not grow with the theory's votes: it moves the stored counts under
the theory's row lock instead of counting the vote rows again, and the counts stay equal
to the rows through every change of mind."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide import selectors, services
from guide.models import Theory
from tests.factories import TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def statements_of_a_vote(voters: int) -> list[str]:
    theory = TheoryFactory()
    for voter in UserFactory.create_batch(voters):
        services.cast_vote(user=voter, theory_id=theory.pk, value=1)
    fan = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        services.cast_vote(user=fan, theory_id=theory.pk, value=-1)
    return [query["sql"] for query in queries]


def test_a_vote_asks_the_same_statements_however_many_votes_the_theory_has():
    few, many = statements_of_a_vote(2), statements_of_a_vote(40)
    assert len(few) == len(many)
    assert not [sql for sql in many if "COUNT(" in sql.upper()], "a vote counted the rows"


@pytest.mark.parametrize(
    "changes",
    [[1], [-1], [1, 1], [1, -1], [1, 0], [-1, 1, 0, -1], [0], [1, 0, 0, 1], [-1, -1, 0]],
)
def test_counts_follow_every_change_of_mind(changes):
    theory = TheoryFactory()
    others = UserFactory.create_batch(3)
    for other, value in zip(others, [1, 1, -1], strict=True):
        services.cast_vote(user=other, theory_id=theory.pk, value=value)
    fan = UserFactory()
    for value in changes:
        counts = services.cast_vote(user=fan, theory_id=theory.pk, value=value)
    final = changes[-1]
    assert (counts.upvotes, counts.downvotes) == (2 + (final == 1), 1 + (final == -1))
    stored = Theory.objects.get(pk=theory.pk)
    assert (stored.upvotes, stored.downvotes, stored.score) == (
        counts.upvotes,
        counts.downvotes,
        counts.score,
    )
    assert selectors.vote_count_mismatches(Theory.objects.filter(pk=theory.pk)) == []


def test_a_fans_votes_are_read_for_the_theories_asked_about_and_no_others(fan, other_fan):
    asked, elsewhere = TheoryFactory(), TheoryFactory()
    services.cast_vote(user=fan, theory_id=asked.pk, value=-1)
    services.cast_vote(user=fan, theory_id=elsewhere.pk, value=1)
    services.cast_vote(user=other_fan, theory_id=asked.pk, value=1)
    assert selectors.marks_of(fan, {"vote": [asked.pk]}) == {"vote": {asked.pk: -1}}
    both = [asked.pk, elsewhere.pk]
    assert selectors.marks_of(other_fan, {"vote": both}) == {"vote": {asked.pk: 1}}
    assert selectors.marks_of(fan, {"vote": []}) == {"vote": {}}
