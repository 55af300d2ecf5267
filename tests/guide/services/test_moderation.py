"""guide.services for reports and moderation: each decision is logged once, and only once."""

import pytest

from guide import services
from guide.models import (
    Comment,
    ModerationAction,
    ModerationKind,
    Outcome,
    Report,
    ReportReason,
    ReportStatus,
    Theory,
)
from tests.factories import CommentFactory, ReleasedSeasonFactory, ReportFactory, TheoryFactory

pytestmark = pytest.mark.django_db


def test_report_refuses_a_duplicate_open_report_until_it_is_closed(fan, moderator):
    theory = TheoryFactory()
    first = services.report(reporter=fan, reason=ReportReason.SPAM, theory=theory)
    assert first.status == ReportStatus.OPEN

    with pytest.raises(services.DuplicateReportError):
        services.report(reporter=fan, reason=ReportReason.ABUSE, theory=theory)
    assert Report.objects.count() == 1

    services.close_report(moderator=moderator, report_row=first, dismissed=True)
    second = services.report(reporter=fan, reason=ReportReason.ABUSE, note="Again", theory=theory)

    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == ReportStatus.DISMISSED
    assert first.resolved_by == moderator
    assert first.resolved_at is not None
    assert Report.objects.filter(status=ReportStatus.OPEN).get() == second


def test_report_on_a_comment_refuses_a_duplicate(fan, other_fan, moderator):
    comment = CommentFactory()
    first = services.report(reporter=fan, reason=ReportReason.SPOILER, comment=comment)
    with pytest.raises(services.DuplicateReportError):
        services.report(reporter=fan, reason=ReportReason.SPAM, comment=comment)
    # Another fan, or the same fan on the comment's theory, is a different report.
    services.report(reporter=other_fan, reason=ReportReason.SPAM, comment=comment)
    services.report(reporter=fan, reason=ReportReason.SPAM, theory=comment.theory)
    services.close_report(moderator=moderator, report_row=first, dismissed=False)
    services.report(reporter=fan, reason=ReportReason.SPAM, comment=comment)
    assert Report.objects.count() == 4


@pytest.mark.parametrize("hidden", [True, False])
def test_set_hidden_on_a_theory_logs_one_action(moderator, hidden):
    theory = TheoryFactory(is_hidden=not hidden)

    services.set_hidden(moderator=moderator, item=theory, hidden=hidden, reason="Off topic")

    assert Theory.objects.get(pk=theory.pk).is_hidden is hidden
    assert theory.is_hidden is hidden
    action = ModerationAction.objects.get()
    assert action.moderator == moderator
    assert action.kind == (ModerationKind.HIDE if hidden else ModerationKind.RESTORE)
    assert action.theory == theory
    assert action.comment is None
    assert (action.target_kind, action.target_label) == ("theory", f"#{theory.pk}")
    assert action.reason == "Off topic"


def test_set_hidden_on_a_comment_logs_one_action(moderator):
    comment = CommentFactory()

    services.set_hidden(moderator=moderator, item=comment, hidden=True, reason="Abuse")

    assert Comment.objects.get(pk=comment.pk).is_hidden
    action = ModerationAction.objects.get()
    assert (action.moderator, action.kind, action.comment, action.theory) == (
        moderator,
        ModerationKind.HIDE,
        comment,
        None,
    )
    assert (action.target_kind, action.target_label) == (
        "comment",
        f"#{comment.pk} (#{comment.theory_id})",
    )
    assert action.reason == "Abuse"


@pytest.mark.parametrize(
    ("dismissed", "kind", "status"),
    [
        (True, ModerationKind.DISMISS_REPORT, ReportStatus.DISMISSED),
        (False, ModerationKind.RESOLVE_REPORT, ReportStatus.RESOLVED),
    ],
)
def test_close_report_logs_one_action_and_only_once(moderator, dismissed, kind, status):
    report = ReportFactory(reason=ReportReason.SPOILER)

    services.close_report(
        moderator=moderator, report_row=report, dismissed=dismissed, reason="Checked"
    )
    # Closing it again (a second moderator, a double submit) changes and logs nothing.
    services.close_report(moderator=moderator, report_row=report, dismissed=not dismissed)

    report.refresh_from_db()
    assert report.status == status
    action = ModerationAction.objects.get()
    assert action.moderator == moderator
    assert action.kind == kind
    assert action.report == report
    assert action.theory == report.theory
    assert (action.target_kind, action.target_label) == ("theory", f"#{report.theory_id}")
    assert action.reason == "Checked"
    assert action.detail == ReportReason.SPOILER
    assert action.detail_label == ReportReason.SPOILER.label


def test_set_outcome_logs_one_action(moderator):
    theory = TheoryFactory(season=ReleasedSeasonFactory())

    services.set_outcome(
        moderator=moderator,
        theory=theory,
        outcome=Outcome.CONFIRMED,
        note="Episode 3 shows it",
        source_url="https://example.com/recap",
    )

    stored = Theory.objects.get(pk=theory.pk)
    assert stored.outcome == Outcome.CONFIRMED
    assert stored.outcome_note == "Episode 3 shows it"
    assert stored.outcome_source_url == "https://example.com/recap"
    assert stored.outcome_set_at is not None
    action = ModerationAction.objects.get()
    assert action.moderator == moderator
    assert action.kind == ModerationKind.SET_OUTCOME
    assert action.theory == theory
    assert (action.target_kind, action.target_label) == ("theory", f"#{theory.pk}")
    assert action.reason == "Episode 3 shows it"
    assert action.detail == Outcome.CONFIRMED
    assert action.detail_label == Outcome.CONFIRMED.label


@pytest.mark.parametrize("outcome", [Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED])
def test_set_outcome_refuses_a_verdict_before_release(moderator, outcome):
    theory = TheoryFactory()  # an announced season
    with pytest.raises(services.SeasonNotReleasedError):
        services.set_outcome(moderator=moderator, theory=theory, outcome=outcome)
    assert Theory.objects.get(pk=theory.pk).outcome == Outcome.OPEN
    assert not ModerationAction.objects.exists()


def test_set_outcome_may_reopen_before_release_and_rejects_unknown(moderator):
    theory = TheoryFactory()
    services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.OPEN)
    assert ModerationAction.objects.count() == 1
    with pytest.raises(ValueError, match="maybe"):
        services.set_outcome(moderator=moderator, theory=theory, outcome="maybe")
    assert ModerationAction.objects.count() == 1
