"""Every write that touches several rows: atomic, keyword-only, typed."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import batched, groupby
from operator import itemgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Lower, Now
from django.db.transaction import TransactionManagementError
from django.dispatch import Signal
from django.utils import timezone

from core import freshness, prepared
from core.errors import AccountGone
from core.prepared import PreparedQuery
from guide import boards, markdown, permissions, ranking, scoring, topics
from guide.models import (
    Bookmark,
    Character,
    Comment,
    CommentVote,
    CrowdBucket,
    CrowdDay,
    FanFollow,
    Follow,
    Forecast,
    ForecastBoardRow,
    ForecastScore,
    MailChoice,
    MailPreference,
    ModerationAction,
    ModerationKind,
    ModerationTarget,
    NewsChange,
    Notification,
    NotificationKind,
    Outcome,
    Prediction,
    Report,
    ReportStatus,
    Resolution,
    Revision,
    Season,
    SeasonFollow,
    SentMail,
    Show,
    ShowFollow,
    Theory,
    TheoryBoardRow,
    TheoryImage,
    Vote,
    WatchProgress,
)


class FrozenError(Exception):
    """The theory's season is out: it can no longer change or go."""


class WithdrawnError(Exception):
    """Its author withdrew the theory: it takes no more votes, comments, reports or edits."""


def _hold_open_theory(theory_id: int, *, key: bool = False):
    """Lock the theory's row until the transaction ends and return its withdrawal time.

    A write that adds a row pointing at the theory (a vote, a comment, a report) takes
    the row first, with `key=False`; deleting the theory takes it with `key=True`. So a
    deletion either sees the new row and withdraws the theory instead, or goes first and
    the write finds it gone or withdrawn. Theory.DoesNotExist if it is gone.
    """
    theories = Theory.objects.select_for_update(no_key=not key).filter(pk=theory_id)
    return theories.values_list("withdrawn_at", flat=True).get()


# The fan behind a write ---------------------------------------------------------------


def hold_fan(user) -> None:
    """Lock the fan's user row until the transaction ends; AccountGone if it is gone
    (hold_fan_by_id when only the id is at hand).

    Every write that adds a row pointing at the fan starts here. Account deletion takes
    the same row first (accounts.services.delete_account), so either the write finishes
    first and its rows go with the account, or the deletion does and the write finds no
    account, instead of a foreign key failing at commit.
    """
    hold_fan_by_id(user.pk)


def hold_fan_by_id(user_id: int) -> None:
    # Written out rather than built by the ORM: every write, and so every vote, runs it,
    # and building the query cost twice what running it did. The ORM's select_for_update
    # takes the same lock, and none where the database has no row locks (SQLite, whose
    # writes take the whole database).
    if not connection.in_atomic_block:  # as select_for_update would refuse
        raise TransactionManagementError("hold_fan holds the row until a transaction ends.")
    users = get_user_model()._meta
    lock = ""
    if connection.features.has_select_for_update:
        lock = connection.ops.for_update_sql(
            no_key=connection.features.has_select_for_no_key_update
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {connection.ops.quote_name(users.db_table)} "  # noqa: S608 - names from the model
            f"WHERE {connection.ops.quote_name(users.pk.column)} = %s {lock}",
            [user_id],
        )
        if cursor.fetchone() is None:
            raise AccountGone


# Votes -------------------------------------------------------------------------------


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


class OwnTheoryVoteError(Exception):
    """Nobody votes on their own theory (guide.permissions.can_vote)."""


@dataclass(frozen=True)
class VoteCounts:
    upvotes: int
    downvotes: int

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes


@transaction.atomic
def cast_vote(*, user, theory_id: int, value: int) -> VoteCounts:
    """Vote up (+1), down (-1) or clear (0) on a theory the fan may see
    (Theory.DoesNotExist if they may not). Idempotent; counts move with the vote row.

    An author cannot vote on their own theory (OwnTheoryVoteError), but may clear a vote
    cast before that rule. Nobody votes on a withdrawn theory (WithdrawnError).

    Four statements, none of which grows with the theory's votes, as votes are the
    busiest write: hold the fan's row (hold_fan); lock the theory's row and read in the
    same statement whether the fan may see it, its counts and the fan's vote on it
    (concurrent voters on it queue here; SQLite's IMMEDIATE transactions serialise
    anyway); upsert or delete that vote; write the moved counts and ranks in one UPDATE.
    Under the lock no other vote on the theory can land in between, so the counts stay
    equal to the vote rows (selectors.vote_count_mismatches checks it). The fan's own
    vote may be read in the statement that waits for the lock, as its snapshot is taken
    before the wait: only the fan's own writes move it, and hold_fan queues those.
    """
    if value not in (1, -1, 0):
        raise ValueError("A vote is +1, -1 or 0.")
    hold_fan(user)
    held = _THEORY_TO_VOTE_ON.first(
        permissions.reader_kind(user), theory_id=theory_id, user_id=user.pk
    )
    if held is None:
        raise Theory.DoesNotExist
    author_id, created_at, withdrawn_at, upvotes, downvotes, before = held
    before = before or 0  # no vote yet
    theory = Theory(pk=theory_id, author_id=author_id, withdrawn_at=withdrawn_at)
    if not permissions.is_open(theory):
        raise WithdrawnError
    if value and not permissions.can_vote(user, theory):
        raise OwnTheoryVoteError
    counts = VoteCounts(upvotes=upvotes, downvotes=downvotes)
    if value == before:
        return counts
    counts = _record_vote(
        Vote,
        user_id=user.pk,
        item_id=theory_id,
        value=value,
        before=before,
        counts=counts,
    )
    _THEORY_VOTE_COUNTS.run(
        theory_id=theory_id,
        **ranking.vote_fields(
            upvotes=counts.upvotes, downvotes=counts.downvotes, created=created_at
        ),
    )
    return counts


def _theory_to_vote_on(reader: permissions.Reader, *, theory_id: int, user_id: int):
    """cast_vote's locking read: the theory's row if the reader may see it, its counts and
    the reader's vote on it."""
    mine = Vote.objects.filter(user_id=user_id, theory=OuterRef("pk")).values("value")
    return (
        Theory.objects.visible_as(reader, user_id=user_id)
        .select_for_update(no_key=True, of=("self",))
        .filter(pk=theory_id)
        .annotate(before=Subquery(mine))
        .values_list("author_id", "created_at", "withdrawn_at", "upvotes", "downvotes", "before")
    )


# Built once per reader kind: building it cost more than running it, on the busiest write.
_THEORY_TO_VOTE_ON = PreparedQuery(_theory_to_vote_on)


# What a vote row is cast on: the field that, with its fan, makes it one of a kind.
_VOTED = {Vote: "theory", CommentVote: "comment"}


def _vote_saved(model, *, user_id: int, item_id: int, value: int):
    """A fan's vote row (a `model`) made `value`: inserted, or changed where there is one."""
    item = _VOTED[model]
    return prepared.upsert(
        model,
        unique=("user", item),
        update=("value",),
        user_id=user_id,
        value=value,
        created_at=Now(),
        **{f"{item}_id": item_id},
    )


def _vote_cleared(model, *, user_id: int, item_id: int):
    """A fan's vote row deleted: nothing points at a vote row and no signal watches it,
    so in one statement."""
    return prepared.deletion(
        model.objects.filter(user_id=user_id, **{f"{_VOTED[model]}_id": item_id})
    )


# Built when first run, once per kind of vote row (the shape): not when this module loads.
_VOTE_SAVED = PreparedQuery(_vote_saved)
_VOTE_CLEARED = PreparedQuery(_vote_cleared)


def _record_vote(
    model, *, user_id: int, item_id: int, value: int, before: int, counts: VoteCounts
) -> VoteCounts:
    """The fan's vote on the item (now `before`: 0 for none) made `value`, which differs:
    deleted for 0, else inserted or changed in one upsert. Returns the counts the move
    makes of `counts`. Call with the voted item's row locked, as the counts and `before`
    are read."""
    if value == 0:
        _VOTE_CLEARED.run(model, user_id=user_id, item_id=item_id)
    else:
        _VOTE_SAVED.run(model, user_id=user_id, item_id=item_id, value=value)
    return VoteCounts(
        upvotes=counts.upvotes + (value == 1) - (before == 1),
        downvotes=counts.downvotes + (value == -1) - (before == -1),
    )


def _theory_vote_counts(
    shape, *, theory_id: int, upvotes: int, downvotes: int, score: int, hot: float, wilson: float
):
    """The counts and ranks a vote moves (ranking.vote_fields), in one UPDATE."""
    return prepared.update(
        Theory.objects.filter(pk=theory_id),
        upvotes=upvotes,
        downvotes=downvotes,
        score=score,
        hot=hot,
        wilson=wilson,
    )


def _comment_vote_counts(shape, *, comment_id: int, upvotes: int, downvotes: int, score: int):
    """The counts a comment vote moves, in one UPDATE."""
    return prepared.update(
        Comment.objects.filter(pk=comment_id), upvotes=upvotes, downvotes=downvotes, score=score
    )


_THEORY_VOTE_COUNTS = PreparedQuery(_theory_vote_counts)
_COMMENT_VOTE_COUNTS = PreparedQuery(_comment_vote_counts)


class CommentGone(Exception):
    """The comment was deleted or hidden while the fan acted on it."""


class OwnCommentVoteError(Exception):
    """Nobody votes on their own comment (guide.permissions.can_vote)."""


@transaction.atomic
def cast_comment_vote(*, user, comment_id: int, value: int) -> VoteCounts:
    """Vote on a comment the fan may see (Comment.DoesNotExist if they may not) up (+1),
    down (-1) or clear (0), in the same four statements as on a theory (cast_vote):
    never on one's own, nor on a hidden or deleted comment (CommentGone), nor on one of
    a withdrawn theory."""
    if value not in (1, -1, 0):
        raise ValueError("A vote is +1, -1 or 0.")
    hold_fan(user)
    held = _COMMENT_TO_VOTE_ON.first(
        permissions.reader_kind(user), comment_id=comment_id, user_id=user.pk
    )
    if held is None:
        raise Comment.DoesNotExist
    author_id, deleted_at, is_hidden, withdrawn_at, upvotes, downvotes, before = held
    before = before or 0  # no vote yet
    if deleted_at is not None or is_hidden:  # a moderator sees it, but it takes no votes
        raise CommentGone
    if withdrawn_at is not None:
        raise WithdrawnError
    if value and not permissions.can_vote(user, Comment(pk=comment_id, author_id=author_id)):
        raise OwnCommentVoteError
    counts = VoteCounts(upvotes=upvotes, downvotes=downvotes)
    if value == before:
        return counts
    counts = _record_vote(
        CommentVote,
        user_id=user.pk,
        item_id=comment_id,
        value=value,
        before=before,
        counts=counts,
    )
    _COMMENT_VOTE_COUNTS.run(
        comment_id=comment_id,
        upvotes=counts.upvotes,
        downvotes=counts.downvotes,
        score=counts.score,
    )
    return counts


def _comment_to_vote_on(reader: permissions.Reader, *, comment_id: int, user_id: int):
    """cast_comment_vote's locking read, as _theory_to_vote_on's."""
    mine = CommentVote.objects.filter(user_id=user_id, comment=OuterRef("pk")).values("value")
    return (
        Comment.objects.visible_as(reader, user_id=user_id)
        .filter(theory__in=Theory.objects.visible_as(reader, user_id=user_id), pk=comment_id)
        .select_for_update(no_key=True, of=("self",))
        .annotate(before=Subquery(mine))
        .values_list(
            "author_id",
            "deleted_at",
            "is_hidden",
            "theory__withdrawn_at",
            "upvotes",
            "downvotes",
            "before",
        )
    )


_COMMENT_TO_VOTE_ON = PreparedQuery(_comment_to_vote_on)


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
    comment_ids = list(
        Comment.objects.select_for_update()
        .filter(votes__user=user)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    deleted += CommentVote.objects.filter(user=user).delete()[0]
    _recount_comment_votes(comment_ids)
    return deleted


def _recount_comment_votes(comment_ids) -> None:
    """Comments' counts from their vote rows (the source of truth)."""
    comments = Comment.objects.filter(pk__in=comment_ids).annotate(
        up=Count("votes", filter=Q(votes__value=1)), down=Count("votes", filter=Q(votes__value=-1))
    )
    for comment in comments:
        comment.upvotes, comment.downvotes, comment.score = (
            comment.up,
            comment.down,
            comment.up - comment.down,
        )
    Comment.objects.bulk_update(comments, ["upvotes", "downvotes", "score"])


# Theories and comments ------------------------------------------------------------------


def theory_text_fields(
    *, title: str, body: str, spoiler_season: int | None, spoiler_free_title: str = ""
) -> dict:
    """A theory's stored derivations of its text: rendered HTML, search text and slug."""
    draft = Theory(
        title=title,
        body=body,
        spoiler_season=spoiler_season,
        spoiler_free_title=spoiler_free_title,
    )
    return {
        "body_html": markdown.render(body),
        "excerpt": markdown.to_plain_text(body, limit=markdown.EXCERPT_LENGTH),
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
    spoiler_free_title: str = "",
    language: str = "en",
) -> Theory:
    hold_fan(author)
    freshness.touch(topics.THEORIES, topics.THEORY_TEXTS)
    text = {
        "title": title,
        "body": body,
        "spoiler_season": spoiler_season,
        "spoiler_free_title": spoiler_free_title,
    }
    theory = Theory.objects.create(
        author=author, season=season, language=language, **text, **theory_text_fields(**text)
    )
    theory.characters.set(characters)
    # A new theory starts with no votes; its hot rank is its age alone.
    Theory.objects.filter(pk=theory.pk).update(hot=ranking.hot(0, theory.created_at))
    theory.refresh_from_db(fields=["hot"])
    follow(user=author, theory=theory)  # its author hears of every comment on it
    theory_posted.send(sender=Theory, theory=theory)
    return theory


@transaction.atomic
def edit_theory(
    *,
    theory: Theory,
    title: str,
    body: str,
    characters: list[Character] | tuple = (),
    spoiler_season: int | None = None,
    spoiler_free_title: str = "",
    language: str | None = None,
) -> Theory:
    """A fan's new wording of their theory; `language` None keeps the one it has."""
    language = language or theory.language
    freshness.touch(*_edit_topics(theory, title, spoiler_season, characters, language))
    if theory.is_frozen:
        raise FrozenError
    if _hold_open_theory(theory.pk) is not None:
        raise WithdrawnError
    now = _begin_edit(theory, title=title, body=body, spoiler_season=spoiler_season)
    text = {
        "title": title,
        "body": body,
        "spoiler_season": spoiler_season,
        "spoiler_free_title": spoiler_free_title,
    }
    fields = {**text, **theory_text_fields(**text), "language": language, "edited_at": now}
    for name, value in fields.items():
        setattr(theory, name, value)
    theory.save(update_fields=list(fields))
    theory.characters.set(characters)
    return theory


@transaction.atomic
def delete_theory(*, theory: Theory) -> bool:
    """The author takes their theory down. Returns True if it was withdrawn, not deleted.

    A theory that holds what others wrote or reported (Theory.others_have_a_stake) is
    withdrawn: it keeps its page, other fans' comments and every report, so that
    deleting cannot make a report vanish nor take other fans' words with it; its text
    stays for the moderators, and it leaves every listing. Any other theory is deleted,
    its votes and its author's own comments with it (CASCADE); the moderation log keeps
    its label and loses only the link.
    """
    if theory.is_frozen:
        # Deleting a theory that missed would polish its author's prediction record.
        raise FrozenError
    freshness.touch(*topics.theory_anywhere(theory.pk), topics.MODERATION_LOG)
    try:
        withdrawn_at = _hold_open_theory(theory.pk, key=True)
    except Theory.DoesNotExist:  # a second click: it went with the first
        return False
    if withdrawn_at is not None:
        raise WithdrawnError
    if not theory.others_have_a_stake():
        theory.delete()
        return False
    theory.withdrawn_at = timezone.now()
    Theory.objects.filter(pk=theory.pk).update(withdrawn_at=theory.withdrawn_at)
    return True


class ReplyTargetGone(Exception):
    """The comment being answered was deleted while the fan wrote the reply."""


class ThreadTooDeep(Exception):
    """A thread goes MAX_DEPTH replies deep at most: answer higher up."""


MAX_DEPTH = 500


@transaction.atomic
def post_comment(
    *,
    author,
    theory: Theory,
    body: str,
    spoiler_season: int | None = None,
    parent: Comment | None = None,
) -> Comment:
    """A comment on the theory, or with `parent` a reply to one of its comments."""
    hold_fan(author)
    if _hold_open_theory(theory.pk) is not None:
        raise WithdrawnError
    depth = 0
    if parent is not None:
        # Held like the theory: its deletion waits for the reply, or goes first.
        parent_depth = (
            Comment.objects.select_for_update(no_key=True)
            .filter(pk=parent.pk, theory_id=theory.pk, deleted_at=None)
            .values_list("depth", flat=True)
            .first()
        )
        if parent_depth is None:
            raise ReplyTargetGone
        if parent_depth >= MAX_DEPTH:
            raise ThreadTooDeep
        depth = parent_depth + 1
    freshness.touch(topics.theory(theory.pk))
    comment = Comment.objects.create(
        author=author,
        theory=theory,
        parent=parent,
        depth=depth,
        body=body,
        body_html=_render_comment(body),
        spoiler_season=spoiler_season,
    )
    comment_posted.send(sender=Comment, comment=comment)
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, body: str, spoiler_season: int | None = None) -> Comment:
    freshness.touch(topics.theory(comment.theory_id))
    now = _begin_edit(comment, body=body, spoiler_season=spoiler_season)
    comment.body = body
    comment.body_html = _render_comment(body)
    comment.spoiler_season = spoiler_season
    comment.edited_at = now
    comment.save(update_fields=["body", "body_html", "spoiler_season", "edited_at"])
    comment_edited.send(sender=Comment, comment=comment)
    return comment


def mentioned_fans(body: str) -> dict:
    """The active fans a text mentions (@username, in any case), by lowercased name."""
    names = markdown.mentioned_names(body)
    if not names:
        return {}
    fans = (
        get_user_model()
        ._default_manager.annotate(lowered=Lower("username"))
        .filter(lowered__in=names, is_active=True)
    )
    return {fan.lowered: fan for fan in fans}


def _render_comment(body: str) -> str:
    """A comment's HTML, each mention of a fan a link to their page."""
    fans = mentioned_fans(body)
    return markdown.render(body, {name: fan.get_absolute_url() for name, fan in fans.items()})


@transaction.atomic
def delete_comment(*, comment: Comment) -> None:
    """Delete the comment; one with replies stays as a stand-in that keeps its thread
    together, with no text, author or history. A stand-in left with no replies goes."""
    freshness.touch(topics.theory(comment.theory_id))
    # The key lock waits for replies being posted to it (post_comment), and stops more.
    held = Comment.objects.select_for_update().filter(pk=comment.pk)
    parent_id = held.values_list("parent_id", flat=True).first()
    if Comment.objects.filter(parent=comment.pk).exists():
        comment.revisions.all().delete()
        # Inboxes that told of it no longer name who wrote it, as the stand-in does not.
        Notification.objects.filter(comment=comment.pk).update(actor=None)
        held.update(
            body="",
            body_html="",
            author=None,
            spoiler_season=None,
            edited_at=None,
            deleted_at=timezone.now(),
        )
        return
    held.delete()
    _drop_emptied_stand_ins(parent_id)


def _drop_emptied_stand_ins(comment_id: int | None) -> None:
    """Up from a deleted reply: each deleted comment's stand-in left with no replies goes."""
    while comment_id is not None:
        stand_in = Comment.objects.select_for_update().filter(
            pk=comment_id, deleted_at__isnull=False
        )
        above = list(stand_in.values_list("parent_id", flat=True))
        if not above or Comment.objects.filter(parent=comment_id).exists():
            return
        stand_in.delete()
        comment_id = above[0]


# What a Revision keeps of each kind of item: the item's field, and the revision's.
_REVISED = {
    Theory: {"title": "title", "body": "body", "spoiler_season": "spoiler_season"},
    Comment: {"body": "body", "spoiler_season": "spoiler_season"},
    Prediction: {"claim": "title", "criteria": "body", "spoiler_season": "spoiler_season"},
}


# A theory's pictures ----------------------------------------------------------------


class TooManyImagesError(Exception):
    """The theory already shows as many pictures as a theory may."""


@transaction.atomic
def add_theory_image(*, theory: Theory, image, alt: str) -> TheoryImage:
    """Add a picture (an upload already checked and re-encoded) to the author's theory.

    The theory's row is held while its pictures are counted, so two uploads at once
    cannot both be the fourth. FrozenError once its season is out, as for its text.
    """
    hold_fan_by_id(theory.author_id)
    freshness.touch(topics.theory(theory.pk))
    if theory.is_frozen:
        raise FrozenError
    if _hold_open_theory(theory.pk) is not None:
        raise WithdrawnError
    if TheoryImage.objects.filter(theory=theory).count() >= TheoryImage.MAX_PER_THEORY:
        raise TooManyImagesError
    return TheoryImage.objects.create(theory=theory, image=image, alt=alt)


@transaction.atomic
def remove_theory_image(*, image: TheoryImage) -> None:
    """The author takes a picture off their theory (its files go once nothing shows them)."""
    freshness.touch(topics.theory(image.theory_id))
    if image.theory.is_frozen:
        raise FrozenError
    image.delete()


@transaction.atomic
def set_image_hidden(*, moderator, image: TheoryImage, hidden: bool, reason: str = "") -> None:
    """Hide or restore one picture of a theory, the theory itself untouched, logged."""
    freshness.touch(topics.theory(image.theory_id), topics.MODERATION_LOG)
    TheoryImage.objects.filter(pk=image.pk).update(is_hidden=hidden)
    image.is_hidden = hidden
    _log(
        moderator=moderator,
        kind=ModerationKind.HIDE if hidden else ModerationKind.RESTORE,
        item=image,
        reason=reason,
    )


def _begin_edit(item: Theory | Comment | Prediction, **new) -> datetime:
    """Lock the item's row for an edit that gives it the text `new`, keep the text it has
    now as a Revision when the edit changes it, and return the edit's time.

    Call inside the edit's transaction, before the write. Under the lock two edits at
    once take turns, so each keeps the text the other left, and revisions are numbered in
    the order the edits were made (the history pages order them by number)."""
    kept = _REVISED[type(item)]
    fields = [name for name in kept if name in new]
    rows = type(item).objects.select_for_update(no_key=True).filter(pk=item.pk)
    old = rows.values(*fields, "created_at", "edited_at").get()
    now = timezone.now()
    if any(old[name] != new[name] for name in fields):
        Revision.objects.create(
            **{item._meta.model_name: item},
            **{kept[name]: old[name] for name in fields},
            written_at=old["edited_at"] or old["created_at"],
            replaced_at=now,
        )
    return now


def _edit_topics(
    theory: Theory, title: str, spoiler_season, characters, language: str
) -> tuple[str, ...]:
    """An edit changes the theory's page and its text; the listings only when its card
    changes (title, spoiler tag, language) or where it is listed (its characters)."""
    edited = (topics.theory(theory.pk), topics.THEORY_TEXTS)
    card = (theory.title, theory.spoiler_season, theory.language) != (
        title,
        spoiler_season,
        language,
    )
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
    hold_fan(reporter)
    # A new report holds the theory it is about (or its comment's), as deleting it would:
    # a report filed while its author deletes it is kept. A withdrawn theory's text is
    # gone from the site, so nobody reports it anew; its comments still may be.
    withdrawn_at = _hold_open_theory(theory.pk if theory is not None else comment.theory_id)
    if theory is not None and withdrawn_at is not None:
        raise WithdrawnError
    # The database holds "one open report per fan and item"; a double submit that races
    # past any check in Python still meets the unique constraint.
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, reason=reason, note=note, theory=theory, comment=comment
            )
    except IntegrityError as error:
        raise DuplicateReportError from error


@transaction.atomic
def save_report(
    *,
    reporter,
    reason: str,
    note: str = "",
    theory: Theory | None = None,
    comment: Comment | None = None,
) -> bool:
    """File a fan's report on a theory or comment, or change their open one.

    A fan has one open report per item, and may change its reason and note until a
    moderator closes it; after that, reporting again files a new one. Returns whether a
    new report was filed.
    """
    hold_fan(reporter)
    open_report = Report.objects.filter(
        reporter=reporter, status=ReportStatus.OPEN, theory=theory, comment=comment
    )
    if open_report.update(reason=reason, note=note):
        return False
    try:
        report(reporter=reporter, reason=reason, note=note, theory=theory, comment=comment)
    except DuplicateReportError:  # a double submit filed it a moment ago
        open_report.update(reason=reason, note=note)
        return False
    return True


def _label(item) -> str:
    if isinstance(item, Theory):
        return f"#{item.pk}"
    return f"#{item.pk} (#{item.theory_id})"  # a comment or a picture, on its theory


def _log(*, moderator, kind: str, reason: str, item=None, report_row=None, detail: str = ""):
    """Log a decision about `item`, or about the target of `report_row` (one is given)."""
    target = item if item is not None else report_row.target
    if isinstance(target, TheoryImage):  # logged on its theory, whose season shields it
        theory, target_kind = target.theory, ModerationTarget.IMAGE
    elif isinstance(target, Theory):
        theory, target_kind = target, ModerationTarget.THEORY
    else:
        theory, target_kind = None, ModerationTarget.COMMENT
    return ModerationAction.objects.create(
        moderator=moderator,
        kind=kind,
        theory=theory,
        comment=target if isinstance(target, Comment) else None,
        report=report_row,
        target_kind=target_kind,
        target_label=_label(target),
        detail=detail,
        reason=reason,
    )


def _open_reports_on(item: Theory | Comment):
    target = {"theory": item} if isinstance(item, Theory) else {"comment": item}
    return Report.objects.filter(status=ReportStatus.OPEN, **target)


@transaction.atomic
def set_hidden(*, moderator, item: Theory | Comment, hidden: bool, reason: str = "") -> int:
    """Hide or restore a theory or comment, and record who did it and why.

    Hiding also resolves every open report on the item, each logged: what the fans
    reported has been dealt with. Returns how many reports that resolved.
    """
    seen_by_author = (topics.reader(item.author_id),) if item.author_id is not None else ()
    freshness.touch(*_topics_of(item), topics.MODERATION_LOG, *seen_by_author)
    # A theory's settled outcome and its claims' scores count on the boards, or stop.
    counted = _fans_on_boards_by(theories=[item]) if isinstance(item, Theory) else set()
    _hold_fans(counted)
    type(item).objects.filter(pk=item.pk).update(is_hidden=hidden)
    item.is_hidden = hidden
    recount_boards(fan_ids=counted)
    action = _log(
        moderator=moderator,
        kind=ModerationKind.HIDE if hidden else ModerationKind.RESTORE,
        item=item,
        reason=reason,
    )
    decided.send(sender=ModerationAction, action=action)
    if not hidden:
        return 0
    reports = _open_reports_on(item).select_related("theory", "comment").order_by("pk")
    return sum(
        close_report(moderator=moderator, report_row=report, dismissed=False, reason=reason)
        for report in reports
    )


@transaction.atomic
def close_report(*, moderator, report_row: Report, dismissed: bool, reason: str = "") -> bool:
    """Resolve or dismiss an open report, logged. False if it was no longer open."""
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
    return bool(updated)


@transaction.atomic
def uphold_report(*, moderator, report_row: Report, reason: str = "") -> int:
    """Act on a report: hide what it reports (which resolves every open report on it),
    or, if that is hidden already, resolve this one. Returns how many were resolved."""
    target = report_row.target
    hidden = (
        type(target)
        .objects.select_for_update()
        .filter(pk=target.pk)
        .values_list("is_hidden", flat=True)
        .get()
    )
    if not hidden:
        return set_hidden(moderator=moderator, item=target, hidden=True, reason=reason)
    return int(
        close_report(moderator=moderator, report_row=report_row, dismissed=False, reason=reason)
    )


class SeasonNotReleasedError(Exception):
    """Outcomes are set only once the season has aired."""


@transaction.atomic
def set_outcome(
    *,
    moderator,
    theory: Theory,
    outcome: str,
    note: str = "",
    source_url: str = "",
    reason: str = "",
) -> None:
    """Settle the theory (or reopen it). The moderation log says why: the moderator's
    `reason`, else the outcome's public `note`."""
    freshness.touch(topics.theory(theory.pk), topics.THEORIES, topics.MODERATION_LOG)
    if outcome not in Outcome.values:
        raise ValueError(outcome)
    if not theory.may_settle_as(outcome):
        raise SeasonNotReleasedError
    _hold_fans([theory.author_id])  # before the theory: see _hold_fans
    Theory.objects.filter(pk=theory.pk).update(
        outcome=outcome,
        outcome_note=note,
        outcome_source_url=source_url,
        outcome_set_at=timezone.now(),
    )
    theory.outcome = outcome
    recount_boards(fan_ids=[theory.author_id])
    action = _log(
        moderator=moderator,
        kind=ModerationKind.SET_OUTCOME,
        item=theory,
        detail=outcome,
        reason=reason or note,
    )
    decided.send(sender=ModerationAction, action=action)


# Predictions and forecasts ------------------------------------------------------------------


class ForecastsClosed(Exception):
    """The prediction is resolved, or its season's forecasts are locked."""


def _hold_open_prediction(prediction_id: int) -> Prediction:
    """Lock the prediction's row for the rest of the transaction; ForecastsClosed unless
    it still takes forecasts (permissions.takes_forecasts, read under the lock)."""
    prediction = (
        Prediction.objects.select_for_update(of=("self",))
        .select_related("season", "theory")
        .get(pk=prediction_id)
    )
    if not permissions.takes_forecasts(prediction, now=timezone.now()):
        raise ForecastsClosed
    return prediction


@transaction.atomic
def forecast(*, user, prediction: Prediction, percent: int) -> Forecast:
    """The fan's probability for the prediction from now on. The one they had stays in
    the history, no longer current; the same number again changes nothing."""
    scoring.fraction(percent)  # ValueError outside 1–99
    hold_fan(user)
    held = _hold_open_prediction(prediction.pk)
    mine = Forecast.objects.filter(prediction_id=prediction.pk, user=user, current=True)
    kept = mine.first()
    if kept is not None and kept.percent == percent:
        return kept
    mine.update(current=False)
    # The crowd shows on the prediction's page and on its theory's, which fans keep for
    # as long as its topics stand still.
    claim_of = [topics.theory(held.theory_id)] if held.theory_id else []
    freshness.touch(topics.prediction(prediction.pk), *claim_of)
    made = Forecast.objects.create(prediction_id=prediction.pk, user=user, percent=percent)
    _count_into_crowd(prediction.pk, was=kept.percent if kept else None, made=made)
    return made


def _count_into_crowd(prediction_id: int, *, was: int | None, made: Forecast) -> None:
    """The fan's forecast moves from `was` (None for their first) to the one just made:
    one fan fewer at the old per cent, one more at the new, and today's crowd stored
    from the counts (CrowdBucket, CrowdDay). The prediction's row is held: forecasts on
    it take turns."""
    buckets = CrowdBucket.objects.filter(prediction_id=prediction_id)
    if was is not None:
        buckets.filter(percent=was).update(forecasters=F("forecasters") - 1)
    if not buckets.filter(percent=made.percent).update(forecasters=F("forecasters") + 1):
        CrowdBucket.objects.create(prediction_id=prediction_id, percent=made.percent, forecasters=1)
    counts = dict(buckets.values_list("percent", "forecasters"))
    today = CrowdDay(
        prediction_id=prediction_id,
        day=timezone.localdate(made.created_at),
        at=made.created_at,
        median=scoring.median_of_counts(counts),
        forecasters=sum(counts.values()),
    )
    CrowdDay.objects.bulk_create(
        [today],
        update_conflicts=True,
        unique_fields=["prediction", "day"],
        update_fields=["at", "median", "forecasters"],
    )


@transaction.atomic
def recount_crowds(*, prediction_ids: Iterable[int]) -> None:
    """Rebuild these predictions' crowds and their histories from every forecast made (the
    source of truth), in time order: for forecasts that did not come one at a time
    through `forecast` (the demo, generated data, a fan's account deleted)."""
    for batch in batched(sorted(set(prediction_ids)), RECOUNT_BATCH):
        _recount_crowds(batch)


def _recount_crowds(ids: tuple[int, ...]) -> None:
    # The predictions' rows, as `forecast` takes them: no forecast lands while they are counted.
    held = Prediction.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    list(held.values_list("pk"))
    forecasts = Forecast.objects.filter(prediction_id__in=ids).order_by(
        "prediction_id", "created_at", "pk"
    )
    rows = forecasts.values_list("prediction_id", "user_id", "percent", "created_at")
    buckets, days = [], []
    for prediction_id, made in groupby(rows.iterator(), key=itemgetter(0)):
        history = [(user_id, percent, at) for _pk, user_id, percent, at in made]
        current = {user_id: percent for user_id, percent, _at in history}
        buckets += [
            CrowdBucket(prediction_id=prediction_id, percent=percent, forecasters=n)
            for percent, n in Counter(current.values()).items()
        ]
        days += [
            CrowdDay(prediction_id=prediction_id, day=timezone.localdate(point.at), **vars(point))
            for point in scoring.crowd_by_day(history, timezone.localdate)
        ]
    _replace_rows(
        CrowdBucket.objects.filter(prediction_id__in=ids),
        buckets,
        keys=["prediction", "percent"],
        counts=["forecasters"],
        zero={"forecasters": 0},
    )
    _replace_rows(
        CrowdDay.objects.filter(prediction_id__in=ids),
        days,
        keys=["prediction", "day"],
        counts=["at", "median", "forecasters"],
        zero={"forecasters": 0},
    )


@transaction.atomic
def state_prediction(
    *, user, theory: Theory, claim: str, criteria: str, percent: int, spoiler_season=None
) -> Prediction:
    """The theory's author states a claim its season will settle, with their own
    probability as its first forecast."""
    if theory.author_id != user.pk or not permissions.is_open(theory):
        raise PermissionError("Only the theory's author states its predictions.")
    hold_fan(user)
    season = Season.objects.get(pk=theory.season_id)
    if not permissions.forecasts_open_for(season, now=timezone.now()):
        raise ForecastsClosed
    prediction = Prediction.objects.create(
        season=season,
        theory=theory,
        author=user,
        claim=claim,
        criteria=criteria,
        spoiler_season=spoiler_season,
    )
    forecast(user=user, prediction=prediction, percent=percent)
    freshness.touch(topics.theory(theory.pk))
    return prediction


@transaction.atomic
def edit_prediction(
    *, user, prediction: Prediction, claim: str, criteria: str, spoiler_season=None
) -> Prediction:
    """The theory's author rewords their claim, its criteria or its spoiler tag while it
    still takes forecasts (ForecastsClosed after the lock); the wording it had stays on
    its history page, so nobody's forecast can be made to mean something else unseen."""
    hold_fan(user)
    held = _hold_open_prediction(prediction.pk)
    if not permissions.can_reword(user, held, now=timezone.now()):
        raise PermissionError("Only the theory's author rewords its predictions.")
    return _reword(held, claim=claim, criteria=criteria, spoiler_season=spoiler_season)


@transaction.atomic
def edit_question(*, prediction: Prediction, claim: str, criteria: str, spoiler_season=None):
    """An editor rewords a community question (the admin): its claim and criteria until
    it stops taking forecasts (ForecastsClosed), its spoiler tag at any time, as
    shielding a text more is always safe."""
    held = (
        Prediction.objects.select_for_update(of=("self",))
        .select_related("season")
        .get(pk=prediction.pk)
    )
    if not held.is_question:
        raise PermissionError("A theory's claims are its author's.")
    reworded = (held.claim, held.criteria) != (claim, criteria)
    if reworded and not permissions.takes_forecasts(held, now=timezone.now()):
        raise ForecastsClosed
    _reword(held, claim=claim, criteria=criteria, spoiler_season=spoiler_season)
    for name in ("claim", "criteria", "spoiler_season", "edited_at"):
        setattr(prediction, name, getattr(held, name))
    return prediction


def _reword(prediction: Prediction, **text) -> Prediction:
    now = _begin_edit(prediction, **text)
    fields = {**text, "edited_at": now}
    for name, value in fields.items():
        setattr(prediction, name, value)
    prediction.save(update_fields=list(fields))
    freshness.touch(*_prediction_topics(prediction))
    return prediction


def _prediction_topics(prediction: Prediction) -> tuple[str, ...]:
    found = (topics.prediction(prediction.pk),)
    return (*found, topics.theory(prediction.theory_id)) if prediction.theory_id else found


def _counted_forecasts(prediction: Prediction) -> dict[int, Forecast]:
    """Each fan's last forecast that counts: made before the season's forecasts closed
    and before the answer was public (`known_at`); later ones are kept, scoring nothing."""
    forecasts = Forecast.objects.filter(prediction=prediction)
    for cutoff in (prediction.season.forecasts_close_at, prediction.known_at):
        if cutoff is not None:
            forecasts = forecasts.filter(created_at__lt=cutoff)
    counted: dict[int, Forecast] = {}
    for row in forecasts.order_by("created_at", "pk"):
        counted[row.user_id] = row
    return counted


@transaction.atomic
def resolve_prediction(
    *,
    moderator,
    prediction: Prediction,
    resolution: str,
    fact=None,
    source_url: str = "",
    note: str = "",
) -> int:
    """Settle the prediction yes, no or annulled, against a Fact or a source, and store
    what each fan's counted forecast scored (none when annulled or reopened). Resolving
    again replaces the scores. Returns how many forecasts were scored."""
    if resolution not in Resolution.values:
        raise ValueError(resolution)
    # Whoever it may score (a score is of a forecast), and its theory's author, before
    # the prediction: see _hold_fans.
    forecasters = Forecast.objects.filter(prediction=prediction).values_list("user_id", flat=True)
    author = Theory.objects.filter(pk=prediction.theory_id).values_list("author_id", flat=True)
    _hold_fans({*forecasters.order_by().distinct(), *author})
    prediction = (
        Prediction.objects.select_for_update(of=("self",))
        .select_related("season")
        .get(pk=prediction.pk)
    )
    prediction.resolution = resolution
    prediction.resolution_fact = fact
    prediction.resolution_source_url = source_url
    prediction.resolution_note = note
    prediction.resolved_by = moderator if resolution != Resolution.OPEN else None
    prediction.resolved_at = timezone.now() if resolution != Resolution.OPEN else None
    prediction.save(
        update_fields=[
            "resolution",
            "resolution_fact",
            "resolution_source_url",
            "resolution_note",
            "resolved_by",
            "resolved_at",
        ]
    )
    counted_before = set(prediction.scores.values_list("user_id", flat=True))
    ForecastScore.objects.filter(prediction=prediction).delete()
    # Profiles (under THEORIES) show each fan's scores.
    freshness.touch(*_prediction_topics(prediction), topics.THEORIES)
    if resolution not in (Resolution.YES, Resolution.NO):
        recount_boards(fan_ids=counted_before)
        _settle_theory_of(prediction, moderator=moderator)
        return 0
    happened = resolution == Resolution.YES
    counted = list(_counted_forecasts(prediction).values())
    peers = scoring.peer_scores([scoring.fraction(row.percent) for row in counted], happened)
    ForecastScore.objects.bulk_create(
        ForecastScore(
            prediction=prediction,
            user_id=row.user_id,
            percent=row.percent,
            made_at=row.created_at,
            happened=happened,
            brier=scoring.brier(scoring.fraction(row.percent), happened),
            log_score=scoring.log_score(scoring.fraction(row.percent), happened),
            peer_score=peer,
        )
        for row, peer in zip(counted, peers, strict=True)
    )
    recount_boards(fan_ids=counted_before | {row.user_id for row in counted})
    _settle_theory_of(prediction, moderator=moderator)
    return len(counted)


def derived_outcome(resolutions) -> str | None:
    """A theory's outcome from its predictions' resolutions: confirmed if all came true,
    debunked if none did, partly otherwise; None while any is open or all are annulled."""
    counted = set(resolutions) - {Resolution.ANNULLED}
    if not counted or Resolution.OPEN in counted:
        return None
    if counted == {Resolution.YES}:
        return Outcome.CONFIRMED
    return Outcome.DEBUNKED if counted == {Resolution.NO} else Outcome.PARTLY


def _settle_theory_of(prediction: Prediction, *, moderator) -> None:
    """Once every prediction of a theory is resolved, its outcome follows from them (not
    typed separately), logged and told as any outcome is (set_outcome)."""
    if prediction.theory_id is None:
        return
    resolutions = Prediction.objects.filter(theory_id=prediction.theory_id).values_list(
        "resolution", flat=True
    )
    outcome = derived_outcome(resolutions)
    theory = Theory.objects.select_related("season").get(pk=prediction.theory_id)
    if outcome is None or outcome == theory.outcome or not theory.may_settle_as(outcome):
        return
    set_outcome(
        moderator=moderator,
        theory=theory,
        outcome=outcome,
        reason="Settled by its predictions' resolutions.",
    )


def rescore_prediction(*, prediction: Prediction) -> int:
    """Score a resolved prediction again, as it stands: after its season's lock time or
    the moment its answer got out changed. Returns how many forecasts were scored."""
    if prediction.resolution == Resolution.OPEN:
        return 0
    return resolve_prediction(
        moderator=prediction.resolved_by,
        prediction=prediction,
        resolution=prediction.resolution,
        fact=prediction.resolution_fact,
        source_url=prediction.resolution_source_url,
        note=prediction.resolution_note,
    )


def rescore_season(*, season: Season) -> int:
    """Score the season's resolved predictions again: its lock time or release date moved,
    and with it which forecasts count."""
    resolved = Prediction.objects.filter(season=season).exclude(resolution=Resolution.OPEN)
    return sum(rescore_prediction(prediction=prediction) for prediction in resolved)


# The leaderboard's boards ------------------------------------------------------------------

# Fans recounted at a time: their ids are a query's parameters, and SQLite's limit on
# those was 999 before version 3.32.
RECOUNT_BATCH = 500


@transaction.atomic
def recount_boards(*, fan_ids: Iterable[int | None]) -> None:
    """Recompute these fans' rows on the leaderboard's boards (guide.boards) from their settled
    theories and scored forecasts, the source of truth. Every write that settles, hides,
    publishes, deletes or scores calls it, in its transaction, for the fans it touched:
    a handful of queries per batch of fans, however large the site."""
    ids = sorted({pk for pk in fan_ids if pk is not None})
    for batch in batched(ids, RECOUNT_BATCH):
        _recount_batch(batch)


def _hold_fans(fan_ids: Iterable[int | None]) -> None:
    """Lock these fans' user rows, in one order, until the transaction ends (hold_fan for
    many; a fan who is gone is passed over). A write that recounts boards takes them
    before the rows it changes, as every write takes its fan first: so two recounts of a
    fan take turns, the second reading what the first stored, and none waits in a circle
    with a fan's own write (a comment takes its author, then the theory)."""
    ids = sorted({pk for pk in fan_ids if pk is not None})
    no_key = connection.features.has_select_for_no_key_update
    for batch in batched(ids, RECOUNT_BATCH):
        fans = get_user_model().objects.filter(pk__in=batch).order_by("pk")
        list(fans.select_for_update(no_key=no_key).values_list("pk"))


def _recount_batch(ids: tuple[int, ...]) -> None:
    _hold_fans(ids)
    theories = (
        Theory.objects.in_records()
        .exclude(outcome=Outcome.OPEN)
        .filter(author_id__in=ids)
        .values_list("author_id", "season__show_id", "season_id", "outcome")
        .annotate(theories=Count("pk"))
        .order_by()
    )
    scores = (
        ForecastScore.objects.in_records()
        .filter(user_id__in=ids)
        .values_list("user_id", "prediction__season__show_id", "prediction__season_id")
        .annotate(scored=Count("pk"), peer=Sum("peer_score"), brier=Sum("brier"))
        .order_by()
    )
    _replace_rows(
        TheoryBoardRow.objects.filter(user_id__in=ids),
        [
            TheoryBoardRow(
                user_id=fan_id,
                scope=scope,
                confirmed=outcomes[Outcome.CONFIRMED],
                partly=outcomes[Outcome.PARTLY],
                debunked=outcomes[Outcome.DEBUNKED],
            )
            for (fan_id, scope), outcomes in boards.tally_theories(theories).items()
        ],
        keys=["user", "scope"],
        counts=["confirmed", "partly", "debunked"],
        zero={"confirmed": 0, "partly": 0, "debunked": 0},
    )
    _replace_rows(
        ForecastBoardRow.objects.filter(user_id__in=ids),
        [
            ForecastBoardRow(
                user_id=fan_id,
                scope=scope,
                scored=tally.scored,
                mean_peer=tally.mean_peer,
                mean_brier=tally.mean_brier,
            )
            for (fan_id, scope), tally in boards.tally_forecasts(scores).items()
        ],
        keys=["user", "scope"],
        counts=["scored", "mean_peer", "mean_brier"],
        zero={"scored": 0},
    )


def _replace_rows(existing, rows: list, *, keys: list[str], counts: list[str], zero: dict):
    """The rows in `existing` (some owners' rows) become `rows`, each stored by `keys`
    over the row it replaces, which keeps its id. The old rows are first set to `zero`,
    which no counted row holds: those not stored again stay so, and are deleted."""
    existing.update(**zero)
    existing.model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=keys, update_fields=counts
    )
    existing.filter(**zero).delete()


def recount_boards_on(*, seasons) -> None:
    """Seasons whose show was published or taken down, or that moved to another show:
    their settled theories and scores count on other boards now, for every fan with one
    of them."""
    settled = Theory.objects.filter(season__in=seasons).exclude(outcome=Outcome.OPEN)
    scored = ForecastScore.objects.filter(prediction__season__in=seasons)
    recount_boards(
        fan_ids={
            *settled.values_list("author_id", flat=True).distinct(),
            *scored.values_list("user_id", flat=True).distinct(),
        }
    )


@transaction.atomic
def delete_theories_as_staff(*, theories) -> None:
    """A superuser deletes theories in the admin (an author takes their own down with
    delete_theory): they leave every page, and the boards they counted on are recounted."""
    listed = list(theories)
    fans = _fans_on_boards_by(theories=listed)
    _hold_fans(fans)
    for theory in listed:
        freshness.touch(*topics.theory_anywhere(theory.pk))
    Theory.objects.filter(pk__in=[theory.pk for theory in listed]).delete()
    recount_boards(fan_ids=fans)


def _fans_on_boards_by(*, theories) -> set[int]:
    """The fans whose rows on the boards these theories may count in (their authors, and
    the forecasters their claims scored): those that hiding or deleting them recounts."""
    scored = ForecastScore.objects.filter(prediction__theory__in=theories)
    fans = {theory.author_id for theory in theories}
    return (fans | set(scored.values_list("user_id", flat=True))) - {None}


# Accounts' traces -------------------------------------------------------------------------


@transaction.atomic
def forget_fan(*, user) -> None:
    """Everything an account deletion must do in the guide before the user row goes.

    Votes go, with the counts they fed. Theories and comments stay, shown as by a
    deleted fan (their author becomes NULL when the user row is deleted).
    """
    forecasts = Forecast.objects.filter(user=user)
    forecast_on = set(forecasts.values_list("prediction_id", flat=True))
    # Their forecasts go with them, and with them their part of each crowd and its history.
    crowds = [topics.prediction(pk) for pk in forecast_on]
    freshness.touch(*topics.fan_names(user.pk), topics.reader(user.pk), *crowds)
    forecasts.delete()
    recount_crowds(prediction_ids=forecast_on)
    remove_votes_of(user=user)
    Report.objects.filter(reporter=user).delete()
    WatchProgress.objects.filter(user=user).delete()


@transaction.atomic
def save_progress(*, user, show: Show, seasons_watched: int) -> None:
    hold_fan(user)
    freshness.touch(topics.reader(user.pk))
    WatchProgress.objects.update_or_create(
        user=user, show=show, defaults={"seasons_watched": seasons_watched}
    )


# Following and the inbox ------------------------------------------------------------------

# What a write announces; guide.tasks enqueues the work that follows from it.
comment_posted = Signal()  # with `comment`, inside the comment's transaction
theory_posted = Signal()  # with `theory`, inside the theory's transaction
comment_edited = Signal()  # with `comment`, inside the edit's transaction
decided = Signal()  # with a moderator's `action` (a verdict, hiding, restoring)
season_changed = Signal()  # with `season`, `changes` (NewsChange values) and `at`

# Followers told in one INSERT: bounded memory and statement size for any audience.
FANOUT_BATCH = 500


def _fan_batches(after) -> Iterator[list[int]]:
    """Fan ids in ascending batches of FANOUT_BATCH, `after(last)` being the query of
    those above `last` in order. Each batch is read whole before the caller writes:
    SQLite cannot write beside a read still open on the same connection once another
    connection has written (it fails at once, "database is locked"), and a busy site's
    requests write all the time."""
    last = 0
    while True:
        batch = list(after(last)[:FANOUT_BATCH])
        if batch:
            yield batch
        if len(batch) < FANOUT_BATCH:  # the last: no need to ask for more
            return
        last = batch[-1]


def deliver_comment(*, comment_id: int) -> int:
    """Put a new comment in the inbox of each fan it concerns; returns how many fans it
    concerns (a retry finds them told already and adds nothing: one line per fan and
    comment, by a unique constraint). The author of the comment it answers hears of a
    reply, each fan it mentions of a mention, everyone who follows its theory of a
    comment; whoever it concerns in several ways hears once, in that order of kinds.
    Nobody hears of their own. Run by the worker (guide.tasks), never in the request:
    a theory with thousands of followers costs the commenter nothing, and the worker a
    few statements."""
    comment = _comment_to_deliver(comment_id)
    if comment is None:  # deleted before the worker came to it
        return 0
    concerned = 0
    answered = comment.parent.author_id if comment.parent is not None else None
    if answered is not None and answered != comment.author_id:
        concerned += _tell_of(comment, [answered], NotificationKind.REPLY)
    mentioned = _mentioned_besides(comment, answered)
    concerned += _tell_of(comment, sorted(mentioned), NotificationKind.MENTION)
    told = {comment.author_id, answered, *mentioned} - {None}

    def followers(after: int):
        return (
            Follow.objects.filter(theory_id=comment.theory_id, user_id__gt=after)
            .exclude(user_id__in=told)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )

    for batch in _fan_batches(followers):
        concerned += _tell_of(comment, batch, NotificationKind.COMMENT)
    return concerned


def deliver_mentions(*, comment_id: int) -> int:
    """After an edit: tell the fans it now mentions who were not told of the comment
    yet (one line per fan and comment, so nobody hears twice); returns how many."""
    comment = _comment_to_deliver(comment_id)
    if comment is None:
        return 0
    answered = comment.parent.author_id if comment.parent is not None else None
    return _tell_of(
        comment, sorted(_mentioned_besides(comment, answered)), NotificationKind.MENTION
    )


def _comment_to_deliver(comment_id: int) -> Comment | None:
    """The comment a delivery tells of, with whom it answers; None once it is deleted."""
    return (
        Comment.objects.filter(pk=comment_id, deleted_at=None)
        .select_related("parent")
        .only("pk", "theory_id", "author_id", "body", "created_at", "parent__author_id")
        .first()
    )


def _mentioned_besides(comment: Comment, answered: int | None) -> set[int]:
    """The fans a comment mentions, but its author and the fan it answers."""
    mentioned = {fan.pk for fan in mentioned_fans(comment.body).values()}
    return mentioned - {comment.author_id, answered}


def deliver_theory(*, theory_id: int) -> int:
    """Put a new theory in the inbox of each fan who follows its season, its show or its
    author, once however many of them they follow, but the author's own; returns how
    many (idempotent as deliver_comment: one line per fan and theory)."""
    theory = (
        Theory.objects.filter(pk=theory_id, withdrawn_at=None, is_hidden=False)
        .select_related("season")
        .only("pk", "season_id", "season__show_id", "author_id", "created_at")
        .first()
    )
    if theory is None:  # gone, withdrawn or hidden before the worker came to it
        return 0

    def followers(after: int):
        return (
            SeasonFollow.objects.filter(season_id=theory.season_id, user_id__gt=after)
            .values_list("user_id", flat=True)
            .union(
                ShowFollow.objects.filter(
                    show_id=theory.season.show_id, user_id__gt=after
                ).values_list("user_id", flat=True),
                FanFollow.objects.filter(fan_id=theory.author_id, user_id__gt=after).values_list(
                    "user_id", flat=True
                ),
            )
            .order_by("user_id")
        )

    told = 0
    for batch in _fan_batches(followers):
        recipients = [fan for fan in batch if fan != theory.author_id]
        told += _tell_of(theory, recipients, NotificationKind.THEORY)
    return told


def _tell_of(item: Comment | Theory, recipients, kind: str) -> int:
    """A line for each recipient not yet told of the comment, or of the new theory (a
    reply's line stays a reply)."""
    is_comment = isinstance(item, Comment)
    return _tell(
        recipients,
        kind=kind,
        theory_id=item.theory_id if is_comment else item.pk,
        comment_id=item.pk if is_comment else None,
        actor_id=item.author_id,
        created_at=item.created_at,
    )


def _tell(recipients, **line) -> int:
    """The same line for each recipient (one INSERT), but to those told already: a
    unique constraint per kind of line lets a delivery that runs again add nothing."""
    lines = [Notification(recipient_id=recipient, **line) for recipient in recipients]
    Notification.objects.bulk_create(lines, ignore_conflicts=True)
    return len(lines)


def deliver_decision(*, action_id: int) -> int:
    """Tell of a moderator's decision: a verdict reaches everyone who follows or wrote
    the theory; hiding or restoring reaches the author of what was hidden or restored.
    The moderator hears of nothing they did. Returns how many fans it concerns."""
    action = (
        ModerationAction.objects.filter(pk=action_id).select_related("theory", "comment").first()
    )
    if action is None:
        return 0
    if action.kind == ModerationKind.SET_OUTCOME:
        if action.theory is None or action.detail == Outcome.OPEN:  # reopened: no news
            return 0
        followers = set(
            Follow.objects.filter(theory=action.theory).values_list("user_id", flat=True)
        )
        recipients = sorted(({action.theory.author_id} | followers) - {None, action.moderator_id})
        told = 0
        for batch in batched(recipients, FANOUT_BATCH):
            told += _tell(
                batch,
                kind=NotificationKind.VERDICT,
                theory_id=action.theory_id,
                action_id=action.pk,
                created_at=action.created_at,
            )
        return told
    item = action.theory or action.comment
    if action.kind not in (ModerationKind.HIDE, ModerationKind.RESTORE) or item is None:
        return 0
    if item.author_id in (None, action.moderator_id):
        return 0
    return _tell(
        [item.author_id],
        kind=NotificationKind.MODERATION,
        theory_id=action.theory_id or action.comment.theory_id,
        comment_id=action.comment_id,
        action_id=action.pk,
        change=NewsChange.HIDDEN if action.kind == ModerationKind.HIDE else NewsChange.RESTORED,
        created_at=action.created_at,
    )


def announce_season_change(*, season: Season, changes: list[str]) -> None:
    """An editor's save changed a season's release date or status, or added facts to it
    (NewsChange, in `changes`): its followers hear of it once the editor's transaction
    commits (guide.tasks), by one mail for the whole save."""
    if changes:
        season_changed.send(sender=Season, season=season, changes=changes, at=timezone.now())


def deliver_season_change(*, season_id: int, changes: list[str], at: datetime) -> int:
    """Tell each fan who follows a published season of its news, a line for each change;
    returns how many fans."""
    season = Season.objects.published().filter(pk=season_id).first()
    if season is None:
        return 0

    def followers(after: int):
        return (
            SeasonFollow.objects.filter(season=season, user_id__gt=after)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )

    told = 0
    for batch in _fan_batches(followers):
        with transaction.atomic():  # a fan's lines of the save land together, for one mail
            for change in changes:
                _tell(
                    batch,
                    kind=NotificationKind.SEASON,
                    season_id=season.pk,
                    change=change,
                    created_at=at,
                )
        told += len(batch)
    return told


@transaction.atomic
def follow(*, user, theory) -> None:
    hold_fan(user)
    Follow.objects.get_or_create(user=user, theory=theory)


@transaction.atomic
def follow_season(*, user, season: Season) -> None:
    hold_fan(user)
    SeasonFollow.objects.get_or_create(user=user, season=season)


@transaction.atomic
def unfollow_season(*, user, season: Season) -> None:
    hold_fan(user)
    SeasonFollow.objects.filter(user=user, season=season).delete()


@transaction.atomic
def unfollow(*, user, theory) -> None:
    hold_fan(user)
    Follow.objects.filter(user=user, theory=theory).delete()


@transaction.atomic
def follow_show(*, user, show: Show) -> None:
    hold_fan(user)
    ShowFollow.objects.get_or_create(user=user, show=show)


@transaction.atomic
def unfollow_show(*, user, show: Show) -> None:
    hold_fan(user)
    ShowFollow.objects.filter(user=user, show=show).delete()


class FollowSelfError(Exception):
    """A fan cannot follow themselves."""


@transaction.atomic
def follow_fan(*, user, fan) -> None:
    """Follow another fan's new theories (FollowSelfError for oneself)."""
    if fan.pk == user.pk:
        raise FollowSelfError
    hold_fan(user)
    FanFollow.objects.get_or_create(user=user, fan=fan)


@transaction.atomic
def unfollow_fan(*, user, fan) -> None:
    hold_fan(user)
    FanFollow.objects.filter(user=user, fan=fan).delete()


@transaction.atomic
def mark_read(*, user, notification_ids=None) -> int:
    """Mark the fan's unread lines read: those named, or all. Returns how many."""
    hold_fan(user)
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# Mail ------------------------------------------------------------------------------------


@transaction.atomic
def choose_mail(*, user, choices: dict[str, str], language: str = "") -> MailPreference:
    """Save how the fan wants to hear of each kind of news by email, and in which of the
    site's languages (the one they chose in, when given)."""
    hold_fan(user)
    defaults = {**choices, "language": language} if language else choices
    preference, _created = MailPreference.objects.update_or_create(user=user, defaults=defaults)
    return preference


def remember_language(*, user, language: str) -> None:
    """Keep the language the fan reads the site in (when they sign in or switch): their
    mail is written in it (guide.mailing). Not one of the site's languages: nothing."""
    if language not in dict(settings.LANGUAGES):
        return
    if MailPreference.objects.filter(user=user, language=language).exists():
        return  # most sign-ins: one read, nothing to write
    with transaction.atomic():
        hold_fan(user)
        MailPreference.objects.update_or_create(user=user, defaults={"language": language})


@transaction.atomic
def stop_mail(*, user_id: int, kinds) -> None:
    """Turn mail of these kinds off, for whoever holds an unsubscribe link: no sign-in
    (RFC 8058). AccountGone if the account went since the mail was sent."""
    hold_fan_by_id(user_id)
    MailPreference.objects.update_or_create(
        user_id=user_id, defaults=dict.fromkeys(kinds, MailChoice.OFF)
    )


@transaction.atomic
def claim_line(*, lines, now: datetime, daily_limit: int, quiet: timedelta) -> list[int]:
    """Claim one fan's lines of one event for a mail at once, before the mail goes: the
    ids this call claimed, and the mail is counted if any. Under a lock of the fan, the
    mail limits are checked again (NotificationQuerySet.within_mail_limits): two workers
    mailing one fan at the same moment take turns, so nothing goes twice, over the daily
    limit or in the quiet time."""
    (recipient_id,) = {line.recipient_id for line in lines}
    try:
        hold_fan_by_id(recipient_id)
    except AccountGone:
        return []
    claimable = Notification.objects.filter(
        pk__in=[line.pk for line in lines], mailed_at=None
    ).within_mail_limits(now=now, daily_limit=daily_limit, quiet=quiet)
    claimed = list(claimable.values_list("pk", flat=True))
    if claimed:
        Notification.objects.filter(pk__in=claimed).update(mailed_at=now)
        SentMail.objects.create(recipient_id=recipient_id, lines=len(claimed), sent_at=now)
    return claimed


@transaction.atomic
def claim_lines(lines, *, recipient_id: int, now: datetime, daily_limit: int) -> int:
    """Claim these lines (a queryset) for a digest to the fan, and count the digest: how
    many lines this call claimed; none if the fan had `daily_limit` mails in the last
    day (mails at once stop one short, so only a second digest within a day meets it).
    Under the same lock of the fan as claim_line, so a mail at once being claimed
    meanwhile counts the digest."""
    try:
        hold_fan_by_id(recipient_id)
    except AccountGone:
        return 0
    if SentMail.objects.of_the_day(now).filter(recipient_id=recipient_id).count() >= daily_limit:
        return 0
    claimed = Notification.objects.filter(pk__in=lines.values("pk"), mailed_at=None).update(
        mailed_at=now, digested=True
    )
    if claimed:
        SentMail.objects.create(recipient_id=recipient_id, digest=True, lines=claimed, sent_at=now)
    return claimed


@transaction.atomic
def release_lines(*, recipient_id: int, claimed_at: datetime) -> None:
    """Give back what a mail that could not go had claimed: its lines, which the next
    digest takes, and its place in the fan's daily limit."""
    Notification.objects.filter(recipient_id=recipient_id, mailed_at=claimed_at).update(
        mailed_at=None, digested=False
    )
    SentMail.objects.filter(recipient_id=recipient_id, sent_at=claimed_at).delete()


@transaction.atomic
def save_item(*, user, item: Theory | Comment) -> None:
    """Add a theory or a comment to the fan's Saved page (again: nothing changes)."""
    hold_fan(user)
    Bookmark.objects.get_or_create(user=user, **_bookmarked(item))


@transaction.atomic
def unsave_item(*, user, item: Theory | Comment) -> None:
    hold_fan(user)
    Bookmark.objects.filter(user=user, **_bookmarked(item)).delete()


def _bookmarked(item: Theory | Comment) -> dict:
    return {"theory": item} if isinstance(item, Theory) else {"comment": item}
