"""The one check of the vote invariant finds any stored count or rank that its vote rows
do not give, and nothing else."""

import pytest

from guide import services
from guide.models import Theory
from guide.selectors import vote_count_mismatches
from tests.factories import TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(db):
    theory = TheoryFactory(spoiler_season=None)
    for value in (1, 1, -1):
        services.cast_vote(user=UserFactory(), theory_id=theory.pk, value=value)
    return theory


def test_counts_written_by_the_services_pass(voted):
    assert vote_count_mismatches() == []


@pytest.mark.parametrize(
    "wrong",
    [
        {"hot": 0.5},  # a rank off by half a day
        {"wilson": 0.01},
        {"hot": 0.001},
    ],
)
def test_a_rank_that_is_off_is_found(voted, wrong):
    for field, delta in wrong.items():
        value = getattr(Theory.objects.get(pk=voted.pk), field)
        Theory.objects.filter(pk=voted.pk).update(**{field: value + delta})
    assert vote_count_mismatches() == [voted.pk]


def test_counts_that_are_off_are_found(voted):
    Theory.objects.filter(pk=voted.pk).update(upvotes=3, score=2)
    assert vote_count_mismatches() == [voted.pk]


def test_only_the_given_theories_are_checked(voted):
    other = TheoryFactory(spoiler_season=None)
    Theory.objects.filter(pk=other.pk).update(upvotes=1, score=1)
    assert vote_count_mismatches(Theory.objects.filter(pk=voted.pk)) == []
    assert vote_count_mismatches() == [other.pk]
