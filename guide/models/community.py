"""What fans write: theories, votes and comments."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide import permissions, topics
from guide.models.base import (
    SPOILER_HELP,
    _choices_constraint,
    _spoiler_season_constraint,
    check_spoiler_season,
)
from guide.models.content import Character, Season
from guide.permissions import MODERATE_CODENAME
from guide.textfold import fold
from guide.uploads import RandomName, UploadedImageField, validate_image


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY = "partly", _("Partly confirmed")
    DEBUNKED = "debunked", _("Debunked")


class TheoryOrder(models.TextChoices):
    HOT = "hot", _("Hot")
    TOP = "top", _("Top")
    NEW = "new", _("New")


def _last_season_of(show: str) -> Subquery:
    """The highest season number of the show at the `show` path: what a spoiler may name."""
    seasons = Season.objects.filter(show=OuterRef(show)).order_by("-number")
    return Subquery(seasons.values("number")[:1])


# The address word of a theory whose title must not show in its address (see `url_slug`).
WITHDRAWN_SLUG = "withdrawn"
HIDDEN_SLUG = "hidden"


def not_withdrawn(path: str = "") -> Q:
    """Theories their authors have not withdrawn (at `path`, e.g. "theories__"): the only
    ones listings, search, feeds, the sitemap and prediction records count. A withdrawn
    theory keeps only its own page."""
    return Q(**{f"{path}withdrawn_at__isnull": True})


class TheoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(season__show__is_published=True)

    def standing(self):
        """Not withdrawn by their authors (see `not_withdrawn`): what every listing shows."""
        return self.filter(not_withdrawn())

    def in_records(self):
        """What a fan's prediction record counts: theories anyone may see listed, never
        a hidden or withdrawn one, nor an unpublished show's."""
        return self.published().standing().filter(is_hidden=False)

    def visible_to(self, user):
        """Hidden theories exist only for moderators and their own author."""
        return self.visible_as(permissions.reader_kind(user), user_id=getattr(user, "pk", None))

    def visible_as(self, reader: permissions.Reader, *, user_id: int | None):
        """visible_to, for a reader given by kind and id (so that a query can be compiled
        once per kind: core.prepared)."""
        if reader is permissions.Reader.MODERATOR:
            return self
        if reader is permissions.Reader.VISITOR:
            return self.published().filter(is_hidden=False)
        return self.published().filter(Q(is_hidden=False) | Q(author_id=_fan_id(reader, user_id)))

    def for_season(self, season):
        return self.filter(season=season)

    def about(self, character):
        return self.filter(characters=character)

    def hot(self):
        return self.order_by("-hot", "-pk")

    def top(self):
        return self.order_by("-wilson", "-score", "-pk")

    def new(self):
        return self.order_by("-created_at", "-pk")

    def ordered(self, order: str):
        return {TheoryOrder.TOP: self.top, TheoryOrder.NEW: self.new}.get(order, self.hot)()

    def with_vote_of(self, user):
        """Annotate `my_vote` (+1, -1 or None) for the reader, in the same query."""
        if user is None or not user.is_authenticated:
            return self.annotate(
                my_vote=models.Value(None, output_field=models.SmallIntegerField())
            )
        return self.annotate(
            my_vote=Subquery(
                Vote.objects.filter(theory=OuterRef("pk"), user=user).values("value")[:1]
            )
        )

    def with_marks_of(self, user):
        """Annotate `followed` and `saved`: whether the reader follows it and saved it,
        in the same query."""
        if user is None or not user.is_authenticated:
            return self.annotate(followed=models.Value(False), saved=models.Value(False))
        from guide.models.following import Bookmark, Follow  # that module imports this one

        return self.annotate(
            followed=models.Exists(Follow.objects.filter(theory=OuterRef("pk"), user=user)),
            saved=models.Exists(Bookmark.objects.filter(theory=OuterRef("pk"), user=user)),
        )

    def with_comment_count(self, reader=None):
        """Annotate `comment_count`: the comments on it `reader` may read (everyone's,
        without one). Only a theory's own page counts for its reader, where their hidden
        comments show; a card counts what everyone may read, the same card for the hidden
        comment's author, so they share the pages that list it (guide.reading)."""
        visible = Comment.objects.filter(theory=OuterRef("pk")).visible_to(reader)
        return self.annotate(
            comment_count=Coalesce(
                Subquery(
                    visible.order_by().values("theory").annotate(n=Count("pk")).values("n")[:1]
                ),
                0,
            )
        )

    def with_last_season(self):
        """Annotate `show_last_season`, the spoiler menu's limit for comments on it."""
        return self.annotate(show_last_season=_last_season_of("season__show"))

    def _as_read_by(self, user, *, own_marks: bool):
        return (
            self.visible_to(user)
            .select_related("author", "season__show")
            .with_vote_of(user if own_marks else None)
        )

    def for_page(self, user, *, own_marks: bool = True):
        """A theory's own page: withdrawn theories keep theirs, so that other fans'
        comments stay readable. Without `own_marks` (a page shared with fans, whose
        holes show each fan's vote), `my_vote` is None."""
        return self._as_read_by(user, own_marks=own_marks).with_comment_count(user)

    def for_listing(self, user):
        """Cards in a listing (lists, search, profiles, guides): never a withdrawn theory."""
        return self._as_read_by(user, own_marks=True).with_comment_count().standing()


class Theory(ConstraintErrorsByField, models.Model):
    constraint_fields = {"score_is_difference": "score"}

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="theories",
        verbose_name=_("author"),
    )
    season = models.ForeignKey(
        Season,
        on_delete=models.PROTECT,
        related_name="theories",
        verbose_name=_("season it predicts"),
    )
    title = models.CharField(_("title"), max_length=140)
    # Required by the fans' form when the theory has a spoiler season; blank for older
    # theories, which fall back to a generic headline (see `headline`).
    spoiler_free_title = models.CharField(
        _("spoiler-free headline"),
        max_length=140,
        blank=True,
        help_text=_(
            "What readers who have not watched the spoiler season see instead of the title."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=160, blank=True)
    # What the fan wrote it in, one of the site's languages: lists filter by it and pages
    # mark it (lang), so a screen reader reads Korean as Korean on an English page.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    body = models.TextField(_("theory"), max_length=10_000)
    body_html = models.TextField(editable=False, blank=True)
    # Title, headline and body folded for search (guide.textfold), kept by guide.services; on
    # PostgreSQL a full-text GIN index covers it (migration 0005).
    search_text = models.TextField(editable=False, blank=True)
    # The body as plain text, at most EXCERPT_LENGTH characters, for meta tags and feeds:
    # derived once when the theory is written, never on a read (guide.services).
    excerpt = models.TextField(editable=False, blank=True)
    characters = models.ManyToManyField(
        Character, blank=True, related_name="theories", verbose_name=_("characters")
    )
    spoiler_season = models.PositiveSmallIntegerField(
        _("spoiler season"), null=True, blank=True, help_text=SPOILER_HELP
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, default=Outcome.OPEN)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    outcome_source_url = models.URLField(_("outcome source"), max_length=500, blank=True)
    outcome_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # Set when its author deletes a theory that holds other fans' comments or any report:
    # the theory keeps its page, its comments and its reports, but its text is shown to
    # moderators only and it leaves every listing (guide.services.delete_theory).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    # A default, not auto_now_add, so imports and the bench can keep a real posting time.
    created_at = models.DateTimeField(
        _("posted"), default=timezone.now, editable=False, db_index=True
    )
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)
    # Denormalised from Vote; kept exact by guide.services.cast_vote.
    upvotes = models.PositiveIntegerField(default=0, editable=False)
    downvotes = models.PositiveIntegerField(default=0, editable=False)
    score = models.IntegerField(default=0, editable=False)
    hot = models.FloatField(default=0, editable=False)
    wilson = models.FloatField(default=0, editable=False)

    objects = TheoryQuerySet.as_manager()

    class Meta:
        ordering = ["-hot", "-pk"]
        verbose_name = _("theory")
        verbose_name_plural = _("theories")
        permissions = [(MODERATE_CODENAME, _("Can moderate theories, comments and reports"))]
        constraints = [
            _choices_constraint("outcome", Outcome),
            models.CheckConstraint(
                condition=Q(score=models.F("upvotes") - models.F("downvotes")),
                name="%(app_label)s_%(class)s_score_is_difference",
                violation_error_message=_("The score is the up votes minus the down votes."),
            ),
            _spoiler_season_constraint(),
        ]
        indexes = [
            models.Index(fields=["-hot", "-id"], name="guide_theory_hot_idx"),
            models.Index(fields=["-wilson", "-score", "-id"], name="guide_theory_top_idx"),
            models.Index(fields=["-created_at", "-id"], name="guide_theory_new_idx"),
            models.Index(fields=["season", "-hot", "-id"], name="guide_theory_season_hot_idx"),
            models.Index(
                fields=["season", "-wilson", "-score", "-id"], name="guide_theory_season_top_idx"
            ),
            models.Index(
                fields=["season", "-created_at", "-id"], name="guide_theory_season_new_idx"
            ),
            models.Index(fields=["author", "-created_at"], name="guide_theory_author_idx"),
            models.Index(fields=["outcome", "season"], name="guide_theory_outcome_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guide:theory", kwargs={"pk": self.pk, "slug": self.url_slug})

    @property
    def url_slug(self) -> str:
        """The slug in the theory's address: the one rule every link and redirect follows.

        A hidden or withdrawn theory's title must not travel in its address (in a log, a
        history, a shared link, the admin's "view on site"), so its address says only
        what became of it; restoring a hidden theory brings its title's slug back.
        """
        if self.withdrawn_at is not None:
            return WITHDRAWN_SLUG
        if self.is_hidden:
            return HIDDEN_SLUG
        return self.slug or "-"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def others_commented(self) -> bool:
        """Whether anyone but its author (a deleted fan included) commented on it."""
        others = ~Q(author_id=self.author_id) if self.author_id else Q()
        return self.comments.filter(others).exists()

    def others_have_a_stake(self) -> bool:
        """Whether deleting it would take away what others wrote or reported: a comment
        by anyone but its author, a report (open or closed) on it or on a comment, or
        another fan's forecast on one of its predictions."""
        from guide.models.predictions import Forecast  # that module imports this one

        return (
            self.others_commented()
            or self.reports.exists()
            or self.comments.filter(reports__isnull=False).exists()
            or Forecast.objects.filter(prediction__theory=self)
            .exclude(user_id=self.author_id)
            .exists()
        )

    def clean(self):
        super().clean()
        check_spoiler_season(self.spoiler_season, getattr(self, "season", None))

    def may_settle_as(self, outcome: str) -> bool:
        """Only a released season can confirm or debunk a theory; reopening is always fine."""
        return outcome == Outcome.OPEN or self.season.is_released

    @property
    def is_frozen(self) -> bool:
        """Once its season is out, a theory's text is fixed, so a "called it" stays honest."""
        return self.season.is_released

    @property
    def headline(self) -> str:
        """The title for readers who may not see the real one, and for every <head>.

        The real title when the theory spoils nothing; else the author's spoiler-free
        headline, or a generic one for theories posted before headlines existed.
        """
        if not self.spoiler_season:
            return self.title
        if self.spoiler_free_title:
            return self.spoiler_free_title
        return gettext("A spoiler theory about %(season)s") % {"season": self.season}

    @property
    def headline_language(self) -> str | None:
        """The language the headline is in: the fan's when they wrote it, else None (the
        generic one is the page's)."""
        return self.language if not self.spoiler_season or self.spoiler_free_title else None

    @property
    def outcome_season(self) -> int:
        """The season a verdict on this theory (outcome, note, source) gives away."""
        return max(self.season.number, self.spoiler_season or 0)

    def searchable_text(self) -> str:
        # The title is the first line (guide.search relies on it), so it holds no newline.
        title = " ".join(self.title.split())
        return fold(f"{title}\n{self.spoiler_free_title}\n{self.body}")

    def make_slug(self) -> str:
        # A spoiler theory's title would leak through its address: its slug comes from
        # the spoiler-free headline, or says nothing.
        if self.spoiler_season:
            return slugify(self.spoiler_free_title)[:160] or "spoiler-theory"
        return slugify(self.title)[:160] or "theory"


class TheoryImage(models.Model):
    """A picture a fan shows with their theory: a screenshot, a webtoon panel.

    A theory has at most MAX_PER_THEORY, each described for readers who cannot see it.
    It is part of what the theory says, so it is shielded with the theory's text, and
    a moderator may hide one picture without hiding the theory.
    """

    MAX_PER_THEORY = 4

    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="images")
    image = UploadedImageField(
        _("image"),
        upload_to=RandomName("theories"),
        validators=[validate_image],
        width_field="image_width",
        height_field="image_height",
        renditions_field="image_renditions",
    )
    alt = models.CharField(
        _("description"),
        max_length=300,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["theory", "created_at", "pk"]
        verbose_name = _("theory image")
        verbose_name_plural = _("theory images")

    def __str__(self):
        return gettext("Image #%(pk)s on theory #%(theory)s") % {
            "pk": self.pk,
            "theory": self.theory_id,
        }

    @property
    def spoiler_season(self) -> int | None:
        """Shielded as its theory's text is."""
        return self.theory.spoiler_season

    def shown_on(self) -> tuple[str, ...]:
        """The cached pages that show it (guide.renditions): its theory's, not the site."""
        return (topics.theory(self.theory_id),)


class VoteValue(models.IntegerChoices):
    UP = 1, _("Up")
    DOWN = -1, _("Down")


class Vote(ConstraintErrorsByField, models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "theory"],
                name="%(app_label)s_%(class)s_one_per_fan",
                violation_error_message=_("This fan has already voted on this theory."),
            ),
            models.CheckConstraint(
                condition=Q(value__in=VoteValue.values),
                name="%(app_label)s_%(class)s_value_valid",
                violation_error_message=_("A vote is +1 or -1."),
            ),
        ]
        indexes = [models.Index(fields=["theory", "value"])]

    def __str__(self):
        return f"{self.user} {self.value:+d} {self.theory}"


class CommentOrder(models.TextChoices):
    """How a discussion's comments, and each comment's replies, are ordered."""

    OLD = "old", _("Oldest first")
    NEW = "new", _("Newest first")
    TOP = "top", _("Top")


COMMENT_ORDERINGS = {
    CommentOrder.TOP: ("-score", "created_at", "pk"),
    CommentOrder.OLD: ("created_at", "pk"),
    CommentOrder.NEW: ("-created_at", "-pk"),
}


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(_visible_comment(user))

    def visible_as(self, reader: permissions.Reader, *, user_id: int | None):
        """visible_to, for a reader given by kind and id (TheoryQuerySet.visible_as)."""
        return self.filter(_visible_comment_as(reader, user_id))

    def with_last_season(self):
        return self.annotate(show_last_season=_last_season_of("theory__season__show"))

    def in_thread_of(self, user, *, own_marks: bool = True):
        """What a reader's copy of a discussion holds: each comment with `reply_count`,
        the replies they may read, and `saved` and `my_vote`, whether they saved it and
        how they voted (without `own_marks`, on a page shared with fans whose holes show
        those: False and None). A comment they may not read (hidden, or deleted by its
        author) stays only where it has replies they may: as a stand-in that keeps the
        thread together, without its text (comment.html)."""
        # A deleted comment's stand-in counts where a reply under it may be read, so a
        # thread under two stand-ins in a row is not lost.
        readable_below = Comment.objects.filter(_visible_comment(user), parent=OuterRef("pk"))
        replies = Comment.objects.filter(
            _visible_comment(user) | Q(Exists(readable_below), deleted_at__isnull=False),
            parent=OuterRef("pk"),
        ).order_by()
        counted = replies.values("parent").annotate(n=Count("pk")).values("n")[:1]
        readable = models.ExpressionWrapper(
            _visible_comment(user), output_field=models.BooleanField()
        )
        return (
            self.select_related("author")
            .annotate(
                reply_count=Coalesce(Subquery(counted), 0),
                readable=readable,
                saved=_saved_by(user if own_marks else None),
                my_vote=_vote_of(user if own_marks else None),
            )
            .filter(_visible_comment(user) | Q(reply_count__gt=0))
        )

    def ordered(self, order: str):
        return self.order_by(*COMMENT_ORDERINGS.get(order, COMMENT_ORDERINGS[CommentOrder.OLD]))


def _vote_of(user):
    """The reader's vote on the comment (+1, -1 or None), in the same query."""
    if user is None or not user.is_authenticated:
        return models.Value(None, output_field=models.SmallIntegerField())
    return Subquery(
        CommentVote.objects.filter(comment=OuterRef("pk"), user=user).values("value")[:1]
    )


def _saved_by(user):
    """Whether the reader saved the comment, as an expression of the same query."""
    if user is None or not user.is_authenticated:
        return models.Value(False)
    from guide.models.following import Bookmark  # that module imports this one

    return models.Exists(Bookmark.objects.filter(comment=OuterRef("pk"), user=user))


def _visible_comment(user) -> Q:
    """The comments a reader may read: not hidden (or theirs, or they moderate), and not
    left behind by a deletion."""
    return _visible_comment_as(permissions.reader_kind(user), getattr(user, "pk", None))


def _visible_comment_as(reader: permissions.Reader, user_id: int | None) -> Q:
    kept = Q(deleted_at__isnull=True)
    if reader is permissions.Reader.VISITOR:
        return kept & Q(is_hidden=False)
    if reader is permissions.Reader.MODERATOR:
        return kept
    return kept & (Q(is_hidden=False) | Q(author_id=_fan_id(reader, user_id)))


def _fan_id(reader, user_id) -> int:
    """A fan's id, for the rules that show them their own hidden items; refuses what is
    no reader kind, or no fan (author_id = NULL would match a deleted author's items)."""
    if reader is not permissions.Reader.FAN:
        raise ValueError(f"No reader kind: {reader!r}.")
    if user_id is None:
        raise ValueError("A fan reads as themselves: their id is needed.")
    return user_id


class Comment(ConstraintErrorsByField, models.Model):
    constraint_fields = {
        "depth_matches_parent": "parent",
        "deleted_keeps_nothing": "body",
        "score_is_difference": "score",
    }

    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="comments")
    # A reply's comment. A comment deleted while it has replies stays as a stand-in
    # (services.delete_comment), so a thread never loses the replies under it.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)  # the parent's + 1
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=5_000)
    body_html = models.TextField(editable=False, blank=True)
    spoiler_season = models.PositiveSmallIntegerField(
        _("spoiler season"), null=True, blank=True, help_text=SPOILER_HELP
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)
    # Set when its author deleted it while it had replies: the text and author are gone.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    # Denormalised from its CommentVote rows, moved with them (services.cast_comment_vote).
    upvotes = models.PositiveIntegerField(default=0, editable=False)
    downvotes = models.PositiveIntegerField(default=0, editable=False)
    score = models.IntegerField(default=0, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            _spoiler_season_constraint(),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="%(app_label)s_%(class)s_depth_matches_parent",
                violation_error_message=_("A reply sits one level below its comment."),
            ),
            models.CheckConstraint(
                condition=Q(score=models.F("upvotes") - models.F("downvotes")),
                name="%(app_label)s_%(class)s_score_is_difference",
                violation_error_message=_("The score is the up votes minus the down votes."),
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(body="", author__isnull=True),
                name="%(app_label)s_%(class)s_deleted_keeps_nothing",
                violation_error_message=_("A deleted comment keeps neither text nor author."),
            ),
        ]
        indexes = [
            models.Index(fields=["theory", "created_at"]),
            models.Index(fields=["parent", "created_at"]),
            models.Index(fields=["theory", "-score", "created_at"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self):
        return _("Comment by %(author)s") % {"author": self.author or _("deleted fan")}

    def get_absolute_url(self):
        """Its own page: the comment with its replies, wherever it sits in the thread."""
        return reverse("guide:comment", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def clean(self):
        super().clean()
        theory = getattr(self, "theory", None)
        check_spoiler_season(self.spoiler_season, theory.season if theory else None)


class CommentVote(ConstraintErrorsByField, models.Model):
    """A fan's vote on another fan's comment: counted on the comment like theory votes."""

    constraint_fields = {"one_per_fan": "comment", "value_valid": "value"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comment vote")
        verbose_name_plural = _("comment votes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "comment"],
                name="%(app_label)s_%(class)s_one_per_fan",
                violation_error_message=_("This fan has already voted on this comment."),
            ),
            models.CheckConstraint(
                condition=Q(value__in=VoteValue.values),
                name="%(app_label)s_%(class)s_value_valid",
                violation_error_message=_("A vote is +1 or -1."),
            ),
        ]
        indexes = [models.Index(fields=["comment", "value"])]

    def __str__(self):
        return f"{self.user} {self.value:+d} {self.comment_id}"


class Revision(ConstraintErrorsByField, models.Model):
    """A text a theory, a comment or a prediction had until it was edited: kept as it
    was, so that a claim cannot be rewritten unseen. Rows are only ever added (services).
    A prediction's claim is kept as the title, its criteria as the text."""

    constraint_fields = {"of_one_item": "theory"}

    theory = models.ForeignKey(
        Theory, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    prediction = models.ForeignKey(
        "guide.Prediction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
    )
    # A theory's title or a prediction's claim; a comment has none.
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=10_000)
    spoiler_season = models.PositiveSmallIntegerField(
        _("spoiler season"), null=True, blank=True, help_text=SPOILER_HELP
    )
    written_at = models.DateTimeField(_("written"))  # posted, or edited into this text
    replaced_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        ordering = ["-pk"]  # numbered in the order the edits were made
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            _spoiler_season_constraint(),
            models.CheckConstraint(
                condition=Q(theory__isnull=False, comment__isnull=True, prediction__isnull=True)
                | Q(theory__isnull=True, comment__isnull=False, prediction__isnull=True)
                | Q(theory__isnull=True, comment__isnull=True, prediction__isnull=False),
                name="%(app_label)s_%(class)s_of_one_item",
                violation_error_message=_(
                    "A revision belongs to one theory, comment or prediction."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["theory", "-id"]),
            models.Index(fields=["comment", "-id"]),
            models.Index(fields=["prediction", "-id"]),
        ]

    def __str__(self):
        return _("Revision of %(item)s") % {"item": self.item}

    @property
    def item(self):
        """The theory, comment or prediction this text was of."""
        if self.theory_id:
            return self.theory
        return self.comment if self.comment_id else self.prediction

    @property
    def spoiler_show_id(self) -> int:
        if self.comment_id:
            return self.comment.theory.season.show_id
        return self.item.season.show_id

    @property
    def shield_season(self) -> int | None:
        """The later of this text's own spoiler tag and its item's shield now: a text
        its author later tagged as a spoiler was one all along (a prediction's claim is
        shielded by its theory's tag too)."""
        item = self.item
        now = item.claim_season if self.prediction_id else item.spoiler_season
        tags = [tag for tag in (self.spoiler_season, now) if tag]
        return max(tags, default=None)
