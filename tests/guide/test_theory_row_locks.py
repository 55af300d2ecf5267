"""Which row lock a write takes on its theory, comment or fan, on PostgreSQL (SQLite locks
the whole file).

A write that only adds a row pointing at the theory (a comment, a report, an edit of
its text) holds the theory against other such writes but must not stop a foreign-key
check elsewhere (FOR KEY SHARE, which PostgreSQL takes for every row inserted that
points at the theory). Taking a theory down holds it against those checks too, so no
new row can point at a theory that is going.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from guide import services
from guide.models import Notification
from tests.factories import CommentFactory, SeasonFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row lock modes exist only on PostgreSQL"
    ),
]


LOCK = {
    "UPDATE": "SELECT 1 FROM guide_theory WHERE id = %s FOR UPDATE NOWAIT",
    "NO KEY UPDATE": "SELECT 1 FROM guide_theory WHERE id = %s FOR NO KEY UPDATE NOWAIT",
    "KEY SHARE": "SELECT 1 FROM guide_theory WHERE id = %s FOR KEY SHARE NOWAIT",
    "comment NO KEY UPDATE": "SELECT 1 FROM guide_comment WHERE id = %s FOR NO KEY UPDATE NOWAIT",
    "comment KEY SHARE": "SELECT 1 FROM guide_comment WHERE id = %s FOR KEY SHARE NOWAIT",
    "fan NO KEY UPDATE": "SELECT 1 FROM accounts_user WHERE id = %s FOR NO KEY UPDATE NOWAIT",
    "fan KEY SHARE": "SELECT 1 FROM accounts_user WHERE id = %s FOR KEY SHARE NOWAIT",
    "prediction UPDATE": "SELECT 1 FROM guide_prediction WHERE id = %s FOR UPDATE NOWAIT",
    "season UPDATE": "SELECT 1 FROM guide_season WHERE id = %s FOR UPDATE NOWAIT",
    "season NO KEY UPDATE": "SELECT 1 FROM guide_season WHERE id = %s FOR NO KEY UPDATE NOWAIT",
}


def _another_connection_can_lock(row_id: int, mode: str) -> bool:
    """Whether a second connection gets `mode` on the row at once (NOWAIT)."""

    def attempt() -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(LOCK[mode], [row_id])
            return True
        except OperationalError:  # lock_not_available
            return False
        finally:
            connection.close()  # the thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(attempt).result(timeout=30)


@pytest.fixture
def theory(db):
    return services.post_theory(
        author=UserFactory(username="author"), season=SeasonFactory(), title="Locks", body="x"
    )


def test_nothing_holds_a_theory_between_writes(theory):
    assert _another_connection_can_lock(theory.pk, "UPDATE")


@pytest.mark.parametrize(
    "write",
    [
        lambda theory: services.post_comment(author=UserFactory(), theory=theory, body="Hi"),
        lambda theory: services.report(reporter=UserFactory(), theory=theory, reason="spam"),
        lambda theory: services.edit_theory(
            theory=theory, title="Locks, edited", body="y", characters=[]
        ),
    ],
    ids=["comment", "report", "edit"],
)
def test_a_write_to_a_theory_holds_it_without_stopping_references(theory, write):
    with transaction.atomic():
        write(theory)
        assert not _another_connection_can_lock(theory.pk, "NO KEY UPDATE")
        assert _another_connection_can_lock(theory.pk, "KEY SHARE")


def test_taking_a_theory_down_stops_new_references_too(theory):
    # Another fan's comment gives them a stake, so the theory is withdrawn, not deleted,
    # and its row stays for the lock to be seen.
    CommentFactory(theory=theory, author=UserFactory())
    with transaction.atomic():
        assert services.delete_theory(theory=theory) is True
        assert not _another_connection_can_lock(theory.pk, "KEY SHARE")


def test_a_comment_edit_holds_the_comment_without_stopping_references(theory):
    comment = services.post_comment(author=UserFactory(), theory=theory, body="First")
    with transaction.atomic():
        services.edit_comment(comment=comment, body="Second")
        # Another edit waits its turn (so each keeps the text the other left); a report
        # of the comment, which only points at it, does not.
        assert not _another_connection_can_lock(comment.pk, "comment NO KEY UPDATE")
        assert _another_connection_can_lock(comment.pk, "comment KEY SHARE")


def test_a_fans_write_holds_their_account_without_stopping_references(theory):
    fan = UserFactory()
    with transaction.atomic():
        services.post_comment(author=fan, theory=theory, body="Held")
        # Deleting the account (which takes the same row) waits for the write to end;
        # another row that only points at the fan does not.
        assert not _another_connection_can_lock(fan.pk, "fan NO KEY UPDATE")
        assert _another_connection_can_lock(fan.pk, "fan KEY SHARE")


def test_a_reply_holds_its_comment_and_a_deletion_holds_it_against_replies(theory):
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Asked")
    with transaction.atomic():
        services.post_comment(author=UserFactory(), theory=theory, parent=comment, body="Hi")
        # A deletion (FOR UPDATE) of the comment waits; other replies' references do not.
        assert not _another_connection_can_lock(comment.pk, "comment NO KEY UPDATE")
        assert _another_connection_can_lock(comment.pk, "comment KEY SHARE")
    with transaction.atomic():
        services.delete_comment(comment=comment)  # it has a reply: it stays, as a stand-in
        # A reply's foreign-key check (KEY SHARE) waits until the deletion is done.
        assert not _another_connection_can_lock(comment.pk, "comment KEY SHARE")


def test_claiming_a_line_for_mail_holds_its_fan_until_the_claim_is_done(theory):
    """Two workers mailing one fan at the same moment take turns, so the second sees the
    first's claim when it checks the quiet time and the daily limit."""
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Hello")
    services.deliver_comment(comment_id=comment.pk)
    line = Notification.objects.get(comment=comment, recipient=theory.author)
    with transaction.atomic():
        limits = {"daily_limit": 10, "quiet": timedelta(hours=1)}
        assert services.claim_line(lines=[line], now=timezone.now(), **limits) == [line.pk]
        assert not _another_connection_can_lock(line.recipient_id, "fan NO KEY UPDATE")
    assert _another_connection_can_lock(line.recipient_id, "fan NO KEY UPDATE")


def test_a_forecast_holds_its_prediction_without_stopping_votes_on_the_theory(theory):
    prediction = services.state_prediction(
        user=theory.author, theory=theory, claim="It airs", criteria="On Netflix", percent=60
    )
    with transaction.atomic():
        services.forecast(user=UserFactory(), prediction=prediction, percent=30)
        # Another forecast on the claim waits its turn; a vote on the claim's theory, or
        # an edit of its season, does not wait for a forecast to be done.
        assert not _another_connection_can_lock(prediction.pk, "prediction UPDATE")
        assert _another_connection_can_lock(theory.pk, "NO KEY UPDATE")
        assert _another_connection_can_lock(theory.season_id, "season UPDATE")


def test_a_vote_holds_what_it_counts_without_stopping_references(theory):
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Counted")
    voter = UserFactory()
    with transaction.atomic():
        services.cast_vote(user=voter, theory_id=theory.pk, value=1)
        services.cast_comment_vote(user=voter, comment_id=comment.pk, value=1)
        # Another vote on either waits for these counts; a comment or a reply, which
        # only points at them, does not wait for a vote.
        assert not _another_connection_can_lock(theory.pk, "NO KEY UPDATE")
        assert _another_connection_can_lock(theory.pk, "KEY SHARE")
        assert not _another_connection_can_lock(comment.pk, "comment NO KEY UPDATE")
        assert _another_connection_can_lock(comment.pk, "comment KEY SHARE")


def test_a_comment_vote_holds_its_comment_without_stopping_votes_on_the_theory(theory):
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Counted")
    with transaction.atomic():
        services.cast_comment_vote(user=UserFactory(), comment_id=comment.pk, value=1)
        # The comment's counts wait for this vote; the theory it reads whether the
        # comment may be voted on is not held, so a vote on the theory goes ahead.
        assert not _another_connection_can_lock(comment.pk, "comment NO KEY UPDATE")
        assert _another_connection_can_lock(theory.pk, "NO KEY UPDATE")


def test_a_vote_holds_its_theory_without_stopping_votes_on_the_rest_of_its_season(theory):
    with transaction.atomic():
        services.cast_vote(user=UserFactory(), theory_id=theory.pk, value=1)
        # The vote reads whether the theory's show is published through its season, but
        # holds only the theory: votes on the season's other theories, which read the
        # same season, and an editor's save of it go ahead.
        assert not _another_connection_can_lock(theory.pk, "NO KEY UPDATE")
        assert _another_connection_can_lock(theory.season_id, "season NO KEY UPDATE")
