"""core.prepared: a query compiled once runs as the ORM would run it, for every value."""

import datetime
import itertools

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from core.prepared import PreparedQuery
from guide import permissions, services
from guide.models import Comment, Theory, Vote
from tests.factories import (
    CommentFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
    VoteFactory,
)


@pytest.fixture
def world(db, fan, other_fan, moderator, editor):
    """Theories and comments in every state visibility tells apart, and their readers."""
    shown = SeasonFactory(show=ShowFactory(slug="shown"))
    unpublished = SeasonFactory(show=ShowFactory(slug="draft", is_published=False))
    theories = [
        TheoryFactory(season=shown, author=other_fan),
        TheoryFactory(season=shown, author=other_fan, is_hidden=True),
        TheoryFactory(season=shown, author=fan, is_hidden=True),
        TheoryFactory(season=unpublished, author=other_fan),
    ]
    VoteFactory(theory=theories[0], user=fan, value=1)
    VoteFactory(theory=theories[1], user=moderator, value=-1)
    comments = [
        CommentFactory(theory=theory, author=author, is_hidden=hidden)
        for theory, author, hidden in itertools.product(theories, (fan, other_fan), (False, True))
    ]
    return {
        "readers": [fan, other_fan, moderator, editor],
        "theories": theories,
        "comments": comments,
    }


def test_the_vote_reads_find_what_the_orm_finds_for_every_reader_and_item(world):
    # One compiled query per reader kind serves every reader of that kind and every item:
    # what each finds is what the query the ORM builds for that reader finds.
    for reader, theory in itertools.product(world["readers"], world["theories"]):
        kind = permissions.reader_kind(reader)
        with transaction.atomic():
            found = services._THEORY_TO_VOTE_ON.first(kind, theory_id=theory.pk, user_id=reader.pk)
            built = services._theory_to_vote_on(
                kind, theory_id=theory.pk, user_id=reader.pk
            ).first()
        assert found == built
        may_see = Theory.objects.visible_to(reader).filter(pk=theory.pk).exists()
        assert (found is not None) == may_see, (reader, theory)
        if found is not None:
            own_vote = Vote.objects.filter(theory=theory, user=reader).values_list(
                "value", flat=True
            )
            assert found[-1] == (own_vote.first() if own_vote else None)
    for reader, comment in itertools.product(world["readers"], world["comments"]):
        kind = permissions.reader_kind(reader)
        with transaction.atomic():
            found = services._COMMENT_TO_VOTE_ON.first(
                kind, comment_id=comment.pk, user_id=reader.pk
            )
            built = services._comment_to_vote_on(
                kind, comment_id=comment.pk, user_id=reader.pk
            ).first()
        assert found == built
        may_see = (
            Comment.objects.visible_to(reader)
            .filter(pk=comment.pk, theory__in=Theory.objects.visible_to(reader))
            .exists()
        )
        assert (found is not None) == may_see, (reader, comment)


def test_dates_come_back_as_the_orm_converts_them(world):
    theory = world["theories"][0]
    with transaction.atomic():
        row = services._THEORY_TO_VOTE_ON.first(
            permissions.Reader.FAN, theory_id=theory.pk, user_id=world["readers"][0].pk
        )
    assert isinstance(row[1], datetime.datetime)
    assert row[1] == theory.created_at


def test_a_query_is_built_once_per_shape_and_runs_with_each_value(db):
    authors = UserFactory.create_batch(3)
    for author in authors:
        TheoryFactory(author=author, title=f"By {author.username}")
    built = []

    def theories_by(shape, *, author_id):
        built.append(shape)
        return Theory.objects.filter(author_id=author_id).values_list("title")

    prepared = PreparedQuery(theories_by)
    for author in authors * 2:
        assert prepared.first("any", author_id=author.pk) == (f"By {author.username}",)
    assert prepared.first("any", author_id=0) is None
    assert built == ["any"]
    prepared.first("other", author_id=authors[0].pk)
    assert built == ["any", "other"]


def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused(db):
    # Compared in Python while building, the stand-in would decide the query's shape for
    # every later value.
    ignores = PreparedQuery(lambda shape, *, theory_id: Theory.objects.values_list("pk"))
    with pytest.raises(ValueError, match="theory_id"):
        ignores.first("any", theory_id=1)


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_is_refused_outside_a_transaction():
    # The lock would end with its own statement and hold nothing, as select_for_update's.
    theory = TheoryFactory()
    locking = PreparedQuery(
        lambda shape, *, theory_id: (
            Theory.objects.select_for_update().filter(pk=theory_id).values_list("pk")
        )
    )
    with transaction.atomic():
        assert locking.first("any", theory_id=theory.pk) == (theory.pk,)
    with pytest.raises(TransactionManagementError):
        locking.first("any", theory_id=theory.pk)
