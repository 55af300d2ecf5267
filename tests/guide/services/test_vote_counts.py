"""guide.services and votes: every write keeps the stored counts and ranks equal to the
vote rows, by the project's one check."""

import pytest

from guide import services
from guide.models import Report, Theory, Vote, WatchProgress
from tests.factories import ReportFactory, TheoryFactory, WatchProgressFactory
from tests.kit.counts import assert_vote_counts_match_rows

pytestmark = pytest.mark.django_db


def test_cast_vote_up_down_clear_and_repeat_keep_counts_exact(fan, other_fan):
    theory = TheoryFactory()

    steps = [
        (fan, 1, (1, 0, 1)),
        (fan, 1, (1, 0, 1)),  # repeat: idempotent
        (other_fan, -1, (1, 1, 0)),
        (fan, -1, (0, 2, -2)),  # flip
        (fan, -1, (0, 2, -2)),
        (other_fan, 0, (0, 1, -1)),  # clear
        (other_fan, 0, (0, 1, -1)),  # clearing nothing is fine
        (other_fan, 1, (1, 1, 0)),
        (fan, 0, (1, 0, 1)),
    ]
    for user, value, expected in steps:
        counts = services.cast_vote(user=user, theory_id=theory.pk, value=value)
        assert (counts.upvotes, counts.downvotes, counts.score) == expected
        assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))
        stored = Theory.objects.get(pk=theory.pk)
        assert (stored.upvotes, stored.downvotes, stored.score) == expected
        assert Vote.objects.filter(user=user, theory=theory).count() == (1 if value else 0)

    assert Vote.objects.get(user=other_fan, theory=theory).value == 1
    assert not Vote.objects.filter(user=fan, theory=theory).exists()


def test_cast_vote_moves_hot_and_wilson(fan, other_fan):
    theory = TheoryFactory()
    services.recount_votes(theory_ids=[theory.pk])
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))
    before = Theory.objects.get(pk=theory.pk)

    services.cast_vote(user=fan, theory_id=theory.pk, value=1)
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))
    after = Theory.objects.get(pk=theory.pk)
    assert after.wilson > before.wilson == 0
    assert after.hot > before.hot

    services.cast_vote(user=fan, theory_id=theory.pk, value=-1)
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=-1)
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))
    sunk = Theory.objects.get(pk=theory.pk)
    assert sunk.score == -2
    assert sunk.hot < before.hot
    assert sunk.wilson == 0


@pytest.mark.parametrize("value", [2, -2, 10, None, "1"])
def test_cast_vote_rejects_other_values(fan, value):
    theory = TheoryFactory()
    services.recount_votes(theory_ids=[theory.pk])
    with pytest.raises(ValueError, match=r"\+1, -1 or 0"):
        services.cast_vote(user=fan, theory_id=theory.pk, value=value)
    assert not Vote.objects.exists()
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))


def test_remove_votes_of_fixes_every_theory_the_fan_voted_on(fan, other_fan):
    theories = TheoryFactory.create_batch(3)
    untouched = TheoryFactory()
    for theory, value in zip(theories, (1, -1, 1), strict=True):
        services.cast_vote(user=fan, theory_id=theory.pk, value=value)
        services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    services.cast_vote(user=other_fan, theory_id=untouched.pk, value=-1)

    assert services.remove_votes_of(user=fan) == 3

    assert not Vote.objects.filter(user=fan).exists()
    assert Vote.objects.filter(user=other_fan).count() == 4
    for theory in theories:
        assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))
        stored = Theory.objects.get(pk=theory.pk)
        assert (stored.upvotes, stored.downvotes) == (1, 0)
    assert_vote_counts_match_rows(Theory.objects.filter(pk=untouched.pk))
    assert Theory.objects.get(pk=untouched.pk).score == -1
    assert services.remove_votes_of(user=fan) == 0


def test_forget_fan_removes_votes_reports_and_progress(fan, other_fan):
    theories = TheoryFactory.create_batch(2)
    services.cast_vote(user=fan, theory_id=theories[0].pk, value=-1)
    services.cast_vote(user=fan, theory_id=theories[1].pk, value=1)
    services.cast_vote(user=other_fan, theory_id=theories[0].pk, value=-1)
    ReportFactory(reporter=fan, theory=theories[1])
    kept_report = ReportFactory(reporter=other_fan, theory=theories[1])
    WatchProgressFactory(user=fan)
    own_theory = TheoryFactory(author=fan)

    services.forget_fan(user=fan)

    assert not Vote.objects.filter(user=fan).exists()
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theories[0].pk))
    first = Theory.objects.get(pk=theories[0].pk)
    assert (first.upvotes, first.downvotes) == (0, 1)
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theories[1].pk))
    assert Theory.objects.get(pk=theories[1].pk).score == 0
    assert list(Report.objects.all()) == [kept_report]
    assert not WatchProgress.objects.filter(user=fan).exists()
    # Theories stay; the author link goes only when the user row is deleted.
    fan.delete()
    own_theory.refresh_from_db()
    assert own_theory.author is None
