"""Every page-level read: what a page shows, assembled from the models.

Views parse input, call a selector (or a service, for writes) and render. Selectors take
the reader where what they return depends on who reads.
"""

import difflib
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.prepared import PreparedQuery
from guide import boards, ranking, scoring
from guide.models import (
    Bookmark,
    Character,
    CharacterStatus,
    Comment,
    CommentVote,
    CrowdBucket,
    CrowdDay,
    Episode,
    Fact,
    FanFollow,
    Follow,
    Forecast,
    ForecastBoardRow,
    ForecastScore,
    MailChoice,
    MailPreference,
    Milestone,
    ModerationAction,
    ModerationKind,
    ModerationTarget,
    Notification,
    NotificationKind,
    Outcome,
    Person,
    Prediction,
    Report,
    ReportStatus,
    Revision,
    Season,
    SeasonFollow,
    SentMail,
    Show,
    ShowFollow,
    Theory,
    TheoryBoardRow,
    TheoryImage,
    TheoryOrder,
    Vote,
    VoteValue,
    WatchProgress,
    not_withdrawn,
)
from guide.scoring import CrowdPoint

# Votes ---------------------------------------------------------------------------------

_EXACT_VOTE_FIELDS = ("upvotes", "downvotes", "score")
_RANK_FIELDS = ("hot", "wilson")


def vote_count_mismatches(theories=None) -> list[int]:
    """Ids of theories whose stored counts or ranks differ from their vote rows.

    The one check of the vote invariant, for the demo loader, the bench and the tests:
    counts must be exact; ranks equal the ranking rules (to float precision).
    """
    theories = Theory.objects.all() if theories is None else theories
    counted = (
        theories.order_by()
        .annotate(
            up_rows=Count("votes", filter=Q(votes__value=VoteValue.UP)),
            down_rows=Count("votes", filter=Q(votes__value=VoteValue.DOWN)),
        )
        .values_list("pk", "up_rows", "down_rows", "created_at", *_EXACT_VOTE_FIELDS, *_RANK_FIELDS)
    )
    wrong = []
    for pk, up, down, created, *stored in counted.iterator(chunk_size=5000):
        stored = dict(zip(_EXACT_VOTE_FIELDS + _RANK_FIELDS, stored, strict=True))
        expected = ranking.vote_fields(upvotes=up, downvotes=down, created=created)
        exact = all(stored[name] == expected[name] for name in _EXACT_VOTE_FIELDS)
        close = all(
            math.isclose(stored[name], expected[name], abs_tol=1e-6) for name in _RANK_FIELDS
        )
        if not (exact and close):
            wrong.append(pk)
    return wrong


# What a fan's own mark on an item is read from: the model, its field for the item, and
# its field for the mark's value (None: the mark is there or not).
_MARKS = {
    "vote": (Vote, "theory", "value"),
    "comment_vote": (CommentVote, "comment", "value"),
    "follow": (Follow, "theory", None),
    "follow_season": (SeasonFollow, "season", None),
    "follow_show": (ShowFollow, "show", None),
    "follow_fan": (FanFollow, "fan", None),
    "save_theory": (Bookmark, "theory", None),
    "save_comment": (Bookmark, "comment", None),
    # The per cent of the fan's current forecast on a prediction (its history: own_forecasts).
    "forecast": (Forecast, "prediction", "percent"),
}
# Kinds whose table also keeps rows that are no longer the fan's mark: only the rows whose
# boolean column here is true count.
_MARK_ONLY_WHERE = {"forecast": "current"}
UNREAD = "unread"  # the count of the fan's unread inbox lines, asked for with no items
# Counts of an item as they are now, anyone's to read, asked for beside the marks: votes
# move no topic (core.pagecache), so a page shared with fans shows the counts votes move
# through holes filled as it is served (guide.marks), and may be kept for longer.
LIVE_COUNTS = {
    "theory_score": (Theory, "score"),
    "theory_upvotes": (Theory, "upvotes"),
    "theory_downvotes": (Theory, "downvotes"),
    "comment_score": (Comment, "score"),
}


def marks_of(user, wanted: dict[str, Iterable[int]]) -> dict[str, dict[int, int]]:
    """The fan's own marks on the items of a page shared with fans, in one query: for
    each kind in `wanted` (_MARKS, or UNREAD), {item id: the vote, or 1} for the items
    of `wanted[kind]` the fan marked ({0: count} for UNREAD); for a kind of LIVE_COUNTS,
    {item id: its count now} for every item of `wanted[kind]` that still exists.

    Written in SQL: every page a signed-in fan reads asks it, and the ORM took thirty
    times longer to build the query than the database took to answer it."""
    kinds = list(wanted)
    selects, params = [], []
    for code, kind in enumerate(kinds):
        ids = [int(pk) for pk in wanted[kind]]
        if kind == UNREAD:
            selects.append(_unread_select(code))
            params.append(user.pk)
        elif ids and kind in LIVE_COUNTS:
            selects.append(_count_select(code, kind, len(ids)))
            params += _item_params(ids)
        elif ids:
            selects.append(_marks_select(code, kind, len(ids)))
            params += [user.pk, *_item_params(ids)]
    marks: dict[str, dict[int, int]] = {kind: {} for kind in kinds}
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for item, mark, code in cursor.fetchall():
                marks[kinds[code]][item] = mark
    return marks


# The SQL of marks_of: names from the models' metadata and codes of its own; every value
# a parameter.
def _item_params(ids: list[int]) -> list:
    """The items' ids as _marks_select's condition on them takes them. PostgreSQL gets
    one array: psycopg parses a query with more than 50 parameters afresh every time, and
    a busy theory page has a hundred items, while one with an array is parsed once per
    shape. SQLite has no arrays and gets a parameter each."""
    return [ids] if _arrays() else ids


def _arrays() -> bool:
    return connection.vendor == "postgresql"


def _among(items: int) -> str:
    """The condition that a column is one of `items` items (_item_params)."""
    return "= ANY(%s)" if _arrays() else f"IN ({', '.join(['%s'] * items)})"


def _marks_select(code: int, kind: str, items: int) -> str:
    """(item, mark, code) for the fan's marks of `kind` on `items` items."""
    model, item, value = _MARKS[kind]
    meta, quote = model._meta, connection.ops.quote_name
    column = quote(meta.get_field(item).column)
    owner = quote(meta.get_field("user").column)
    mark = quote(meta.get_field(value).column) if value else "1"
    only = _MARK_ONLY_WHERE.get(kind)
    also = f" AND {quote(meta.get_field(only).column)}" if only else ""
    return (
        f"SELECT {column}, {mark}, {code} FROM {quote(meta.db_table)}"  # noqa: S608
        f" WHERE {owner} = %s AND {column} {_among(items)}{also}"
    )


def _count_select(code: int, kind: str, items: int) -> str:
    """(item, count, code) for the LIVE_COUNTS count `kind` of `items` items."""
    model, count = LIVE_COUNTS[kind]
    meta, quote = model._meta, connection.ops.quote_name
    pk, column = quote(meta.pk.column), quote(meta.get_field(count).column)
    return (
        f"SELECT {pk}, {column}, {code} FROM {quote(meta.db_table)}"  # noqa: S608
        f" WHERE {pk} {_among(items)}"
    )


def _unread_select(code: int) -> str:
    """(0, how many, code) for the fan's unread inbox lines."""
    meta, quote = Notification._meta, connection.ops.quote_name
    recipient = quote(meta.get_field("recipient").column)
    read_at = quote(meta.get_field("read_at").column)
    return (
        f"SELECT 0, COUNT(*), {code} FROM {quote(meta.db_table)}"  # noqa: S608
        f" WHERE {recipient} = %s AND {read_at} IS NULL"
    )


@dataclass(frozen=True)
class HiddenContent:
    """A fan's content a moderator hid: their hidden theories, and the theories that
    carry a hidden comment of theirs."""

    theories: frozenset[int]
    commented: frozenset[int]

    def shown_on(self) -> frozenset[int]:
        """The theories whose own pages show some of it."""
        return self.theories | self.commented


def hidden_content_of(user) -> HiddenContent:
    """What of the fan's a moderator hid, which only they and the moderators see (the
    models' `visible_to`)."""
    # Two reads by author (each its index), not one that would look at every theory.
    theories = Theory.objects.filter(author=user, is_hidden=True).values_list("pk", flat=True)
    comments = Comment.objects.filter(author=user, is_hidden=True).values_list(
        "theory_id", flat=True
    )
    return HiddenContent(theories=frozenset(theories), commented=frozenset(comments))


# Prediction records --------------------------------------------------------------------

LEADERBOARD_SIZE = 50


def hit_rate(fan) -> int | None:
    """Per cent of a fan's settled theories that came true (a partial hit counts half)."""
    settled = fan.confirmed + fan.partly + fan.debunked
    if not settled:
        return None
    return round(100 * (fan.confirmed + fan.partly / 2) / settled)


def _board_scope(show, season) -> str:
    return boards.scope(show_id=getattr(show, "pk", None), season_id=getattr(season, "pk", None))


def leaderboard(*, show=None, season=None) -> list:
    """Fans with a settled theory (on `show`'s or `season`'s, if given), best record
    first: confirmed, then partly, then fewest debunked, then who joined first. Each is
    given `confirmed`, `partly`, `debunked` and `hit_rate` there.

    Read from the boards' rows (guide.boards) in their index's order: a board costs the
    same however many fans, theories and votes there are."""
    rows = (
        TheoryBoardRow.objects.filter(scope=_board_scope(show, season), user__is_active=True)
        .select_related("user")
        .order_by("-confirmed", "-partly", "debunked", "user")[:LEADERBOARD_SIZE]
    )
    fans = []
    for row in rows:
        fan = row.user
        fan.confirmed, fan.partly, fan.debunked = row.confirmed, row.partly, row.debunked
        fan.hit_rate = hit_rate(fan)
        fans.append(fan)
    return fans


def active_fan(username: str):
    """An active fan by name (their profile), else 404."""
    return get_object_or_404(get_user_model().objects.filter(is_active=True), username=username)


def with_theory_record(fan):
    """The fan, given their record over every show: `confirmed`, `partly`, `debunked`
    (which the leaderboard's every-show board keeps too), `still_open` and `total_score`,
    read live from their theories alone, a row per outcome: their profile shows it as it
    stands, votes included."""
    rows = (
        Theory.objects.in_records()
        .filter(author=fan)
        .values_list("outcome")
        .annotate(theories=Count("pk"), score=Sum("score"))
        .order_by()
    )
    by_outcome = {outcome: (theories, score) for outcome, theories, score in rows}
    fan.confirmed, fan.partly, fan.debunked, fan.still_open = (
        by_outcome.get(outcome, (0, 0))[0]
        for outcome in (Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED, Outcome.OPEN)
    )
    fan.total_score = sum(score for _theories, score in by_outcome.values())
    return fan


# Theory listings -----------------------------------------------------------------------


def theories_by(fan, *, reader) -> QuerySet:
    """A fan's theories as `reader` may see them, newest first (their profile)."""
    return Theory.objects.for_listing(reader).filter(author=fan).new()


def theory_listing(*, user, filters: dict) -> tuple[QuerySet, dict]:
    """The theories a reader may see, narrowed by the list's filters and in its order.

    `filters` is a valid TheoryFilterForm's cleaned data. Returns the theories and the
    chosen show, season and character (for headings); an unknown one is a 404.
    """
    theories = Theory.objects.for_listing(user)
    chosen = {}
    if filters.get("show"):
        chosen["show"] = get_object_or_404(Show.objects.published(), slug=filters["show"])
        theories = theories.filter(season__show=chosen["show"])
    if filters.get("season"):
        chosen["season"] = get_object_or_404(
            Season.objects.published().select_related("show"), pk=filters["season"]
        )
        theories = theories.for_season(chosen["season"])
    if filters.get("character"):
        chosen["character"] = get_object_or_404(
            Character.objects.published().select_related("show"), pk=filters["character"]
        )
        theories = theories.about(chosen["character"])
    if filters.get("outcome"):
        theories = theories.filter(outcome=filters["outcome"])
    if filters.get("language"):
        theories = theories.filter(language=filters["language"])
    return theories.ordered(filters.get("sort") or TheoryOrder.HOT), chosen


def distinct_shows(shows) -> list[Show]:
    """Each show once, in the order first met: whose watch level a page offers to set."""
    seen: dict[int, Show] = {}
    for show in shows:
        seen.setdefault(show.pk, show)
    return list(seen.values())


# Season guide --------------------------------------------------------------------------

PAGE_THEORIES = 5


@dataclass
class SeasonGuide:
    season: Season
    seasons: list[Season]
    facts: list[Fact]
    episodes: list[Episode]
    timeline: list[dict]
    returning_cast: list[CharacterStatus]
    new_cast: list[CharacterStatus]
    theories: QuerySet


def dated_releases(show) -> tuple[list[Season], list[Episode]]:
    """A show's seasons and episodes that have a release date, in order (its calendar),
    each episode with its season: two reads, however many there are."""
    seasons = list(show.seasons.filter(release_date__isnull=False).order_by("number"))
    episodes = list(
        Episode.objects.filter(season__show=show, release_date__isnull=False)
        .select_related("season__show")
        .order_by("season__number", "number")
    )
    return seasons, episodes


def season_guide(*, slug: str, number: int, user) -> SeasonGuide:
    """Everything the season guide shows: facts, a dated timeline, cast, top theories."""
    season = get_object_or_404(
        Season.objects.previewable_by(user).select_related("show").with_follow_of(user),
        show__slug=slug,
        number=number,
    )
    facts = list(season.facts.select_related("quoted_person").order_by("order", "pk"))
    # A character's statuses are all in its own show's seasons (CharacterStatus.clean).
    earlier = CharacterStatus.objects.filter(
        character=OuterRef("character"), season__number__lt=season.number
    )
    cast = list(
        season.character_statuses.select_related("character__actor", "character__show")
        .annotate(is_returning=Exists(earlier))
        .order_by("character__billing_order", "character__name")
    )
    return SeasonGuide(
        season=season,
        seasons=list(season.show.seasons.order_by("number")),
        # A timeline entry without an answer is only a date; the timeline shows it.
        facts=[fact for fact in facts if not fact.milestone or fact.answer],
        episodes=list(season.episodes.order_by("number")),
        timeline=season_timeline(season, facts),
        returning_cast=[entry for entry in cast if entry.is_returning],
        new_cast=[entry for entry in cast if not entry.is_returning],
        # "Top theories": the fans' best-rated, as the heading says (Wilson lower bound).
        theories=Theory.objects.for_listing(user).for_season(season).top()[:PAGE_THEORIES],
    )


def season_timeline(season: Season, facts: list[Fact], *, today=None) -> list[dict]:
    """The season's dated milestones, oldest first, from its facts and its own dates.

    A release date still to come reads "Release date", never "Released".
    """
    today = today or timezone.localdate()
    entries = [
        {"date": fact.happened_on, "milestone": fact.milestone, "fact": fact}
        for fact in facts
        if fact.on_timeline
    ]
    covered = {fact.milestone for fact in facts if fact.milestone}
    if season.renewal_announced_on and Milestone.RENEWED not in covered:
        entries.append({"date": season.renewal_announced_on, "milestone": Milestone.RENEWED})
    if season.release_date and Milestone.RELEASED not in covered:
        entries.append({"date": season.release_date, "milestone": Milestone.RELEASED})
    for entry in entries:
        entry["upcoming"] = entry["date"] > today
        coming = entry["upcoming"] and entry["milestone"] == Milestone.RELEASED
        entry["label"] = _("Release date") if coming else Milestone(entry["milestone"]).label
    return sorted(entries, key=lambda entry: entry["date"])


# Reports -------------------------------------------------------------------------------


def open_report_of(*, reporter, theory=None, comment=None) -> Report | None:
    """The fan's open report on a theory or comment: theirs to change until it is closed."""
    return Report.objects.filter(
        reporter=reporter, status=ReportStatus.OPEN, theory=theory, comment=comment
    ).first()


# The public moderation log ---------------------------------------------------------------

_THEORY, _COMMENT = ModerationTarget.THEORY, ModerationTarget.COMMENT
# Whole sentences, so that each reads naturally once translated; the item follows.
_LOG_SENTENCES = {
    (ModerationKind.HIDE, _THEORY): gettext_lazy("%(who)s hid a theory:"),
    (ModerationKind.HIDE, _COMMENT): gettext_lazy("%(who)s hid a comment:"),
    (ModerationKind.RESTORE, _THEORY): gettext_lazy("%(who)s restored a theory:"),
    (ModerationKind.RESTORE, _COMMENT): gettext_lazy("%(who)s restored a comment:"),
    (ModerationKind.RESOLVE_REPORT, _THEORY): gettext_lazy(
        "%(who)s upheld a report of a theory (%(detail)s):"
    ),
    (ModerationKind.RESOLVE_REPORT, _COMMENT): gettext_lazy(
        "%(who)s upheld a report of a comment (%(detail)s):"
    ),
    (ModerationKind.DISMISS_REPORT, _THEORY): gettext_lazy(
        "%(who)s dismissed a report of a theory (%(detail)s):"
    ),
    (ModerationKind.DISMISS_REPORT, _COMMENT): gettext_lazy(
        "%(who)s dismissed a report of a comment (%(detail)s):"
    ),
    (ModerationKind.SET_OUTCOME, _THEORY): gettext_lazy(
        "%(who)s set the outcome of a theory to “%(detail)s”:"
    ),
}


@dataclass
class LogEntry:
    action: ModerationAction
    sentence: str
    target: str
    url: str | None


def moderation_log_actions():
    """The log, newest first, with what its sentences and links need in the same query."""
    return ModerationAction.objects.select_related(
        "moderator", "theory__season__show", "comment__theory__season__show"
    ).order_by("-created_at", "-pk")


def moderation_log_entries(actions) -> list[LogEntry]:
    """Each action as a sentence ("Moderator Ana hid a theory:") and the item it was about,
    linked while the item still exists and anyone may see it."""
    return [
        LogEntry(
            action=action,
            sentence=_log_sentence(action),
            target=action.target_name,
            url=_public_url(action),
        )
        for action in actions
    ]


def _log_sentence(action: ModerationAction) -> str:
    if action.moderator is not None:
        who = _("Moderator %(name)s") % {"name": action.moderator.public_name}
    else:
        who = _("A former moderator")
    template = _LOG_SENTENCES.get((action.kind, action.target_kind))
    if template is None:  # rows logged before targets were recorded by kind
        return _("%(who)s: %(action)s") % {"who": who, "action": action.get_kind_display()}
    return template % {"who": who, "detail": action.detail_label}


def _public_url(action: ModerationAction) -> str | None:
    comment, theory = action.comment, action.theory
    if comment is not None:
        theory = comment.theory
    if theory is None or theory.is_hidden or not theory.season.show.is_published:
        return None
    if comment is not None:
        return None if comment.is_hidden else comment.get_absolute_url()
    return theory.get_absolute_url()


# Edit history ----------------------------------------------------------------------------

EDITS_PER_PAGE = 20
DIFF_LINES = 300


@dataclass
class Version:
    """One text an item had: its title (theories), body and spoiler tag."""

    title: str
    body: str
    spoiler_season: int | None
    shield_season: int | None  # what the page shields it with


@dataclass
class Edit:
    """One edit: when, the text before and after, and the body's lines as they changed
    ("same", "removed" or "added"), shielded as the later-spoiling of the two texts."""

    at: datetime
    before: Version
    after: Version
    lines: list[tuple[str, str]]

    @property
    def shield_season(self) -> int | None:
        tags = [v.shield_season for v in (self.before, self.after) if v.shield_season]
        return max(tags, default=None)

    @property
    def title_changed(self) -> bool:
        return self.before.title != self.after.title

    @property
    def tag_changed(self) -> bool:
        return self.before.spoiler_season != self.after.spoiler_season


@dataclass
class History:
    item: Theory | Comment | Prediction
    theory: Theory | None  # the item's theory; None for a community question
    page: Page  # of the edits, newest first
    edits: list[Edit]
    posted: Version | None  # the text as first posted, on the last page
    posted_at: datetime

    @property
    def kind(self) -> str:
        """ "theory", "comment" or "prediction"."""
        return self.item._meta.model_name

    @property
    def show(self):
        owner = self.item if isinstance(self.item, Prediction) else self.theory
        return owner.season.show


def theory_history(*, pk: int, user, page: str | None) -> History:
    """A theory's edits, for anyone who may read the theory; not once it is withdrawn,
    as its text is gone from the site."""
    theory = get_object_or_404(
        Theory.objects.visible_to(user).filter(not_withdrawn()).select_related("season__show"),
        pk=pk,
    )
    return _history(theory, theory, theory.revisions.all(), page)


def comment_history(*, pk: int, user, page: str | None) -> History:
    """A comment's edits, for anyone who may read the comment and its theory."""
    comment = get_object_or_404(Comment.objects.visible_to(user), pk=pk)
    theory = get_object_or_404(
        Theory.objects.visible_to(user).select_related("season__show"), pk=comment.theory_id
    )
    return _history(comment, theory, comment.revisions.all(), page)


def prediction_history(*, pk: int, user, page: str | None) -> History:
    """A prediction's rewordings (claim, criteria, spoiler tag), for anyone who may read
    it: what each forecast on it was made under."""
    prediction = get_object_or_404(
        Prediction.objects.visible_to(user).select_related("season__show", "theory"), pk=pk
    )
    return _history(prediction, prediction.theory, prediction.revisions.all(), page)


def _current_version(item) -> Version:
    if isinstance(item, Prediction):
        return Version(item.claim, item.criteria, item.spoiler_season, item.claim_season)
    return Version(getattr(item, "title", ""), item.body, item.spoiler_season, item.spoiler_season)


def _history(item, theory: Theory | None, revisions: QuerySet, page_number: str | None) -> History:
    current = _current_version(item)
    # Newest first by number: revisions are numbered in the order the edits were made.
    page = Paginator(revisions.order_by("-pk"), EDITS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    # Each edit replaced a revision with the next newer text: the current text on the
    # first page, else the revision just before this page's first.
    newer = (
        revisions.filter(pk__gt=rows[0].pk).order_by("pk").first()
        if rows and page.has_previous()
        else None
    )
    for revision in (*rows, newer):  # each one's shield reads its item: the one here
        if revision is not None:
            setattr(revision, item._meta.model_name, item)
    after = _version(newer) if newer is not None else current
    edits = []
    for row in rows:
        before = _version(row)
        edits.append(
            Edit(
                at=row.replaced_at,
                before=before,
                after=after,
                lines=_line_diff(before.body, after.body),
            )
        )
        after = before
    last_page = not page.has_next()
    return History(
        item=item,
        theory=theory,
        page=page,
        edits=edits,
        posted=after if last_page else None,
        posted_at=item.created_at,
    )


def _version(revision: Revision) -> Version:
    return Version(revision.title, revision.body, revision.spoiler_season, revision.shield_season)


def _line_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The body's lines, each kept, removed or added. By line, as Markdown paragraphs are
    lines; a text with more than DIFF_LINES lines (made so on purpose: the body's limit
    allows 10,000 one-letter lines) shows as all removed and all added, so the work
    stays bounded."""
    old, new = before.splitlines(), after.splitlines()
    if max(len(old), len(new)) > DIFF_LINES:
        return [("removed", line) for line in old] + [("added", line) for line in new]
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if tag == "equal":
            lines += [("same", line) for line in old[i1:i2]]
            continue
        lines += [("removed", line) for line in old[i1:i2]]
        lines += [("added", line) for line in new[j1:j2]]
    return lines


# Discussions ---------------------------------------------------------------------------

COMMENTS_PER_PAGE = 50
# Levels of replies a page shows under each of its comments; a deeper reply, or one past
# REPLIES_PER_LEVEL, is on its comment's own page ("continue this thread").
REPLY_LEVELS = 2
REPLIES_PER_LEVEL = 200


def discussion(*, theory: Theory, user, order: str, page: str | None, own_marks: bool) -> Page:
    """A page of a theory's comments, each with `shown_replies` down REPLY_LEVELS levels
    and `reply_count` (CommentQuerySet.in_thread_of, which says what `own_marks` does).
    1 + REPLY_LEVELS queries and a count, however long the thread."""
    comments = theory.comments.filter(parent=None)
    return _threaded(comments, user=user, order=order, page=page, own_marks=own_marks)


@dataclass
class Thread:
    comment: Comment  # the comment whose page this is
    theory: Theory
    page: Page  # of its replies, threaded as a discussion's comments are


def comment_thread(*, pk: int, user, order: str, page: str | None) -> Thread:
    """A comment's own page: the comment and a page of its replies, threaded, for anyone
    who may read its theory and it (or may read replies to it, where it stands in for a
    hidden or deleted comment)."""
    comment = _comment_on_its_theory(pk, user)
    replies = _threaded(comment.replies.all(), user=user, order=order, page=page)
    comment.shown_replies = list(replies.object_list)
    comment.replies_paged = True  # the rest are on the next pages, not another thread
    return Thread(comment=comment, theory=comment.theory, page=replies)


def reply_target(*, pk: int, user) -> Comment:
    """The comment a fan answers, with its theory, on the page where they write."""
    comment = _comment_on_its_theory(pk, user)
    comment.shown_replies = []
    return comment


def _comment_on_its_theory(pk: int, user) -> Comment:
    theory = get_object_or_404(
        Theory.objects.visible_to(user).select_related("season__show").with_last_season(),
        comments__pk=pk,
    )
    comment = get_object_or_404(Comment.objects.in_thread_of(user), pk=pk, theory=theory)
    comment.theory = theory
    return comment


def _threaded(
    comments: QuerySet, *, user, order: str, page: str | None, own_marks: bool = True
) -> Page:
    """A page of `comments` in `order`, and under each its replies, level by level: one
    query a level, each bounded, so a deep or busy thread costs no more."""
    in_thread = comments.in_thread_of(user, own_marks=own_marks).ordered(order)
    page_obj = _page_of(in_thread, page)
    level = page_obj.object_list = list(page_obj.object_list)
    for _level in range(REPLY_LEVELS + 1):
        for comment in level:
            comment.shown_replies = []
        parents = {comment.pk: comment for comment in level if comment.reply_count}
        if not parents or _level == REPLY_LEVELS:
            break
        level = list(
            Comment.objects.filter(parent__in=list(parents))
            .in_thread_of(user, own_marks=own_marks)
            .ordered(order)[:REPLIES_PER_LEVEL]
        )
        for reply in level:
            parents[reply.parent_id].shown_replies.append(reply)
    return page_obj


def _page_of(comments: QuerySet, page: str | None) -> Page:
    """Page `page` of `comments` (Paginator.get_page). The first page is read with one
    more row, which tells whether there are others: only then are they counted, so a
    discussion that fits on one page (most do) costs one query."""
    if page not in (None, "", "1"):
        return Paginator(comments, COMMENTS_PER_PAGE).get_page(page)
    first = list(comments[: COMMENTS_PER_PAGE + 1])
    if len(first) <= COMMENTS_PER_PAGE:
        return Paginator(first, COMMENTS_PER_PAGE).get_page(1)
    page_obj = Paginator(comments, COMMENTS_PER_PAGE).page(1)
    page_obj.object_list = first[:COMMENTS_PER_PAGE]
    return page_obj


# The inbox ---------------------------------------------------------------------------

INBOX_LINES_PER_PAGE = 50


@dataclass
class InboxGroup:
    """Lines of one kind about one theory (or season) on an inbox page: "3 new
    comments on …"."""

    kind: str
    theory: Theory | None  # None for a season's news
    unread: bool
    lines: list  # of Notification, newest first

    @property
    def newest(self):
        return self.lines[0]

    @property
    def openable(self) -> bool:
        """Whether the reader may still go where the group leads: a season's page, or
        its theory."""
        return self.newest.season_id is not None or self.newest.theory_readable

    @property
    def actors(self) -> list:
        """The fans behind the lines, newest first, each once (None: a deleted account)."""
        seen, actors = set(), []
        for line in self.lines:
            if line.actor_id not in seen:
                seen.add(line.actor_id)
                actors.append(line.actor)
        return actors


def unread_count(user) -> int:
    """How many lines of the fan's inbox they have not read: one indexed count."""
    return Notification.objects.filter(recipient=user, read_at=None).count()


def _news_lines(user) -> QuerySet:
    """A fan's inbox lines with what their summaries read, and whether the fan may
    still read each line's comment and theory."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("actor", "theory__season__show", "comment", "season__show")
        .annotate(
            comment_readable=Exists(
                Comment.objects.visible_to(user).filter(pk=OuterRef("comment"))
            ),
            theory_readable=Exists(Theory.objects.visible_to(user).filter(pk=OuterRef("theory"))),
        )
        .order_by("-created_at", "-pk")
    )


def group_lines(lines) -> list[InboxGroup]:
    """Lines (newest first) grouped by theory, kind and whether read, in order of their
    newest line. New theories group by their season; everything else by its theory."""
    groups: dict[tuple, InboxGroup] = {}
    for line in lines:
        if line.kind == NotificationKind.SEASON:
            about = line.season_id
        elif line.kind == NotificationKind.THEORY:
            about = line.theory.season_id
        else:
            about = line.theory_id
        key = (about, line.kind, line.change, line.read_at is None)
        if key not in groups:
            groups[key] = InboxGroup(
                kind=line.kind, theory=line.theory, unread=line.read_at is None, lines=[]
            )
        groups[key].lines.append(line)
    return list(groups.values())


def inbox(*, user, page: str | None) -> tuple[Page, list[InboxGroup]]:
    """A page of the fan's inbox, newest first, grouped (group_lines).

    A line holds no text: it names who did what on which theory (by its spoiler-free
    headline), and its comment's own page shows the rest behind the reader's shield."""
    page_obj = Paginator(_news_lines(user), INBOX_LINES_PER_PAGE).get_page(page)
    return page_obj, group_lines(page_obj.object_list)


# Mail -----------------------------------------------------------------------------------

DIGEST_LINES = 200  # the newest; the inbox holds the rest


def mail_preference(user) -> MailPreference:
    """The fan's mail choices: their row, or the defaults (unsaved) if they made none."""
    return MailPreference.objects.filter(user=user).first() or MailPreference(user=user)


def _chose(kind: str, choice: str) -> Q:
    """Lines whose recipient chose `choice` for mail of `kind`."""
    chose = (
        Q(recipient__mail_preference__isnull=True)
        if (MailPreference.DEFAULTS[kind] == choice)
        else Q(pk__in=[])
    )
    return Q(kind=kind) & (Q(**{f"recipient__mail_preference__{kind}": choice}) | chose)


def _mailable() -> QuerySet:
    """Lines a mail may still tell of: unread, not mailed, to an active fan with a
    confirmed address, about a comment and theory everyone may still read."""
    readable = (
        (Q(theory=None) | Q(theory__in=Theory.objects.visible_to(None).filter(not_withdrawn())))
        & (Q(comment=None) | Q(comment__in=Comment.objects.visible_to(None)))
        & (Q(season=None) | Q(season__in=Season.objects.published()))
    )
    return (
        Notification.objects.filter(read_at=None, mailed_at=None)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        # A decision on a fan's own writing reaches them however it left it.
        .filter(readable | Q(kind=NotificationKind.MODERATION))
    )


def instant_mail_lines(about: Q, *, now, daily_limit, quiet) -> list[Notification]:
    """The lines `about` one event to mail at once: to fans who chose that for their
    kind, within the mail limits (NotificationQuerySet.within_mail_limits; the digest
    takes the rest)."""
    wanted = Q(pk__in=[])
    for kind in NotificationKind.values:
        wanted |= _chose(kind, MailChoice.INSTANT)
    # First the few who want it at once, by an index; only then the costlier rules, so a
    # theory's thousand followers who chose the digest cost one cheap read.
    candidates = list(
        Notification.objects.filter(about, wanted, read_at=None, mailed_at=None).values_list(
            "pk", flat=True
        )
    )
    if not candidates:
        return []
    return list(
        _mailable()
        .filter(pk__in=candidates)
        .within_mail_limits(now=now, daily_limit=daily_limit, quiet=quiet)
        .select_related(
            "recipient__mail_preference",
            "actor",
            "theory__season__show",
            "comment",
            "season__show",
        )
        .order_by("recipient_id", "pk")  # a fan's lines together, in the order they came
    )


def watched_seasons(user_ids, show_id: int) -> dict[int, int]:
    """How far each of these fans has watched the show, for those who said."""
    return dict(
        WatchProgress.objects.filter(user_id__in=list(user_ids), show_id=show_id).values_list(
            "user_id", "seasons_watched"
        )
    )


def _digestible(*, now, every) -> QuerySet:
    """Lines a digest may tell of: mailable, of kinds their fan did not turn off, to fans
    who got no digest in the last `every`. Lines held back from instant mail (by the
    quiet time or the daily limit) are among them; the daily limit keeps the digest's
    place (instant_mail_lines)."""
    off = Q(pk__in=[])
    for kind in NotificationKind.values:
        off |= _chose(kind, MailChoice.OFF)
    digested = SentMail.objects.filter(
        recipient=OuterRef("recipient"), digest=True, sent_at__gt=now - every
    )
    return _mailable().exclude(off).exclude(Exists(digested))


def digest_recipients(*, now, every) -> QuerySet:
    """Ids of the fans owed a digest."""
    return (
        _digestible(now=now, every=every)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digestible_lines(user_id: int, *, now, every) -> QuerySet:
    """The lines a digest to this fan would tell of now."""
    return _digestible(now=now, every=every).filter(recipient_id=user_id)


def fan(user_id: int):
    """A fan by id (who a digest goes to), with their mail choices if they made any."""
    return get_user_model()._default_manager.select_related("mail_preference").get(pk=user_id)


def progress_of(user) -> dict[int, int]:
    """How far the fan said they watched, per show."""
    return dict(WatchProgress.objects.filter(user=user).values_list("show_id", "seasons_watched"))


def digest_lines(user, *, claimed_at) -> list[InboxGroup]:
    """The lines a digest claimed for the fan, grouped as their inbox groups them."""
    return group_lines(_news_lines(user).filter(mailed_at=claimed_at)[:DIGEST_LINES])


def follows(user, theory_ids) -> set[int]:
    """Which of these theories the fan follows."""
    return set(
        Follow.objects.filter(user=user, theory_id__in=list(theory_ids)).values_list(
            "theory_id", flat=True
        )
    )


MENTION_SUGGESTIONS = 8


def fans_named_like(prefix: str) -> list:
    """Active fans whose username starts with `prefix` (any case), for @mention
    suggestions: the first few by name, read through the case-blind username index."""
    if not prefix:
        return []
    fans = (
        get_user_model()
        ._default_manager.annotate(lowered=Lower("username"))
        .filter(lowered__startswith=prefix.lower(), is_active=True)
        .order_by("lowered")
        .only("username", "display_name")
    )
    return list(fans[:MENTION_SUGGESTIONS])


SAVED_PER_PAGE = 50


def saved_items(*, user, page: str | None) -> Page:
    """A page of what the fan saved, newest first: only what they may still read."""
    theories = Theory.objects.visible_to(user)
    items = (
        Bookmark.objects.filter(user=user)
        .filter(
            Q(theory__in=theories.filter(not_withdrawn()))
            | Q(comment__in=Comment.objects.visible_to(user), comment__theory__in=theories)
        )
        .select_related(
            "theory__season__show",
            "comment__author",
            "comment__theory__season__show",
        )
        .order_by("-created_at", "-pk")
    )
    page_obj = Paginator(items, SAVED_PER_PAGE).get_page(page)
    page_obj.object_list = list(page_obj.object_list)
    for bookmark in page_obj.object_list:  # their Save buttons read it
        (bookmark.theory or bookmark.comment).saved = True
    return page_obj


FOLLOWING_SHOWN = 200  # of each kind, the newest follows first


@dataclass
class Following:
    """Everything a fan follows that they may still see, newest follow first."""

    theories: list
    seasons: list
    shows: list
    fans: list


def following(user) -> Following:
    """What the fan follows, for their Following page: four bounded reads."""

    def newest(follows: QuerySet, field: str) -> list:
        shown = follows.order_by("-created_at", "-pk")[:FOLLOWING_SHOWN]
        return [getattr(follow, field) for follow in shown]

    return Following(
        theories=newest(
            Follow.objects.filter(user=user)
            .filter(theory__in=Theory.objects.visible_to(user).filter(not_withdrawn()))
            .select_related("theory__season__show"),
            "theory",
        ),
        seasons=newest(
            SeasonFollow.objects.filter(user=user, season__show__is_published=True).select_related(
                "season__show"
            ),
            "season",
        ),
        shows=newest(
            ShowFollow.objects.filter(user=user, show__is_published=True).select_related("show"),
            "show",
        ),
        fans=newest(
            FanFollow.objects.filter(user=user, fan__is_active=True).select_related("fan"),
            "fan",
        ),
    )


def followed_fans(user, fan_ids) -> set[int]:
    """Which of these fans the fan follows."""
    return set(
        FanFollow.objects.filter(user=user, fan_id__in=list(fan_ids)).values_list(
            "fan_id", flat=True
        )
    )


# Predictions and forecasts ----------------------------------------------------------------

TREND_POINTS = 60  # a crowd's history is drawn from at most this many moments


@dataclass
class Crowd:
    median: float | None
    forecasters: int


@dataclass
class PredictionPage:
    """A prediction's page but its crowd, which every reader shares (crowd_and_trend)."""

    prediction: Prediction
    mine: list[Forecast]  # the reader's forecasts, oldest first; the last is current
    my_score: ForecastScore | None
    # A theory's claim: its author's forecasts, oldest first, which a share card quotes.
    stated: list[Forecast]


def crowds(prediction_ids) -> dict[int, Crowd]:
    """Each prediction's crowd: the median of its fans' current forecasts, and how many,
    from its kept counts (CrowdBucket: at most 99 rows a prediction)."""
    counts: dict[int, dict[int, int]] = {pk: {} for pk in prediction_ids}
    rows = CrowdBucket.objects.filter(prediction_id__in=list(counts))
    for prediction_id, percent, forecasters in rows.values_list(
        "prediction_id", "percent", "forecasters"
    ):
        counts[prediction_id][percent] = forecasters
    return {pk: _crowd_of(found) for pk, found in counts.items()}


def _crowd_of(counts: dict[int, int]) -> Crowd:
    return Crowd(scoring.median_of_counts(counts), sum(counts.values()))


def predictions_of(theory: Theory) -> list[Prediction]:
    """A theory's predictions, each with its `crowd`."""
    return _with_crowds(theory.predictions.select_related("season").order_by("created_at", "pk"))


def questions(*, user) -> list[Prediction]:
    """The community questions, open ones first, newest first, each with its `crowd`."""
    return _with_crowds(
        Prediction.objects.visible_to(user)
        .questions()
        .select_related("season__show")
        .order_by(Case(When(resolution="open", then=0), default=1), "-created_at", "-pk")
    )


def _with_crowds(predictions) -> list[Prediction]:
    """The predictions, each with its `crowd`, read for all of them at once."""
    found = list(predictions)
    by_pk = crowds(prediction.pk for prediction in found)
    for prediction in found:
        prediction.crowd = by_pk[prediction.pk]
    return found


def prediction_page(*, pk: int, user, own: bool = True) -> PredictionPage:
    """The prediction `user` may see, with their own forecasts and score unless `own` is
    false (a page shared with fans reads each fan's as it is served: own_forecasts)."""
    prediction = get_object_or_404(
        Prediction.objects.visible_to(user)
        .select_related("season__show", "theory", "author")
        # The page links the theory and reads its tag and state, never its text.
        # The fact that settled it, if any, is read where the page shows it: as three
        # more joins here it took PostgreSQL longer to plan (2.3 ms) than the page's
        # other queries took to run.
        .defer("theory__body", "theory__body_html", "theory__search_text", "theory__excerpt"),
        pk=pk,
    )
    mine, my_score = [], None
    if own and user.is_authenticated:
        mine = own_forecasts(user.pk, prediction.pk)
        if prediction.is_resolved:
            my_score = own_score(user.pk, prediction.pk)
    stated = []
    if prediction.theory_id is not None and prediction.author_id is not None:
        stated = list(Forecast.objects.filter(prediction=prediction, user=prediction.author_id))
    return PredictionPage(prediction=prediction, mine=mine, my_score=my_score, stated=stated)


def _fans_rows_on(model, _shape=None, *, user_id: int, prediction_id: int):
    columns = [field.attname for field in model._meta.concrete_fields]
    rows = model.objects.filter(user_id=user_id, prediction_id=prediction_id)
    return rows.values_list(*columns)  # in the model's order: oldest forecast first


# A fan's own forecasts and score are read at every hit of a prediction's page they
# forecast on (guide.marks): built and compiled once, as building them cost more than
# running them.
_OWN_FORECASTS = PreparedQuery(functools.partial(_fans_rows_on, Forecast))
_OWN_SCORE = PreparedQuery(functools.partial(_fans_rows_on, ForecastScore))


def _rows_as(model, rows: list[tuple]) -> list:
    columns = [field.attname for field in model._meta.concrete_fields]
    return [model.from_db(DEFAULT_DB_ALIAS, columns, row) for row in rows]


def own_forecasts(user_id: int, prediction_id: int) -> list[Forecast]:
    """The fan's forecasts on the prediction, oldest first; the last is current."""
    return _rows_as(Forecast, _OWN_FORECASTS.all(user_id=user_id, prediction_id=prediction_id))


def own_score(user_id: int, prediction_id: int) -> ForecastScore | None:
    """What the fan's forecast on the prediction scored, once it is resolved."""
    row = _OWN_SCORE.first(user_id=user_id, prediction_id=prediction_id)
    return None if row is None else _rows_as(ForecastScore, [row])[0]


def crowd_and_trend(prediction_id: int) -> tuple[Crowd, list[CrowdPoint]]:
    """The crowd's median now and as it moved, from what is kept of it as forecasts are
    made (CrowdBucket, CrowdDay): the same few rows however many fans forecast. Pages
    show it through the crowd piece ({% crowd_section %}), which keeps it rendered until
    the next forecast."""
    counts = CrowdBucket.objects.filter(prediction_id=prediction_id)
    days = CrowdDay.objects.filter(prediction_id=prediction_id)
    trend = [CrowdPoint(*row) for row in days.values_list("at", "median", "forecasters")]
    return _crowd_of(dict(counts.values_list("percent", "forecasters"))), scoring.spread(
        trend, TREND_POINTS
    )


def crowd_trend(forecasts: list[tuple[int, int, datetime]]) -> list[CrowdPoint]:
    """The crowd's median as it moved, from every forecast (fan, per cent, when), oldest
    first: at the end of each day that had forecasts, at most TREND_POINTS of those
    days, spread evenly, the last always kept. What crowd_and_trend reads, kept."""
    return scoring.spread(scoring.crowd_by_day(forecasts, timezone.localdate), TREND_POINTS)


@dataclass
class ForecastRecord:
    forecasts: int
    mean_brier: float | None
    mean_peer: float | None
    calibration: list[scoring.CalibrationBucket]
    # Show id -> the latest season whose resolutions the scores give away: with few
    # forecasts, a score tells how a prediction turned out.
    reveals: dict[int, int]


def called_it(prediction) -> ForecastScore | None:
    """The author's scored forecast on their own claim that came true: what its share
    card shows (guide.cards); None for a question, or a claim that did not come true."""
    if prediction.theory_id is None or prediction.resolution != "yes":
        return None
    return ForecastScore.objects.filter(prediction=prediction, user_id=prediction.author_id).first()


def forecasters(*, show=None, season=None, minimum: int) -> list[dict]:
    """Fans with at least `minimum` scored forecasts (on `show`'s or `season`'s
    predictions, if given), best mean peer score first, then best (lowest) mean Brier:
    each as `fan`, `scored`, `mean_peer` and `mean_brier`. Peer scores say who beat the
    crowd on the same questions, so posting many easy forecasts earns nothing. Read from
    the records (guide.boards) in their index's order, as the leaderboard is."""
    rows = (
        ForecastBoardRow.objects.filter(
            scope=_board_scope(show, season), user__is_active=True, scored__gte=minimum
        )
        .select_related("user")
        .order_by("-mean_peer", "mean_brier", "user")[:LEADERBOARD_SIZE]
    )
    return [
        {
            "fan": row.user,
            "scored": row.scored,
            "mean_peer": row.mean_peer,
            "mean_brier": row.mean_brier,
        }
        for row in rows
    ]


def forecast_record(fan) -> ForecastRecord:
    """A fan's scored forecasts: how many, their mean Brier and peer scores, and their
    calibration, from the stored scores (never recomputed): one read, a row for each
    per cent they stated (at most 99), however many forecasts they made."""
    by_percent = list(
        ForecastScore.objects.in_records()
        .filter(user=fan)
        .values("percent")
        .annotate(
            made=Count("pk"),
            came_true=Count("pk", filter=Q(happened=True)),
            brier=Sum("brier"),
            peer=Sum("peer_score"),
        )
        .order_by()
    )
    count = sum(row["made"] for row in by_percent)
    resolved_in = (
        ForecastScore.objects.in_records()
        .filter(user=fan)
        .values_list("prediction__season__show_id")
        .annotate(
            latest=Max(
                Greatest(
                    "prediction__season__number",
                    Coalesce("prediction__spoiler_season", 0),
                    Coalesce("prediction__theory__spoiler_season", 0),
                )
            )
        )
        .order_by()
        if count
        else []
    )
    return ForecastRecord(
        reveals=dict(resolved_in),
        forecasts=count,
        mean_brier=sum(row["brier"] for row in by_percent) / count if count else None,
        mean_peer=sum(row["peer"] for row in by_percent) / count if count else None,
        calibration=scoring.calibration(
            (row["percent"], row["made"], row["came_true"]) for row in by_percent
        ),
    )


# Share cards (guide.cards) ----------------------------------------------------------------
# What anyone a link is shared with may see, as a visitor: the same card for every reader.


def season_card(slug: str, number: int) -> tuple[Season, int, int]:
    """A published season, with its theories and its facts counted."""
    season = get_object_or_404(
        Season.objects.published().select_related("show"), show__slug=slug, number=number
    )
    theories = Theory.objects.visible_to(None).standing().filter(season=season).count()
    return season, theories, Fact.objects.filter(season=season).count()


def character_card(slug: str, character: str) -> tuple[Character, int]:
    """A published character, with the theories about them counted."""
    found = get_object_or_404(
        Character.objects.published().select_related("show", "actor"),
        show__slug=slug,
        slug=character,
    )
    return found, Theory.objects.visible_to(None).standing().about(found).count()


def theory_images(theory: Theory) -> list[TheoryImage]:
    """A theory's pictures in the order they were added, hidden ones included."""
    return list(TheoryImage.objects.filter(theory=theory))


def theory_card(pk: int) -> Theory:
    """A theory anyone may see, with its comments counted (`comment_count`)."""
    return get_object_or_404(
        Theory.objects.visible_to(None)
        .standing()
        .select_related("season__show", "author")
        .with_comment_count(),
        pk=pk,
    )


# The read API (guide.api) -----------------------------------------------------------------
# Public data only, as a visitor reads it: published shows, no hidden or withdrawn theory.
# Each list is in a total order of indexed fields, for keyset pages (core.pagination).


def api_shows() -> QuerySet:
    return Show.objects.published().order_by("title", "pk")


def api_show(slug: str) -> Show:
    return get_object_or_404(
        api_shows().prefetch_related(Prefetch("seasons", Season.objects.order_by("number"))),
        slug=slug,
    )


def api_listed_show(slug: str) -> Show:
    """A published show, for a list of its theories: its id and `season_ids`, in one
    query (a row per season; one without a season for a show that has none yet)."""
    rows = list(Show.objects.published().filter(slug=slug).values_list("pk", "seasons__pk"))
    if not rows:
        raise Http404
    show = Show(pk=rows[0][0])  # all a list's filters read of it
    show.season_ids = [season for _, season in rows if season is not None]
    return show


def api_season(slug: str, number: int) -> Season:
    seasons = Season.objects.published().select_related("show")
    return get_object_or_404(
        seasons.prefetch_related(Prefetch("episodes", Episode.objects.order_by("number"))),
        show__slug=slug,
        number=number,
    )


def api_facts(season: Season, *, kind: str | None = None) -> QuerySet:
    facts = Fact.objects.filter(season=season).select_related("season__show", "quoted_person")
    if kind:
        facts = facts.filter(kind=kind)
    return facts.order_by("order", "pk")


def api_fact(pk: int) -> Fact:
    return get_object_or_404(
        Fact.objects.published().select_related("season__show", "quoted_person"), pk=pk
    )


def api_people() -> QuerySet:
    return Person.objects.filter(roles__show__is_published=True).distinct().order_by("name", "pk")


def api_person(slug: str) -> Person:
    roles = Character.objects.published().select_related("show").order_by("show__title", "pk")
    return get_object_or_404(api_people().prefetch_related(Prefetch("roles", roles)), slug=slug)


def api_characters(show: Show) -> QuerySet:
    return (
        Character.objects.filter(show=show)
        .select_related("show", "actor")
        .order_by("billing_order", "name", "pk")
    )


def api_character(slug: str, character: str) -> Character:
    statuses = CharacterStatus.objects.select_related("season").order_by("season__number")
    return get_object_or_404(
        Character.objects.published()
        .select_related("show", "actor")
        .prefetch_related(Prefetch("statuses", statuses)),
        show__slug=slug,
        slug=character,
    )


def api_theories(
    *,
    show: Show | None,
    season: int | None = None,
    character: Character | None = None,
    outcome: str | None = None,
    language: str | None = None,
    order: str = TheoryOrder.HOT,
) -> QuerySet:
    """The theories anyone may see listed, narrowed as the theory list narrows them and
    in its order: their ordering columns only, as dicts (no instance to build), for a
    keyset page (core.pagination) that the database finds by index; `api_theories_in`
    then reads that page's rows. Read in one query, a narrowed list counted the comments
    of every theory it sorted."""
    if show is None:
        theories = Theory.objects.visible_to(None).standing()
    elif season is None:
        # The show is published (the caller found it so). Its seasons' ids are matched
        # without their index: by it, SQLite sorted every theory of the show for a page;
        # walking the order's own index stops at the page's end.
        seasons = show.season_ids  # api_listed_show
        theories = (
            Theory.objects.filter(is_hidden=False)
            .standing()
            .alias(season_unindexed=_not_by_index("season_id"))
            .filter(season_unindexed__in=seasons)
        )
    else:
        theories = (
            Theory.objects.filter(is_hidden=False)
            .standing()
            .filter(season__show=show, season__number=season)
        )
    if character is not None:
        theories = theories.about(character)
    if outcome:
        theories = theories.filter(outcome=outcome)
    if language:
        theories = theories.filter(language=language)
    return theories.ordered(order).values("pk", "hot", "wilson", "score", "created_at", "id")


def _not_by_index(column: str) -> Func:
    """The column as `+column`: the same value, which no index is used to find (a hint
    both SQLite and PostgreSQL read)."""
    return Func(F(column), template="+%(expressions)s", output_field=IntegerField())


def api_theories_in(pks: list[int]) -> dict[int, Theory]:
    """The columns a list shows of these theories, never their texts (up to 10,000
    characters each), with their comment counts and characters, by id."""
    return _api_theory_rows().order_by().in_bulk(pks)


@functools.cache
def _api_theory_rows() -> QuerySet:
    """Built once: every use clones it (in_bulk, get), so it is never evaluated itself,
    and building its joins and subqueries took a millisecond a request. Its show and
    author come as columns of its own row (`show_slug`, `author_name`): an instance of
    each for every theory of a page was a fifth of the list's time. Its season is one
    (a verdict's spoiler season reads it)."""
    return (
        Theory.objects.visible_to(None)
        .standing()
        .select_related("season")
        .only(*_API_THEORY_COLUMNS)
        .annotate(show_slug=F("season__show__slug"), author_name=F("author__username"))
        .with_comment_count()
        .annotate(character_slugs=_character_slugs())
    )


def _character_slugs() -> Subquery:
    """A theory's characters' slugs, space-separated in no set order (SQLite cannot order
    an aggregate), in its own row: no second query and no character objects for a page
    of theories."""
    about = Theory.characters.through.objects.filter(theory_id=OuterRef("pk"))
    return Subquery(
        about.order_by()
        .values("theory_id")
        .annotate(slugs=StringAgg("character__slug", Value(" ")))
        .values("slugs")
    )


_API_THEORY_COLUMNS = (
    "slug",
    "title",
    "spoiler_free_title",
    "language",
    "spoiler_season",
    "outcome",
    "is_hidden",
    "withdrawn_at",
    "created_at",
    "edited_at",
    "upvotes",
    "downvotes",
    "score",
    "season__number",
)


def api_theory(pk: int) -> Theory:
    """A theory with its texts and its claims."""
    claims = Prediction.objects.filter(theory_id=pk).select_related("season").order_by("pk")
    return get_object_or_404(
        _api_theory_rows()
        .only(*_API_THEORY_COLUMNS, "body", "outcome_note")
        .prefetch_related(Prefetch("predictions", claims)),
        pk=pk,
    )
