"""The orders theories are listed in: hot, top (Wilson) and new, from the stored ranks."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from guide import services
from guide.models import Theory, Vote
from tests.factories import TheoryFactory, VoteFactory
from tests.kit.counts import assert_vote_counts_match_rows

pytestmark = pytest.mark.django_db


def _with_votes(theory: Theory, up: int, down: int, voters: list[User]) -> None:
    """Give a theory exact vote rows, then let the service recount it."""
    assert up + down <= len(voters)
    Vote.objects.bulk_create(
        [Vote(user=user, theory=theory, value=1) for user in voters[:up]]
        + [Vote(user=user, theory=theory, value=-1) for user in voters[up : up + down]]
    )
    services.recount_votes(theory_ids=[theory.pk])


@pytest.fixture
def voters():
    return User.objects.bulk_create(
        [User(username=f"voter{n}", email=f"voter{n}@example.com") for n in range(100)]
    )


def test_top_ranks_by_wilson_not_by_ratio(voters):
    perfect_few = TheoryFactory(title="three of three")
    good_many = TheoryFactory(title="ninety of a hundred")
    unvoted = TheoryFactory(title="no votes")
    disliked = TheoryFactory(title="five down")
    _with_votes(perfect_few, 3, 0, voters)
    _with_votes(good_many, 90, 10, voters)
    _with_votes(unvoted, 0, 0, voters)
    _with_votes(disliked, 0, 5, voters)
    assert_vote_counts_match_rows()

    assert list(Theory.objects.top()) == [good_many, perfect_few, unvoted, disliked]


def test_hot_weighs_score_against_age(voters):
    now = timezone.now()
    ages_and_votes = {
        "new popular": (0, 10, 0),
        "half-day popular": (12, 10, 0),
        "new quiet": (0, 0, 0),
        "new disliked": (0, 0, 3),
        "two-day popular": (48, 10, 0),
    }
    theories = {}
    for title, (hours, up, down) in ages_and_votes.items():
        theory = TheoryFactory(title=title)
        Theory.objects.filter(pk=theory.pk).update(created_at=now - datetime.timedelta(hours=hours))
        _with_votes(theory, up, down, voters)
        assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))
        theories[title] = Theory.objects.get(pk=theory.pk)

    # A tenfold score is worth a day of freshness: half a day of age costs a score of 10
    # only half its lead; two days cost all of it and more.
    assert [theory.title for theory in Theory.objects.hot()] == [
        "new popular",
        "half-day popular",
        "new quiet",
        "new disliked",
        "two-day popular",
    ]
    assert list(Theory.objects.all()) == list(Theory.objects.hot())  # the default ordering
    assert list(Theory.objects.ordered("hot")) == list(Theory.objects.hot())
    assert list(Theory.objects.ordered("nonsense")) == list(Theory.objects.hot())


def test_hot_follows_votes_cast_through_the_service(fan, other_fan):
    first = TheoryFactory()
    second = TheoryFactory()
    Theory.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=timezone.now())
    services.recount_votes(theory_ids=[first.pk, second.pk])
    assert list(Theory.objects.hot()) == [second, first]  # a tie: the newer pk first
    services.cast_vote(user=fan, theory_id=second.pk, value=-1)
    services.cast_vote(user=other_fan, theory_id=second.pk, value=-1)
    assert list(Theory.objects.hot()) == [first, second]
    services.cast_vote(user=fan, theory_id=first.pk, value=-1)
    services.cast_vote(user=other_fan, theory_id=first.pk, value=-1)
    services.cast_vote(user=fan, theory_id=second.pk, value=1)
    services.cast_vote(user=other_fan, theory_id=second.pk, value=1)
    assert list(Theory.objects.hot()) == [second, first]
    assert_vote_counts_match_rows()


def test_new_orders_by_creation_time():
    now = timezone.now()
    oldest, newest, middle = TheoryFactory.create_batch(3)
    for theory, age in ((oldest, 3), (newest, 1), (middle, 2)):
        Theory.objects.filter(pk=theory.pk).update(created_at=now - datetime.timedelta(hours=age))
    # Votes do not move the new list.
    VoteFactory(theory=oldest)
    services.recount_votes(theory_ids=[oldest.pk])

    assert list(Theory.objects.new()) == [newest, middle, oldest]
    assert list(Theory.objects.ordered("new")) == [newest, middle, oldest]
    assert list(Theory.objects.ordered("top")) == list(Theory.objects.top())


def test_new_breaks_ties_by_newest_pk():
    now = timezone.now()
    first, second = TheoryFactory.create_batch(2)
    Theory.objects.update(created_at=now)
    assert list(Theory.objects.new()) == [second, first]
