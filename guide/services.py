"""Every write that touches several rows: atomic, keyword-only, typed."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core import freshness
from guide import markdown, ranking, topics
from guide.models import (
    Character,
    Comment,
    ModerationAction,
    ModerationKind,
    ModerationTarget,
    Outcome,
    Report,
    ReportStatus,
    Season,
    Show,
    Theory,
    Vote,
    WatchProgress,
)


class FrozenError(Exception):
    """The theory's season is out: it can no longer change or go."""


# Votes -------------------------------------------------------------------------------


def _tally(votes) -> dict:
    return votes.aggregate(
        upvotes=Count("pk", filter=Q(value=1)), downvotes=Count("pk", filter=Q(value=-1))
    )


def recount_votes(*, theory_ids) -> None:
    """Recompute counts from the vote rows (the source of truth), then the stored ranks."""
    theories = list(Theory.objects.filter(pk__in=list(theory_ids)).only("pk", "created_at"))
    tallies = {
        row["theory_id"]: row
        for row in Vote.objects.filter(theory__in=theories)
        .values("theory_id")
        .annotate(upvotes=Count("pk", filter=Q(value=1)), downvotes=Count("pk", filter=Q(value=-1)))
    }
    for theory in theories:
        tally = tallies.get(theory.pk, {"upvotes": 0, "downvotes": 0})
        fields = ranking.vote_fields(
            upvotes=tally["upvotes"], downvotes=tally["downvotes"], created=theory.created_at
        )
        for name, value in fields.items():
            setattr(theory, name, value)
    Theory.objects.bulk_update(theories, ["upvotes", "downvotes", "score", "hot", "wilson"])


@dataclass(frozen=True)
class VoteCounts:
    upvotes: int
    downvotes: int

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes


@transaction.atomic
def cast_vote(*, user, theory: Theory, value: int) -> VoteCounts:
    """Vote up (+1), down (-1) or clear (0). Idempotent; counts move with the vote row.

    Four statements on the hot path: lock the theory row (concurrent voters on it queue
    here; SQLite's IMMEDIATE transactions serialise anyway), upsert or delete the vote,
    count the theory's vote rows, and write counts and ranks in one UPDATE. Under the
    lock the count cannot go stale before it is written.
    """
    if value not in (1, -1, 0):
        raise ValueError("A vote is +1, -1 or 0.")
    created_at = (
        Theory.objects.select_for_update().values_list("created_at", flat=True).get(pk=theory.pk)
    )
    if value == 0:
        Vote.objects.filter(user=user, theory_id=theory.pk).delete()
    else:
        Vote.objects.bulk_create(
            [Vote(user=user, theory_id=theory.pk, value=value)],
            update_conflicts=True,
            unique_fields=["user", "theory"],
            update_fields=["value"],
        )
    counts = VoteCounts(**_tally(Vote.objects.filter(theory_id=theory.pk)))
    Theory.objects.filter(pk=theory.pk).update(
        **ranking.vote_fields(
            upvotes=counts.upvotes, downvotes=counts.downvotes, created=created_at
        )
    )
    return counts


@transaction.atomic
def remove_votes_of(*, user) -> int:
    """Delete a fan's votes and fix the counts they fed. Returns how many went."""
    theory_ids = list(
        Theory.objects.select_for_update()
        .filter(votes__user=user)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    deleted, _ = Vote.objects.filter(user=user).delete()
    recount_votes(theory_ids=theory_ids)
    return deleted


# Theories and comments ------------------------------------------------------------------


def theory_text_fields(*, title: str, body: str, spoiler_season: int | None) -> dict:
    """A theory's stored derivations of its text: rendered HTML, search text and slug."""
    draft = Theory(title=title, body=body, spoiler_season=spoiler_season)
    return {
        "body_html": markdown.render(body),
        "search_text": draft.searchable_text(),
        "slug": draft.make_slug(),
    }


@transaction.atomic
def post_theory(
    *,
    author,
    season: Season,
    title: str,
    body: str,
    characters: list[Character] | tuple = (),
    spoiler_season: int | None = None,
) -> Theory:
    freshness.touch(topics.THEORIES, topics.THEORY_TEXTS)
    theory = Theory.objects.create(
        author=author,
        season=season,
        title=title,
        body=body,
        spoiler_season=spoiler_season,
        **theory_text_fields(title=title, body=body, spoiler_season=spoiler_season),
    )
    theory.characters.set(characters)
    # A new theory starts with no votes; its hot rank is its age alone.
    Theory.objects.filter(pk=theory.pk).update(hot=ranking.hot(0, theory.created_at))
    theory.refresh_from_db(fields=["hot"])
    return theory


@transaction.atomic
def edit_theory(
    *,
    theory: Theory,
    title: str,
    body: str,
    characters: list[Character] | tuple = (),
    spoiler_season: int | None = None,
) -> Theory:
    freshness.touch(*_edit_topics(theory, title, spoiler_season, characters))
    if theory.is_frozen:
        raise FrozenError
    theory.title = title
    theory.body = body
    theory.spoiler_season = spoiler_season
    for name, value in theory_text_fields(
        title=title, body=body, spoiler_season=spoiler_season
    ).items():
        setattr(theory, name, value)
    theory.edited_at = timezone.now()
    fields = ["title", "slug", "body", "body_html", "search_text", "spoiler_season", "edited_at"]
    theory.save(update_fields=fields)
    theory.characters.set(characters)
    return theory


@transaction.atomic
def delete_theory(*, theory: Theory) -> None:
    if theory.is_frozen:
        # Deleting a theory that missed would polish its author's prediction record.
        raise FrozenError
    freshness.touch(*topics.theory_anywhere(theory.pk))
    # Votes, comments and reports go with it (CASCADE); the moderation log keeps its
    # label and loses only the link.
    theory.delete()


@transaction.atomic
def post_comment(
    *, author, theory: Theory, body: str, spoiler_season: int | None = None
) -> Comment:
    freshness.touch(topics.theory(theory.pk))
    return Comment.objects.create(
        author=author,
        theory=theory,
        body=body,
        body_html=markdown.render(body),
        spoiler_season=spoiler_season,
    )


@transaction.atomic
def edit_comment(*, comment: Comment, body: str, spoiler_season: int | None = None) -> Comment:
    freshness.touch(topics.theory(comment.theory_id))
    comment.body = body
    comment.body_html = markdown.render(body)
    comment.spoiler_season = spoiler_season
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "spoiler_season", "edited_at"])
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment) -> None:
    freshness.touch(topics.theory(comment.theory_id))
    comment.delete()


def _edit_topics(theory: Theory, title: str, spoiler_season, characters) -> tuple[str, ...]:
    """An edit changes the theory's page and its text; the listings only when its card
    changes (title, spoiler tag) or where it is listed (its characters)."""
    edited = (topics.theory(theory.pk), topics.THEORY_TEXTS)
    card = (theory.title, theory.spoiler_season) != (title, spoiler_season)
    listed = set(theory.characters.values_list("pk", flat=True)) != {c.pk for c in characters}
    return (*edited, topics.THEORIES) if card or listed else edited


def _topics_of(item: Theory | Comment) -> tuple[str, ...]:
    """The pages a theory or a comment appears on."""
    if isinstance(item, Theory):
        return topics.theory_anywhere(item.pk)
    return (topics.theory(item.theory_id),)


# Reports and moderation --------------------------------------------------------------


class DuplicateReportError(Exception):
    """The fan already has an open report on this item."""


@transaction.atomic
def report(
    *,
    reporter,
    reason: str,
    note: str = "",
    theory: Theory | None = None,
    comment: Comment | None = None,
) -> Report:
    # The database holds "one open report per fan and item"; a double submit that races
    # past any check in Python still meets the unique constraint.
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, reason=reason, note=note, theory=theory, comment=comment
            )
    except IntegrityError as error:
        raise DuplicateReportError from error


def _label(item) -> str:
    if isinstance(item, Theory):
        return f"#{item.pk}"
    return f"#{item.pk} (#{item.theory_id})"


def _log(*, moderator, kind: str, item=None, report_row=None, detail: str = "", reason: str = ""):
    target = item if item is not None else (report_row.target if report_row else None)
    return ModerationAction.objects.create(
        moderator=moderator,
        kind=kind,
        theory=target if isinstance(target, Theory) else None,
        comment=target if isinstance(target, Comment) else None,
        report=report_row,
        target_kind=ModerationTarget.THEORY
        if isinstance(target, Theory)
        else ModerationTarget.COMMENT,
        target_label=_label(target) if target is not None else "",
        detail=detail,
        reason=reason,
    )


@transaction.atomic
def set_hidden(*, moderator, item: Theory | Comment, hidden: bool, reason: str = "") -> None:
    """Hide or restore a theory or comment, and record who did it and why."""
    freshness.touch(*_topics_of(item), topics.MODERATION_LOG)
    type(item).objects.filter(pk=item.pk).update(is_hidden=hidden)
    item.is_hidden = hidden
    _log(
        moderator=moderator,
        kind=ModerationKind.HIDE if hidden else ModerationKind.RESTORE,
        item=item,
        reason=reason,
    )


@transaction.atomic
def close_report(*, moderator, report_row: Report, dismissed: bool, reason: str = "") -> None:
    freshness.touch(topics.MODERATION_LOG)
    updated = Report.objects.filter(pk=report_row.pk, status=ReportStatus.OPEN).update(
        status=ReportStatus.DISMISSED if dismissed else ReportStatus.RESOLVED,
        resolved_by=moderator,
        resolved_at=timezone.now(),
    )
    if updated:
        _log(
            moderator=moderator,
            kind=ModerationKind.DISMISS_REPORT if dismissed else ModerationKind.RESOLVE_REPORT,
            report_row=report_row,
            detail=report_row.reason,
            reason=reason,
        )


class SeasonNotReleasedError(Exception):
    """Outcomes are set only once the season has aired."""


@transaction.atomic
def set_outcome(
    *, moderator, theory: Theory, outcome: str, note: str = "", source_url: str = ""
) -> None:
    freshness.touch(topics.theory(theory.pk), topics.THEORIES, topics.MODERATION_LOG)
    if outcome not in Outcome.values:
        raise ValueError(outcome)
    if not theory.may_settle_as(outcome):
        raise SeasonNotReleasedError
    Theory.objects.filter(pk=theory.pk).update(
        outcome=outcome,
        outcome_note=note,
        outcome_source_url=source_url,
        outcome_set_at=timezone.now(),
    )
    theory.outcome = outcome
    _log(
        moderator=moderator,
        kind=ModerationKind.SET_OUTCOME,
        item=theory,
        detail=outcome,
        reason=note,
    )


# Accounts' traces -------------------------------------------------------------------------


@transaction.atomic
def forget_fan(*, user) -> None:
    """Everything an account deletion must do in the guide before the user row goes.

    Votes go, with the counts they fed. Theories and comments stay, shown as by a
    deleted fan (their author becomes NULL when the user row is deleted).
    """
    freshness.touch(*topics.fan_names(user.pk))
    remove_votes_of(user=user)
    Report.objects.filter(reporter=user).delete()
    WatchProgress.objects.filter(user=user).delete()


@transaction.atomic
def save_progress(*, user, show: Show, seasons_watched: int) -> None:
    WatchProgress.objects.update_or_create(
        user=user, show=show, defaults={"seasons_watched": seasons_watched}
    )
