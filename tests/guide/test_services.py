"""guide.services: every multi-row write keeps the data consistent."""

import datetime

import pytest
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from guide import markdown, ranking, services
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
    CharacterFactory,
    CommentFactory,
    ReportFactory,
    SeasonFactory,
    TheoryFactory,
    VoteFactory,
    WatchProgressFactory,
)

pytestmark = pytest.mark.django_db


def assert_counts_exact(theory: Theory) -> Theory:
    """The stored counts and ranks agree with the vote rows, the source of truth."""
    theory = Theory.objects.get(pk=theory.pk)
    up = Vote.objects.filter(theory=theory, value=1).count()
    down = Vote.objects.filter(theory=theory, value=-1).count()
    assert (theory.upvotes, theory.downvotes, theory.score) == (up, down, up - down)
    assert theory.hot == ranking.hot(up - down, theory.created_at)
    assert theory.wilson == ranking.wilson_lower_bound(up, down)
    return theory


def released_season(**kwargs):
    return SeasonFactory(
        status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28), **kwargs
    )


# Votes ---------------------------------------------------------------------------------


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
        counts = services.cast_vote(user=user, theory=theory, value=value)
        assert (counts.upvotes, counts.downvotes, counts.score) == expected
        stored = assert_counts_exact(theory)
        assert (stored.upvotes, stored.downvotes, stored.score) == expected
        assert Vote.objects.filter(user=user, theory=theory).count() == (1 if value else 0)

    assert Vote.objects.get(user=other_fan, theory=theory).value == 1
    assert not Vote.objects.filter(user=fan, theory=theory).exists()


def test_cast_vote_moves_hot_and_wilson(fan, other_fan):
    theory = TheoryFactory()
    services.recount_votes(theory_ids=[theory.pk])
    before = assert_counts_exact(theory)

    services.cast_vote(user=fan, theory=theory, value=1)
    services.cast_vote(user=other_fan, theory=theory, value=1)
    after = assert_counts_exact(theory)
    assert after.wilson > before.wilson == 0
    assert after.hot > before.hot

    services.cast_vote(user=fan, theory=theory, value=-1)
    services.cast_vote(user=other_fan, theory=theory, value=-1)
    sunk = assert_counts_exact(theory)
    assert sunk.score == -2
    assert sunk.hot < before.hot
    assert sunk.wilson == 0


@pytest.mark.parametrize("value", [2, -2, 10, None, "1"])
def test_cast_vote_rejects_other_values(fan, value):
    theory = TheoryFactory()
    services.recount_votes(theory_ids=[theory.pk])
    with pytest.raises(ValueError, match=r"\+1, -1 or 0"):
        services.cast_vote(user=fan, theory=theory, value=value)
    assert not Vote.objects.exists()
    assert_counts_exact(theory)


def test_remove_votes_of_fixes_every_theory_the_fan_voted_on(fan, other_fan):
    theories = TheoryFactory.create_batch(3)
    untouched = TheoryFactory()
    for theory, value in zip(theories, (1, -1, 1), strict=True):
        services.cast_vote(user=fan, theory=theory, value=value)
        services.cast_vote(user=other_fan, theory=theory, value=1)
    services.cast_vote(user=other_fan, theory=untouched, value=-1)

    assert services.remove_votes_of(user=fan) == 3

    assert not Vote.objects.filter(user=fan).exists()
    assert Vote.objects.filter(user=other_fan).count() == 4
    for theory in theories:
        stored = assert_counts_exact(theory)
        assert (stored.upvotes, stored.downvotes) == (1, 0)
    assert assert_counts_exact(untouched).score == -1
    assert services.remove_votes_of(user=fan) == 0


def test_forget_fan_removes_votes_reports_and_progress(fan, other_fan):
    theories = TheoryFactory.create_batch(2)
    services.cast_vote(user=fan, theory=theories[0], value=-1)
    services.cast_vote(user=fan, theory=theories[1], value=1)
    services.cast_vote(user=other_fan, theory=theories[0], value=-1)
    ReportFactory(reporter=fan, theory=theories[1])
    kept_report = ReportFactory(reporter=other_fan, theory=theories[1])
    WatchProgressFactory(user=fan)
    own_theory = TheoryFactory(author=fan)

    services.forget_fan(user=fan)

    assert not Vote.objects.filter(user=fan).exists()
    first = assert_counts_exact(theories[0])
    assert (first.upvotes, first.downvotes) == (0, 1)
    assert assert_counts_exact(theories[1]).score == 0
    assert list(Report.objects.all()) == [kept_report]
    assert not WatchProgress.objects.filter(user=fan).exists()
    # Theories stay; the author link goes only when the user row is deleted.
    fan.delete()
    own_theory.refresh_from_db()
    assert own_theory.author is None


# Theories ------------------------------------------------------------------------------


def test_post_theory_sanitises_body_and_sets_slug_and_hot(fan):
    season = SeasonFactory()
    character = CharacterFactory(show=season.show)
    body = (
        "Nam-ra **survives**.\n\n<script>alert(1)</script>\n\n"
        '[see](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )

    theory = services.post_theory(
        author=fan,
        season=season,
        title="Nam-ra Leads The Half-Zombies!",
        body=body,
        characters=[character],
        spoiler_season=None,
    )

    stored = Theory.objects.get(pk=theory.pk)
    assert stored.body == body
    assert stored.body_html == markdown.render(body)
    assert "<strong>survives</strong>" in stored.body_html
    lowered = stored.body_html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert 'href="javascript:' not in lowered
    assert (
        stored.slug
        == slugify("Nam-ra Leads The Half-Zombies!")
        == ("nam-ra-leads-the-half-zombies")
    )
    assert stored.hot == ranking.hot(0, stored.created_at) != 0
    assert theory.hot == stored.hot
    assert list(stored.characters.all()) == [character]
    assert (stored.author, stored.season, stored.spoiler_season) == (fan, season, None)
    assert (stored.upvotes, stored.downvotes, stored.score, stored.wilson) == (0, 0, 0, 0)
    assert stored.outcome == Outcome.OPEN
    assert stored.edited_at is None


def test_spoiler_theory_gets_a_slug_that_does_not_give_its_title_away(fan):
    theory = services.post_theory(
        author=fan,
        season=SeasonFactory(),
        title="Cheong-san comes back as a half-zombie",
        body="x",
        spoiler_season=1,
    )
    assert theory.slug == "spoiler-theory"
    assert "cheong" not in theory.get_absolute_url()


def test_post_theory_with_unsluggable_title_gets_a_slug(fan):
    theory = services.post_theory(author=fan, season=SeasonFactory(), title="!!!", body="x")
    assert theory.slug == "theory"


def test_edit_theory_sets_edited_at_and_rerenders(fan):
    theory = TheoryFactory(author=fan)
    character = CharacterFactory(show=theory.season.show)
    before = timezone.now()

    services.edit_theory(
        theory=theory,
        title="A New Title",
        body="Now with *emphasis* <b>and tags</b>",
        characters=[character],
        spoiler_season=2,
    )

    stored = Theory.objects.get(pk=theory.pk)
    assert stored.edited_at is not None
    assert stored.edited_at >= before
    assert stored.title == "A New Title"
    # Now tagged as a spoiler, its address no longer carries the title.
    assert stored.slug == "spoiler-theory"
    assert stored.body_html == markdown.render("Now with *emphasis* <b>and tags</b>")
    assert "<em>emphasis</em>" in stored.body_html
    assert "<b>" not in stored.body_html
    assert stored.spoiler_season == 2
    assert list(stored.characters.all()) == [character]


def test_edit_theory_is_refused_once_the_season_is_released(fan):
    theory = TheoryFactory(author=fan, season=released_season(), title="Original")
    with pytest.raises(services.FrozenError):
        services.edit_theory(theory=theory, title="Rewritten history", body="I called it")
    stored = Theory.objects.get(pk=theory.pk)
    assert (stored.title, stored.edited_at) == ("Original", None)


def test_edit_theory_freezes_when_the_season_comes_out_later(fan):
    theory = TheoryFactory(author=fan)
    services.edit_theory(theory=theory, title="Before release", body="ok")
    season = theory.season
    season.status = SeasonStatus.RELEASED
    season.release_date = datetime.date(2026, 1, 1)
    season.save()
    theory = Theory.objects.select_related("season").get(pk=theory.pk)
    with pytest.raises(services.FrozenError):
        services.edit_theory(theory=theory, title="After release", body="changed")
    assert Theory.objects.get(pk=theory.pk).title == "Before release"


# Reports and moderation --------------------------------------------------------------


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
    theory = TheoryFactory(season=released_season())

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


def test_delete_theory_leaves_no_orphans_and_keeps_the_log(fan, other_fan, moderator):
    theory = TheoryFactory()
    other = TheoryFactory()
    services.cast_vote(user=fan, theory=theory, value=1)
    services.cast_vote(user=other_fan, theory=theory, value=-1)
    services.cast_vote(user=fan, theory=other, value=1)
    comment = CommentFactory(theory=theory)
    CommentFactory(theory=other)
    theory_report = services.report(reporter=fan, reason=ReportReason.SPAM, theory=theory)
    services.report(reporter=other_fan, reason=ReportReason.ABUSE, comment=comment)
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="Spam")
    services.set_hidden(moderator=moderator, item=comment, hidden=True, reason="Rude")
    services.close_report(moderator=moderator, report_row=theory_report, dismissed=False)
    theory_pk, comment_pk = theory.pk, comment.pk

    services.delete_theory(theory=theory)

    assert not Theory.objects.filter(pk=theory_pk).exists()
    assert Vote.objects.filter(theory_id=theory_pk).count() == 0
    assert Comment.objects.filter(theory_id=theory_pk).count() == 0
    assert Report.objects.filter(theory_id=theory_pk).count() == 0
    assert Report.objects.filter(comment_id=comment_pk).count() == 0
    assert Report.objects.count() == 0
    # The other theory is untouched.
    assert assert_counts_exact(other).upvotes == 1
    assert Comment.objects.filter(theory=other).count() == 1
    # The moderation log keeps every row, its labels, and loses only the links.
    # (Hiding resolved each item's open report; closing the theory's again changed nothing.)
    actions = list(ModerationAction.objects.order_by("pk"))
    assert [action.kind for action in actions] == [
        ModerationKind.HIDE,
        ModerationKind.RESOLVE_REPORT,
        ModerationKind.HIDE,
        ModerationKind.RESOLVE_REPORT,
    ]
    assert all(action.theory_id is None for action in actions)
    assert all(action.comment_id is None for action in actions)
    assert all(action.report_id is None for action in actions)
    assert [(action.target_kind, action.target_label) for action in actions] == [
        ("theory", f"#{theory_pk}"),
        ("theory", f"#{theory_pk}"),
        ("comment", f"#{comment_pk} (#{theory_pk})"),
        ("comment", f"#{comment_pk} (#{theory_pk})"),
    ]
    assert all(action.moderator == moderator for action in actions)


# Ordering ------------------------------------------------------------------------------


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
    for theory in (perfect_few, good_many, unvoted, disliked):
        assert_counts_exact(theory)

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
        theories[title] = assert_counts_exact(theory)

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
    services.cast_vote(user=fan, theory=second, value=-1)
    services.cast_vote(user=other_fan, theory=second, value=-1)
    assert list(Theory.objects.hot()) == [first, second]
    services.cast_vote(user=fan, theory=first, value=-1)
    services.cast_vote(user=other_fan, theory=first, value=-1)
    services.cast_vote(user=fan, theory=second, value=1)
    services.cast_vote(user=other_fan, theory=second, value=1)
    assert list(Theory.objects.hot()) == [second, first]
    for theory in (first, second):
        assert_counts_exact(theory)


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
