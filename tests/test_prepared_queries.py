"""core.prepared: a query compiled once runs as the ORM would run it, for every value."""

import datetime
import gc
import itertools
import re
import threading
import weakref

import pytest
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import signals
from django.db.models.functions import Now
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from core import prepared
from core.prepared import PreparedQuery
from guide import permissions, services
from guide.models import Theory, Vote, VoteValue
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
    theories = {
        "open": TheoryFactory(season=shown, author=other_fan),
        "hidden": TheoryFactory(season=shown, author=other_fan, is_hidden=True),
        "fan's hidden": TheoryFactory(season=shown, author=fan, is_hidden=True),
        "unpublished": TheoryFactory(season=unpublished, author=other_fan),
    }
    VoteFactory(theory=theories["open"], user=fan, value=1)
    VoteFactory(theory=theories["hidden"], user=moderator, value=-1)
    comments = {
        (theory_name, author.username, hidden): CommentFactory(
            theory=theory, author=author, is_hidden=hidden
        )
        for (theory_name, theory), author, hidden in itertools.product(
            theories.items(), (fan, other_fan), (False, True)
        )
    }
    readers = {"fan": fan, "other_fan": other_fan, "moderator": moderator, "editor": editor}
    return {"readers": readers, "theories": theories, "comments": comments}


# What each reader may vote on, written out: hidden items exist only for their authors and
# moderators; an editor is staff, but no moderator.
THEORIES_SEEN = {
    "fan": {"open", "fan's hidden"},
    "other_fan": {"open", "hidden"},
    "moderator": {"open", "hidden", "fan's hidden", "unpublished"},
    "editor": {"open"},
}
OWN_VOTES = {("fan", "open"): 1, ("moderator", "hidden"): -1}


def test_the_vote_reads_find_what_each_reader_may_see_and_their_own_vote(world):
    # One compiled query per reader kind serves every reader of that kind and every item.
    for (name, reader), (title, theory) in itertools.product(
        world["readers"].items(), world["theories"].items()
    ):
        kind = permissions.reader_kind(reader)
        with transaction.atomic():
            found = services._THEORY_TO_VOTE_ON.first(kind, theory_id=theory.pk, user_id=reader.pk)
            built = services._theory_to_vote_on(
                kind, theory_id=theory.pk, user_id=reader.pk
            ).first()
        assert found == built
        assert (found is not None) == (title in THEORIES_SEEN[name]), (name, title)
        if found is not None:
            assert found[-1] == OWN_VOTES.get((name, title)), (name, title)
    for (name, reader), ((title, author, hidden), comment) in itertools.product(
        world["readers"].items(), world["comments"].items()
    ):
        kind = permissions.reader_kind(reader)
        with transaction.atomic():
            found = services._COMMENT_TO_VOTE_ON.first(
                kind, comment_id=comment.pk, user_id=reader.pk
            )
        # A hidden comment is read (then refused) only by its author and moderators.
        may_see = title in THEORIES_SEEN[name] and (
            not hidden or author == name or name == "moderator"
        )
        assert (found is not None) == may_see, (name, title, author, hidden)


def test_dates_come_back_as_the_orm_converts_them(world):
    theory = world["theories"]["open"]
    with transaction.atomic():
        row = services._THEORY_TO_VOTE_ON.first(
            permissions.Reader.FAN, theory_id=theory.pk, user_id=world["readers"]["fan"].pk
        )
    assert isinstance(row[1], datetime.datetime)
    assert row[1] == theory.created_at


def test_a_name_that_is_no_reader_kind_is_refused(world):
    # Refused, never read as a fan: a plain string equal to a kind's name would otherwise
    # share its compiled query.
    with pytest.raises(ValueError, match="reader kind"):
        Theory.objects.visible_as("someone", user_id=world["readers"]["fan"].pk)
    with pytest.raises(ValueError, match="id"):
        Theory.objects.visible_as(permissions.Reader.FAN, user_id=None)


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
    assert built == ["any", "any"]  # compiled twice on first use, to check the stand-ins
    prepared.first("other", author_id=authors[0].pk)
    assert built == ["any", "any", "other", "other"]


def test_all_reads_every_row_in_the_querys_order_converted_as_the_orm_does(db):
    author, other = UserFactory.create_batch(2)
    for title, age in [("Second", 2), ("Third", 1), ("First", 3)]:
        TheoryFactory(
            author=author, title=title, created_at=timezone.now() - datetime.timedelta(days=age)
        )
    TheoryFactory(author=other, title="Another fan's")
    prepared = PreparedQuery(
        lambda shape, *, author_id: (
            Theory.objects.filter(author_id=author_id)
            .order_by("created_at")
            .values_list("title", "created_at")
        )
    )
    expected = list(
        Theory.objects.filter(author=author)
        .order_by("created_at")
        .values_list("title", "created_at")
    )
    assert [title for title, _at in expected] == ["First", "Second", "Third"]
    assert prepared.all("any", author_id=author.pk) == expected  # aware datetimes, as the ORM's
    assert prepared.all("any", author_id=author.pk + other.pk + 1) == []
    assert prepared.all("any", author_id=2**64) == []
    assert prepared.first("any", author_id=author.pk) == expected[0]


def test_a_number_no_key_takes_finds_nothing(db):
    theory = TheoryFactory()
    prepared = PreparedQuery(
        lambda shape, *, theory_id: Theory.objects.filter(pk=theory_id).values_list("pk")
    )
    assert prepared.first("any", theory_id=theory.pk) == (theory.pk,)
    assert prepared.first("any", theory_id=2**64) is None
    # The biggest key a database here takes is a key like any other.
    biggest = TheoryFactory(pk=2**63 - 1)
    assert prepared.first("any", theory_id=2**63 - 1) == (biggest.pk,)
    with pytest.raises(TypeError, match=says(f"'theory_id' is a number, not '{theory.pk}'.")):
        prepared.first("any", theory_id=str(theory.pk))


def test_a_vote_on_a_number_no_theory_can_have_is_not_found(fan_client):
    response = fan_client.post(f"/theories/{2**64}/vote/", {"value": 1})
    assert response.status_code == 404


NOT_ITS_OWN = "'theory_id' does not reach the query as a parameter of its own."
CHANGES_SQL = "A value changes the query's SQL: make it part of its shape."
ANOTHER_FORM = "A value reaches the query in another form than itself."


def says(message: str) -> str:
    """pytest.raises(match=...) for exactly this message."""
    return f"^{re.escape(message)}$"


@pytest.mark.parametrize(
    ("case", "build", "refusal"),
    [
        ("ignored", lambda theory_id: Theory.objects.values_list("pk"), NOT_ITS_OWN),
        (
            "changed",
            lambda theory_id: Theory.objects.filter(pk=abs(theory_id)).values_list("pk"),
            NOT_ITS_OWN,
        ),
        (
            "used for some values only",
            lambda theory_id: Theory.objects.filter(pk=min(theory_id, 5)).values_list("pk"),
            NOT_ITS_OWN,
        ),
        (
            "written into the SQL",
            lambda theory_id: (
                Theory.objects.filter(pk=theory_id)
                .extra(where=[f"1 <> {theory_id}"])  # noqa: S610 - a number, on purpose
                .values_list("pk")
            ),
            CHANGES_SQL,  # the two stand-ins write two different statements
        ),
        (
            "changing the SQL",
            lambda theory_id: (
                Theory.objects.filter(pk=theory_id)
                if theory_id > 0
                else Theory.objects.filter(pk__gte=theory_id)
            ).values_list("pk"),
            CHANGES_SQL,
        ),
        (
            "in another form as well",
            lambda theory_id: (
                Theory.objects.filter(pk=theory_id).exclude(pk=theory_id + 1).values_list("pk")
            ),
            ANOTHER_FORM,
        ),
    ],
)
def test_a_value_that_does_not_reach_the_sql_as_itself_is_refused(db, case, build, refusal):
    # The stand-in would decide the query for every later value: refused when compiled.
    prepared = PreparedQuery(lambda shape, *, theory_id: build(theory_id))
    with pytest.raises(ValueError, match=says(refusal)):
        prepared.first("any", theory_id=1)


@pytest.mark.parametrize(
    ("case", "build", "refusal"),
    [
        (
            "compared with each other",
            lambda theory_id, author_id: (
                Theory.objects.filter(pk=theory_id, author_id=author_id)
                if theory_id < author_id
                else Theory.objects.filter(pk=theory_id, author_id=author_id, is_hidden=False)
            ).values_list("pk"),
            CHANGES_SQL,
        ),
        (
            "one subtracted from the other",
            lambda theory_id, author_id: Theory.objects.filter(
                pk=theory_id, author_id=author_id, score=theory_id - author_id
            ).values_list("pk"),
            ANOTHER_FORM,
        ),
    ],
)
def test_values_that_decide_the_query_between_them_are_refused(db, case, build, refusal):
    prepared = PreparedQuery(lambda shape, *, theory_id, author_id: build(theory_id, author_id))
    with pytest.raises(ValueError, match=says(refusal)):
        prepared.first(theory_id=1, author_id=2)


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
    with pytest.raises(
        TransactionManagementError, match=says("A locking query must run inside a transaction.")
    ):
        locking.first("any", theory_id=theory.pk)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_kept_of_a_threads_connection():
    # Each thread has its own connection: once the thread is gone, so is its connection
    # (with its socket, or its place in the pool).
    theory = TheoryFactory()
    prepared = PreparedQuery(
        lambda shape, *, theory_id: Theory.objects.filter(pk=theory_id).values_list(
            "pk", "created_at"
        )
    )
    seen = []

    def read():
        assert prepared.first("any", theory_id=theory.pk)[0] == theory.pk
        own = connections["default"]
        seen.append(weakref.ref(own))
        own.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert seen
    assert seen[0]() is None


# Statements: a vote's three writes ----------------------------------------------------


def _vote_saved():
    return PreparedQuery(
        lambda shape, *, user_id, theory_id, value: prepared.upsert(
            Vote,
            unique=("user", "theory"),
            update=("value",),
            user_id=user_id,
            theory_id=theory_id,
            value=value,
            created_at=Now(),
        )
    )


def test_an_upsert_inserts_a_row_then_changes_it_in_place(db):
    theory, fan, other = TheoryFactory(), UserFactory(), UserFactory()
    saved = _vote_saved()
    before = timezone.now()
    assert saved.run(user_id=fan.pk, theory_id=theory.pk, value=1) == 1
    assert saved.run(user_id=other.pk, theory_id=theory.pk, value=1) == 1
    first = Vote.objects.get(user=fan)
    assert saved.run(user_id=fan.pk, theory_id=theory.pk, value=-1) == 1
    changed = Vote.objects.get(user=fan)
    assert (changed.pk, changed.value, changed.created_at) == (first.pk, -1, first.created_at)
    assert Vote.objects.get(user=other).value == 1  # another fan's row is their own
    # The database's clock stamps it: at most a second apart from this process's.
    assert first.created_at >= before - datetime.timedelta(seconds=1)


def test_an_update_writes_whole_numbers_and_fractions_to_the_one_row(db):
    theory, untouched = TheoryFactory(), TheoryFactory()
    counts = PreparedQuery(
        lambda shape, *, theory_id, upvotes, hot: prepared.update(
            Theory.objects.filter(pk=theory_id), upvotes=upvotes, score=upvotes, hot=hot
        )
    )
    assert counts.run(theory_id=theory.pk, upvotes=7, hot=1234.5678) == 1
    assert counts.run(theory_id=theory.pk + 1000, upvotes=9, hot=1.0) == 0
    theory.refresh_from_db()
    untouched.refresh_from_db()
    assert (theory.upvotes, theory.score, theory.hot) == (7, 7, 1234.5678)
    assert untouched.upvotes == 0
    assert counts.run(theory_id=theory.pk, upvotes=8, hot=3) == 1  # a whole number as a fraction
    theory.refresh_from_db()
    assert (theory.upvotes, theory.hot) == (8, 3.0)
    with pytest.raises(
        TypeError, match=says("'upvotes' goes into a whole-number column, not 8.5.")
    ):
        counts.run(theory_id=theory.pk, upvotes=8.5, hot=3.0)  # never cut to 8 unseen


def test_a_deletion_deletes_only_the_rows_it_names(db):
    theory = TheoryFactory()
    mine, theirs = VoteFactory(theory=theory), VoteFactory(theory=theory)
    cleared = PreparedQuery(
        lambda shape, *, user_id, theory_id: prepared.deletion(
            Vote.objects.filter(user_id=user_id, theory_id=theory_id)
        )
    )
    assert cleared.run(user_id=mine.user_id, theory_id=theory.pk) == 1
    assert cleared.run(user_id=mine.user_id, theory_id=theory.pk) == 0
    assert list(Vote.objects.all()) == [theirs]


def test_a_statement_is_run_and_a_read_is_read(db):
    theory = TheoryFactory()
    read = PreparedQuery(
        lambda shape, *, theory_id: Theory.objects.filter(pk=theory_id).values_list("pk")
    )
    with pytest.raises(TypeError, match=says("This query reads rows: take its first.")):
        read.run(theory_id=theory.pk)
    with pytest.raises(TypeError, match=says("This query changes rows: run it.")):
        _vote_saved().first(user_id=1, theory_id=theory.pk, value=1)


def test_a_write_that_reaches_another_table_is_refused(db):
    with pytest.raises(
        ValueError, match=says("A prepared UPDATE writes the rows of one table, found in it.")
    ):
        prepared.update(Theory.objects.filter(author__username="x"), upvotes=1)
    with pytest.raises(
        ValueError, match=says("A prepared DELETE deletes the rows of one table, found in it.")
    ):
        prepared.deletion(Vote.objects.filter(theory__title="x"))


def test_a_deletion_that_needs_the_collector_is_refused(db):
    # Rows point at a theory, and signals watch some models: their deletions cascade.
    with pytest.raises(
        ValueError, match=says("Deleting a Theory takes the collector: delete() it.")
    ):
        prepared.deletion(Theory.objects.filter(pk=1))


def test_a_slice_or_a_values_query_is_refused_as_the_orm_refuses_it(db):
    # The statement would lose the slice and change every row the filter finds.
    first_only = Theory.objects.order_by("pk")[:1]
    plain = says("Only a plain filtered QuerySet is updated or deleted.")
    with pytest.raises(TypeError, match=plain):
        prepared.update(first_only, upvotes=1)
    with pytest.raises(TypeError, match=plain):
        prepared.deletion(Vote.objects.order_by("pk")[:1])
    with pytest.raises(TypeError, match=plain):
        prepared.update(Theory.objects.filter(pk=1).union(Theory.objects.filter(pk=2)), upvotes=1)
    with pytest.raises(
        TypeError, match=says("Delete the rows of a QuerySet, not of its values().")
    ):
        prepared.deletion(Vote.objects.values("pk"))


def test_a_number_too_big_to_write_is_the_databases_error_not_a_silent_skip(db):
    theory = TheoryFactory()
    counts = PreparedQuery(
        lambda shape, *, theory_id, upvotes: prepared.update(
            Theory.objects.filter(pk=theory_id), upvotes=upvotes, score=upvotes
        )
    )
    with pytest.raises((DatabaseError, OverflowError)), transaction.atomic():
        counts.run(theory_id=theory.pk, upvotes=2**70)


def test_a_failed_write_leaves_its_transaction_to_be_rolled_back(db):
    theory = TheoryFactory()
    broken = PreparedQuery(  # score must be upvotes - downvotes
        lambda shape, *, theory_id, upvotes: prepared.update(
            Theory.objects.filter(pk=theory_id), upvotes=upvotes
        )
    )
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            broken.run(theory_id=theory.pk, upvotes=3)
        assert transaction.get_rollback()


def test_a_deletion_refuses_to_run_once_a_signal_watches_it(db):
    vote = VoteFactory()
    cleared = PreparedQuery(
        lambda shape, *, user_id, theory_id: prepared.deletion(
            Vote.objects.filter(user_id=user_id, theory_id=theory_id)
        )
    )
    assert cleared.run(user_id=0, theory_id=0) == 0  # compiled while nothing watched
    heard = []

    def receiver(**kwargs):
        heard.append(kwargs["instance"])

    signals.post_delete.connect(receiver, sender=Vote, weak=False)
    try:
        with pytest.raises(TypeError, match=says("A signal now watches Vote's deletions.")):
            cleared.run(user_id=vote.user_id, theory_id=vote.theory_id)
    finally:
        signals.post_delete.disconnect(receiver, sender=Vote)
    assert Vote.objects.filter(pk=vote.pk).exists()


def test_a_vote_given_as_its_choice_counts_as_its_number(db):
    theory, fan = TheoryFactory(), UserFactory()
    counts = services.cast_vote(user=fan, theory_id=theory.pk, value=VoteValue.UP)
    assert (counts.upvotes, Vote.objects.get(user=fan).value) == (1, 1)


def test_a_query_forgotten_is_built_again_from_its_code(db):
    theory = TheoryFactory()
    built = []

    def the_theory(shape, *, theory_id):
        built.append(shape)
        return Theory.objects.filter(pk=theory_id).values_list("pk")

    query = PreparedQuery(the_theory)
    query.first(theory_id=theory.pk)
    query.first(theory_id=theory.pk)
    prepared.forget_compiled()
    assert query.first(theory_id=theory.pk) == (theory.pk,)
    assert len(built) == 4  # compiled twice on first use, and twice again once forgotten
