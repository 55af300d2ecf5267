"""Faults: a database that is briefly down or locked, and writes that must stay consistent.

A request that cannot reach the database gets a friendly 503 with Retry-After (never a
500), nothing committed is lost, liveness keeps answering and readiness says why not.
Account deletion, theory deletion and moderation never leave orphaned or inconsistent rows.
"""

import datetime
from contextlib import contextmanager
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from guide import services
from guide.models import (
    Comment,
    ModerationAction,
    ModerationKind,
    Outcome,
    Report,
    ReportReason,
    ReportStatus,
    SeasonStatus,
    Theory,
    Vote,
    WatchProgress,
)
from tests.factories import (
    PASSWORD,
    CommentFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    WatchProgressFactory,
)
from tests.kit.counts import assert_vote_counts_match_rows

LOCKED = "database is locked"

# Tests where a write fails half-way run in autocommit, as the site does: inside the
# suite's usual wrapping transaction, a failed statement would poison the test itself.
AUTOCOMMIT = pytest.mark.django_db(transaction=True)


# Fault injection ------------------------------------------------------------------------------


@contextmanager
def database_raises(message: str = LOCKED, *, only=None):
    """Every query (or only those whose SQL starts with one of `only`) raises."""
    real_execute = CursorWrapper.execute

    def execute(self, sql, params=None):
        if only is None or str(sql).lstrip().upper().startswith(only):
            raise OperationalError(message)
        return real_execute(self, sql, params)

    with mock.patch.object(CursorWrapper, "execute", execute):
        yield


@contextmanager
def database_unreachable():
    """Opening a connection fails, as when the server is down or the pool is exhausted."""

    def ensure_connection(self):
        raise OperationalError("connection refused")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", ensure_connection):
        yield


def assert_friendly_503(response) -> None:
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, response.status_code
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit(), retry_after
    assert 0 < int(retry_after) <= 300
    assert response["Content-Type"].startswith("text/html")
    assert b"Back in a moment" in response.content
    # Still a page of this site, with its security headers.
    assert "Content-Security-Policy" in response.headers
    assert response.headers.get("X-Frame-Options") == "DENY"


@pytest.fixture
def season(db):
    show = ShowFactory(title="All of Us Are Dead", slug="all-of-us-are-dead")
    return SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)


# The database is briefly unavailable ----------------------------------------------------------


@pytest.mark.parametrize("fault", [database_raises, database_unreachable])
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "fan"])
def test_home_page_answers_503_when_the_database_fails(fault, signed_in, fan, season):
    theory = TheoryFactory(season=season, title="Committed before the outage")
    client = Client()
    if signed_in:
        client.force_login(fan)
    # Warm up: the session (for the fan) and the page work normally first.
    assert client.get(reverse("guide:home")).status_code == HTTPStatus.OK

    with fault():
        response = client.get(reverse("guide:home"))
    assert_friendly_503(response)

    # Nothing committed is lost, and the site answers again once the database is back.
    assert Theory.objects.filter(pk=theory.pk, title="Committed before the outage").exists()
    assert client.get(reverse("guide:home")).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "url_name", ["guide:theory_list", "guide:show_list", "guide:search", "guide:leaderboard"]
)
def test_other_pages_answer_503_when_the_database_is_locked(client, season, url_name):
    TheoryFactory(season=season)
    with database_raises():
        response = client.get(reverse(url_name), {"q": "dead"})
    assert_friendly_503(response)


@AUTOCOMMIT
def test_a_failed_write_keeps_what_was_committed(fan_client, fan, season):
    """The comment's INSERT fails: a 503, no half-written rows, earlier rows intact."""
    theory = TheoryFactory(season=season)
    kept = CommentFactory(theory=theory, author=fan, body="Written before")
    services.cast_vote(user=fan, theory_id=theory.pk, value=1)

    with database_raises(only=("INSERT", "UPDATE")):
        response = fan_client.post(
            reverse("guide:comment_create", args=[theory.pk]), {"body": "Lost in the outage?"}
        )
    assert_friendly_503(response)

    assert list(Comment.objects.filter(theory=theory)) == [kept]
    theory.refresh_from_db()
    assert (theory.upvotes, theory.downvotes) == (1, 0)
    assert Vote.objects.filter(theory=theory, user=fan, value=1).exists()


@AUTOCOMMIT
def test_a_failed_vote_leaves_counts_equal_to_vote_rows(fan_client, fan, other_fan, season):
    theory = TheoryFactory(season=season)
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    with database_raises(only=("UPDATE",)):
        response = fan_client.post(reverse("guide:vote", args=[theory.pk]), {"value": "-1"})
    assert_friendly_503(response)
    theory.refresh_from_db()
    assert (theory.upvotes, theory.downvotes) == (1, 0)
    assert Vote.objects.filter(theory=theory, value=1).count() == 1
    assert not Vote.objects.filter(theory=theory, value=-1).exists()
    assert_vote_counts_match_rows(Theory.objects.filter(pk=theory.pk))


@pytest.mark.parametrize("fault", [database_raises, database_unreachable])
def test_liveness_answers_while_the_database_fails(client, db, fault):
    with fault():
        response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in (
        response.headers.get("Cache-Control", "")
    )


@pytest.mark.parametrize("fault", [database_raises, database_unreachable])
def test_readiness_follows_the_database(client, db, fault):
    response = client.get(reverse("readyz"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok"}

    with fault():
        response = client.get(reverse("readyz"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"database": "unavailable"}

    response = client.get(reverse("readyz"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok"}


def test_non_database_errors_are_still_500(client, db):
    """The 503 is only for the database; a bug stays a (friendly) 500."""
    client.raise_request_exception = False
    with mock.patch("guide.views.pages.Show.objects.published", side_effect=RuntimeError("bug")):
        response = client.get(reverse("guide:home"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Retry-After" not in response.headers


# Consistency after deletions and moderation ---------------------------------------------------


def assert_consistent() -> None:
    """No orphans, and every theory's counts equal its vote rows."""
    users = get_user_model().objects.all()
    theories = Theory.objects.all()
    comments = Comment.objects.all()
    assert not Vote.objects.exclude(theory__in=theories).exists()
    assert not Vote.objects.exclude(user__in=users).exists()
    assert not Comment.objects.exclude(theory__in=theories).exists()
    assert not Report.objects.filter(theory__isnull=False).exclude(theory__in=theories).exists()
    assert not Report.objects.filter(comment__isnull=False).exclude(comment__in=comments).exists()
    assert not Report.objects.filter(theory__isnull=True, comment__isnull=True).exists()
    assert not Report.objects.exclude(reporter__in=users).exists()
    assert not WatchProgress.objects.exclude(user__in=users).exists()
    assert not (
        ModerationAction.objects.filter(theory__isnull=False).exclude(theory__in=theories).exists()
    )
    assert not (
        ModerationAction.objects.filter(comment__isnull=False)
        .exclude(comment__in=comments)
        .exists()
    )
    with connection.cursor() as cursor:
        # Raw SQL as well: an ORM join would hide a dangling id.
        # Table names come from the models, never from input.
        sql = (
            f"SELECT COUNT(*) FROM {Vote._meta.db_table} v "  # noqa: S608
            f"LEFT JOIN {Theory._meta.db_table} t ON t.id = v.theory_id WHERE t.id IS NULL"
        )
        cursor.execute(sql)
        assert cursor.fetchone()[0] == 0
    assert_vote_counts_match_rows()


@pytest.fixture
def busy_world(db, fan, other_fan, moderator, season):
    """Two fans who wrote, voted, commented, reported and set progress; a moderation log."""
    released = SeasonFactory(
        show=season.show,
        number=1,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
    )
    fans_theory = TheoryFactory(author=fan, season=season, title="Fan's theory")
    others_theory = TheoryFactory(author=other_fan, season=released, title="Other's theory")
    # Nobody votes on their own theory.
    for voter in (other_fan, moderator):
        services.cast_vote(user=voter, theory_id=fans_theory.pk, value=1)
    for voter in (fan, moderator):
        services.cast_vote(user=voter, theory_id=others_theory.pk, value=-1 if voter == fan else 1)
    fans_comment = CommentFactory(theory=others_theory, author=fan)
    others_comment = CommentFactory(theory=fans_theory, author=other_fan)
    report_by_fan = services.report(reporter=fan, reason=ReportReason.SPAM, theory=others_theory)
    services.report(reporter=fan, reason=ReportReason.SPAM, comment=others_comment)
    report_on_fan = services.report(
        reporter=other_fan, reason=ReportReason.ABUSE, comment=fans_comment
    )
    services.report(reporter=other_fan, reason=ReportReason.SPAM, theory=fans_theory)
    WatchProgressFactory(user=fan, show=season.show, seasons_watched=1)
    WatchProgressFactory(user=other_fan, show=season.show, seasons_watched=2)
    services.set_hidden(moderator=moderator, item=fans_comment, hidden=True, reason="rude")
    services.set_hidden(moderator=moderator, item=fans_comment, hidden=False, reason="fair")
    services.close_report(moderator=moderator, report_row=report_on_fan, dismissed=True)
    services.set_hidden(moderator=moderator, item=fans_theory, hidden=True, reason="spoiler")
    services.set_hidden(moderator=moderator, item=fans_theory, hidden=False, reason="ok now")
    assert_consistent()
    return {
        "fans_theory": fans_theory,
        "others_theory": others_theory,
        "fans_comment": fans_comment,
        "others_comment": others_comment,
        "report_by_fan": report_by_fan,
        "released": released,
    }


def test_account_deletion_leaves_no_orphans(fan, busy_world):
    client = Client()
    client.force_login(fan)
    log_before = ModerationAction.objects.count()
    labels_before = set(ModerationAction.objects.values_list("pk", "target_label"))

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert not get_user_model().objects.filter(pk=fan.pk).exists()

    assert_consistent()
    assert not Vote.objects.filter(user_id=fan.pk).exists()
    assert not Report.objects.filter(reporter_id=fan.pk).exists()
    assert not WatchProgress.objects.filter(user_id=fan.pk).exists()
    # The fan's writing stays, by a deleted fan; others' votes on it stay counted.
    fans_theory = Theory.objects.get(pk=busy_world["fans_theory"].pk)
    assert fans_theory.author_id is None
    assert (fans_theory.upvotes, fans_theory.downvotes) == (2, 0)
    others_theory = Theory.objects.get(pk=busy_world["others_theory"].pk)
    assert (others_theory.upvotes, others_theory.downvotes) == (1, 0)
    assert Comment.objects.get(pk=busy_world["fans_comment"].pk).author_id is None
    # Reports by others on the fan's writing stay for the moderators.
    assert Report.objects.filter(theory=fans_theory).exists()
    # The moderation log keeps every row and its labels.
    assert ModerationAction.objects.count() == log_before
    assert set(ModerationAction.objects.values_list("pk", "target_label")) == labels_before


def test_moderator_account_deletion_keeps_the_log(moderator, busy_world):
    log_before = ModerationAction.objects.count()
    moderator_id = moderator.pk
    account_services.delete_account(user=moderator)
    assert_consistent()
    assert ModerationAction.objects.count() == log_before
    assert not ModerationAction.objects.filter(moderator_id=moderator_id).exists()
    # The moderator's votes went, with the counts they fed.
    fans_theory = Theory.objects.get(pk=busy_world["fans_theory"].pk)
    assert (fans_theory.upvotes, fans_theory.downvotes) == (1, 0)


@AUTOCOMMIT
@pytest.mark.parametrize("failing", ["any", "votes", "reports", "progress", "user"])
def test_failed_account_deletion_changes_nothing(fan, busy_world, failing):
    """A wrong password, or the database failing half-way: everything stays."""
    tables = {
        "any": "",
        "votes": Vote._meta.db_table,
        "reports": Report._meta.db_table,
        "progress": WatchProgress._meta.db_table,
        "user": get_user_model()._meta.db_table,
    }
    statement = "DELETE FROM" + (f' "{tables[failing]}"'.upper() if tables[failing] else "")
    client = Client()
    client.force_login(fan)
    votes, reports = Vote.objects.count(), Report.objects.count()
    progress = WatchProgress.objects.count()
    response = client.post(reverse("accounts:delete"), {"password": "not my password"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    with database_raises(only=(statement,)):
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert_friendly_503(response)
    assert get_user_model().objects.filter(pk=fan.pk).exists()
    assert (Vote.objects.count(), Report.objects.count()) == (votes, reports)
    assert WatchProgress.objects.count() == progress
    assert_consistent()


def _fans_deletable_theory(fan, other_fan, moderator, season) -> Theory:
    """A theory of the fan's with votes, its author's own comment and a moderation log,
    but nothing others wrote or reported: deleting it deletes it. (The busy world's
    theory of the fan's holds another fan's comment and reports, so it is withdrawn.)"""
    theory = TheoryFactory(author=fan, season=season, title="Fan's second theory")
    for voter in (other_fan, moderator):
        services.cast_vote(user=voter, theory_id=theory.pk, value=1)
    CommentFactory(theory=theory, author=fan)
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spoiler")
    services.set_hidden(moderator=moderator, item=theory, hidden=False, reason="ok now")
    return theory


def test_theory_deletion_leaves_no_orphans(fan, other_fan, moderator, season, busy_world):
    theory = _fans_deletable_theory(fan, other_fan, moderator, season)
    comment_ids = list(theory.comments.values_list("pk", flat=True))
    log = list(
        ModerationAction.objects.filter(theory=theory).values_list("pk", "kind", "target_label")
    )
    assert log
    log_before = ModerationAction.objects.count()
    client = Client()
    client.force_login(fan)

    response = client.post(reverse("guide:theory_delete", args=[theory.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Theory.objects.filter(pk=theory.pk).exists()

    assert_consistent()
    assert not Vote.objects.filter(theory_id=theory.pk).exists()
    assert not Comment.objects.filter(pk__in=comment_ids).exists()
    assert not Report.objects.filter(theory_id=theory.pk).exists()
    assert not Report.objects.filter(comment_id__in=comment_ids).exists()
    # The log keeps its rows and labels; only the link to the theory is gone.
    assert ModerationAction.objects.count() == log_before
    for pk, kind, label in log:
        action = ModerationAction.objects.get(pk=pk)
        assert (action.kind, action.target_label, action.theory_id) == (kind, label, None)
    assert client.get(reverse("guide:moderation_log")).status_code == HTTPStatus.OK


def test_comment_deletion_leaves_no_orphans(fan, busy_world):
    comment = busy_world["fans_comment"]
    log_before = ModerationAction.objects.count()
    client = Client()
    client.force_login(fan)
    response = client.post(reverse("guide:comment_delete", args=[comment.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert_consistent()
    assert not Report.objects.filter(comment_id=comment.pk).exists()
    assert ModerationAction.objects.count() == log_before


def test_moderation_keeps_rows_consistent(moderator, other_fan, busy_world):
    theory = busy_world["others_theory"]  # its season is released
    votes_before = Vote.objects.filter(theory=theory).count()
    log_before = ModerationAction.objects.count()

    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    assert_consistent()
    theory.refresh_from_db()
    assert theory.is_hidden
    assert Vote.objects.filter(theory=theory).count() == votes_before

    services.set_outcome(
        moderator=moderator,
        theory=theory,
        outcome=Outcome.CONFIRMED,
        note="It happened in episode 3.",
        source_url="https://example.com/recap",
    )
    assert_consistent()
    theory.refresh_from_db()
    assert theory.outcome == Outcome.CONFIRMED

    report_row = busy_world["report_by_fan"]
    services.close_report(moderator=moderator, report_row=report_row, dismissed=False)
    # Closing twice logs once and changes nothing the second time.
    services.close_report(moderator=moderator, report_row=report_row, dismissed=True)
    report_row.refresh_from_db()
    assert report_row.status == ReportStatus.RESOLVED
    assert report_row.resolved_by_id == moderator.pk
    assert_consistent()

    services.set_hidden(moderator=moderator, item=theory, hidden=False, reason="appeal")
    assert_consistent()

    kinds = list(
        ModerationAction.objects.order_by("pk").values_list("kind", flat=True)[log_before:]
    )
    # Hiding the theory resolved the fan's open report on it; closing it later is a no-op.
    assert kinds == [
        ModerationKind.HIDE,
        ModerationKind.RESOLVE_REPORT,
        ModerationKind.SET_OUTCOME,
        ModerationKind.RESTORE,
    ]
    assert all(
        action.moderator_id == moderator.pk
        for action in ModerationAction.objects.order_by("pk")[log_before:]
    )


def test_outcome_on_an_unreleased_season_changes_nothing(moderator, busy_world):
    theory = busy_world["fans_theory"]  # its season is not out yet
    log_before = ModerationAction.objects.count()
    with pytest.raises(services.SeasonNotReleasedError):
        services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.CONFIRMED)
    theory.refresh_from_db()
    assert theory.outcome == Outcome.OPEN
    assert ModerationAction.objects.count() == log_before
    assert_consistent()


@AUTOCOMMIT
def test_failed_moderation_is_all_or_nothing(moderator, busy_world):
    """If the log entry cannot be written, the hide is rolled back with it."""
    theory = busy_world["others_theory"]
    log_before = ModerationAction.objects.count()
    with database_raises(only=("INSERT",)), pytest.raises(OperationalError):
        services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="spam")
    assert not Theory.objects.get(pk=theory.pk).is_hidden
    assert ModerationAction.objects.count() == log_before
    assert_consistent()


@AUTOCOMMIT
def test_theory_deletion_during_an_outage_deletes_nothing(
    fan, other_fan, moderator, season, busy_world
):
    theory = _fans_deletable_theory(fan, other_fan, moderator, season)
    votes = Vote.objects.filter(theory=theory).count()
    client = Client()
    client.force_login(fan)
    with database_raises(only=("DELETE FROM",)):
        response = client.post(reverse("guide:theory_delete", args=[theory.pk]))
    assert_friendly_503(response)
    assert Theory.objects.filter(pk=theory.pk).exists()
    assert Vote.objects.filter(theory=theory).count() == votes
    assert_consistent()
