"""The guide's data: shows and what we know about them, and the fans' theories.

Fields, constraints, indexes and chainable QuerySet methods only. Writes that touch
several rows live in guide/services.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from guide.textfold import fold
from guide.uploads import RandomName, validate_image

SPOILER_HELP = _(
    "The season whose events this reveals. Readers who have not watched that season "
    "see it behind a reveal. Leave empty if it spoils nothing."
)


def _choices_constraint(field: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ImageWithAltMixin(models.Model):
    """An optional uploaded image that must carry alt text when present."""

    image_field_name = "image"

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        image = getattr(self, self.image_field_name)
        alt = getattr(self, f"{self.image_field_name}_alt")
        if image and not alt.strip():
            raise ValidationError(
                {
                    f"{self.image_field_name}_alt": _(
                        "Describe the image for readers who cannot see it."
                    )
                }
            )


# Shows and seasons -----------------------------------------------------------------


class ShowQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Show(ImageWithAltMixin, Timestamped):
    image_field_name = "poster"

    title = models.CharField(_("title"), max_length=200)
    original_title = models.CharField(_("original title"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    synopsis = models.TextField(_("synopsis"), blank=True)
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    creators = models.CharField(
        _("creators"), max_length=300, blank=True, help_text=_("Director, writer, showrunner.")
    )
    source_title = models.CharField(_("source material title"), max_length=200, blank=True)
    source_original_title = models.CharField(
        _("source material original title"), max_length=200, blank=True
    )
    source_author = models.CharField(_("source material author"), max_length=200, blank=True)
    source_kind = models.CharField(
        _("source material kind"), max_length=60, blank=True, help_text=_("e.g. webtoon, novel")
    )
    source_length = models.CharField(
        _("source material length"), max_length=100, blank=True, help_text=_("e.g. 130 episodes")
    )
    genres = models.CharField(
        _("genres"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    content_advisories = models.TextField(
        _("content advisories"),
        blank=True,
        help_text=_("Difficult themes a viewer should know about before watching."),
    )
    poster = models.ImageField(
        _("poster"),
        upload_to=RandomName("posters"),
        validators=[validate_image],
        blank=True,
        width_field="poster_width",
        height_field="poster_height",
    )
    poster_alt = models.CharField(_("poster description"), max_length=300, blank=True)
    poster_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_published = models.BooleanField(_("published"), default=False)
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown first on the home page.")
    )

    objects = ShowQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("show")
        verbose_name_plural = _("shows")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guide:show", kwargs={"slug": self.slug})

    @property
    def genre_list(self) -> list[str]:
        return [genre.strip() for genre in self.genres.split(",") if genre.strip()]


class SeasonStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    IN_PRODUCTION = "in_production", _("In production")
    COMING_SOON = "coming_soon", _("Coming soon")
    RELEASED = "released", _("Released")


class SeasonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(show__is_published=True)

    def upcoming(self):
        return self.exclude(status=SeasonStatus.RELEASED)


class Season(Timestamped):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="seasons")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SeasonStatus, default=SeasonStatus.ANNOUNCED
    )
    release_date = models.DateField(
        _("release date"), null=True, blank=True, help_text=_("Empty while it is not dated.")
    )
    renewal_announced_on = models.DateField(_("renewal announced on"), null=True, blank=True)
    episode_count = models.PositiveSmallIntegerField(_("episodes"), null=True, blank=True)
    typical_runtime = models.PositiveSmallIntegerField(
        _("typical runtime (minutes)"), null=True, blank=True
    )
    synopsis = models.TextField(
        _("synopsis"), blank=True, help_text=_("The premise, free of spoilers for this season.")
    )

    objects = SeasonQuerySet.as_manager()

    class Meta:
        ordering = ["show", "number"]
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
            _choices_constraint("status", SeasonStatus),
            models.CheckConstraint(
                condition=~Q(status=SeasonStatus.RELEASED) | Q(release_date__isnull=False),
                name="%(app_label)s_%(class)s_released_has_date",
                violation_error_message=_("A released season needs its release date."),
            ),
        ]

    def __str__(self):
        return f"{self.show} — {self.label}"

    def get_absolute_url(self):
        return reverse("guide:season", kwargs={"slug": self.show.slug, "number": self.number})

    def clean(self):
        super().clean()
        if self.status == SeasonStatus.RELEASED and not self.release_date:
            raise ValidationError({"release_date": _("A released season needs its release date.")})

    @property
    def label(self) -> str:
        return _("Season %(number)s") % {"number": self.number}

    @property
    def is_released(self) -> bool:
        return self.status == SeasonStatus.RELEASED


class Episode(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    runtime = models.PositiveSmallIntegerField(_("runtime (minutes)"), null=True, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)

    class Meta:
        ordering = ["season", "number"]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.season} · {_('Episode')} {self.number}"

    def get_absolute_url(self):
        return self.season.get_absolute_url() + f"#episode-{self.number}"


# People and characters ---------------------------------------------------------------


class Person(Timestamped):
    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(
        _("name in original script"), max_length=200, blank=True, help_text=_("e.g. 한국어")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other spellings and romanisations, one per line. Used by search."),
    )
    bio = models.TextField(_("bio"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        character = self.roles.filter(show__is_published=True).select_related("show").first()
        return character.get_absolute_url() if character else reverse("guide:show_list")

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.splitlines() if alias.strip()]


class CharacterRole(models.TextChoices):
    MAIN = "main", _("Main cast")
    SUPPORTING = "supporting", _("Supporting cast")


class Character(ImageWithAltMixin, Timestamped):
    image_field_name = "portrait"

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="characters")
    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(_("name in original script"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other spellings and romanisations, one per line. Used by search."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Who they are, without spoilers.")
    )
    actor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("played by"),
    )
    role = models.CharField(
        _("billing"), max_length=20, choices=CharacterRole, default=CharacterRole.SUPPORTING
    )
    billing_order = models.PositiveSmallIntegerField(_("billing order"), default=100)
    portrait = models.ImageField(
        _("portrait"),
        upload_to=RandomName("portraits"),
        validators=[validate_image],
        blank=True,
        width_field="portrait_width",
        height_field="portrait_height",
    )
    portrait_alt = models.CharField(_("portrait description"), max_length=300, blank=True)
    portrait_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["show", "billing_order", "name"]
        verbose_name = _("character")
        verbose_name_plural = _("characters")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "slug"], name="%(app_label)s_%(class)s_unique_slug"
            ),
            _choices_constraint("role", CharacterRole),
        ]
        indexes = [models.Index(fields=["show", "billing_order"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guide:character", kwargs={"slug": self.show.slug, "character": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.splitlines() if alias.strip()]


class CharacterState(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Dead")
    ZOMBIE = "zombie", _("Zombie")
    HALF_ZOMBIE = "half_zombie", _("Half-zombie")
    UNKNOWN = "unknown", _("Unknown")


class CharacterStatus(models.Model):
    """Where a character stands at the end of a season; also says they appear in it.

    The status is a spoiler of that season, so readers who have not watched it see
    it shielded.
    """

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="statuses")
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="character_statuses")
    status = models.CharField(
        _("status"), max_length=20, choices=CharacterState, default=CharacterState.UNKNOWN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["season__number", "character__billing_order"]
        verbose_name = _("character status")
        verbose_name_plural = _("character statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["character", "season"], name="%(app_label)s_%(class)s_once_per_season"
            ),
            _choices_constraint("status", CharacterState),
        ]

    def __str__(self):
        return f"{self.character} · {self.season.label}: {self.get_status_display()}"

    @property
    def spoiler_season(self) -> int | None:
        # "Unknown" reveals nothing; any other status tells how the season ends.
        return None if self.status == CharacterState.UNKNOWN else self.season.number

    def clean(self):
        super().clean()
        if self.character_id and self.season_id and self.character.show_id != self.season.show_id:
            raise ValidationError({"season": _("Pick a season of the character's own show.")})


# Facts ----------------------------------------------------------------------------


class FactKind(models.TextChoices):
    OFFICIAL = "official", _("Official")
    INTERVIEW = "interview", _("Cast or crew interview")
    PRESS = "press", _("Press report")
    RUMOUR = "rumour", _("Rumour")


class Milestone(models.TextChoices):
    RENEWED = "renewed", _("Renewed")
    TEASER = "teaser", _("Teaser or trailer")
    CASTING = "casting", _("Casting")
    FILMING_STARTED = "filming_started", _("Filming started")
    FILMING_WRAPPED = "filming_wrapped", _("Filming wrapped")
    DATED = "dated", _("Release date announced")
    RELEASED = "released", _("Released")


class FactQuerySet(models.QuerySet):
    def for_season(self, season):
        return self.filter(season=season)

    def milestones(self):
        return self.exclude(milestone="").filter(happened_on__isnull=False)


class Fact(Timestamped):
    """One thing we know about a season, as a question and answer, with its source."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="facts")
    question = models.CharField(_("question or headline"), max_length=300)
    answer = models.TextField(_("answer"))
    quote = models.TextField(_("quotation"), blank=True, help_text=_("Exact words, if any."))
    quoted_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("quoted person"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FactKind, default=FactKind.OFFICIAL)
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    spoiler_season = models.PositiveSmallIntegerField(
        _("spoiler season"), null=True, blank=True, help_text=SPOILER_HELP
    )
    milestone = models.CharField(
        _("milestone"),
        max_length=20,
        choices=Milestone,
        blank=True,
        help_text=_("Set to place this fact on the season's timeline."),
    )
    happened_on = models.DateField(_("happened on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["season", "order", "pk"]
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        constraints = [
            _choices_constraint("kind", FactKind),
            models.CheckConstraint(
                condition=Q(milestone="") | Q(milestone__in=Milestone.values),
                name="%(app_label)s_%(class)s_milestone_valid",
            ),
            models.CheckConstraint(
                condition=Q(milestone="") | Q(happened_on__isnull=False),
                name="%(app_label)s_%(class)s_milestone_dated",
                violation_error_message=_("A milestone needs the date it happened."),
            ),
            models.CheckConstraint(
                condition=Q(spoiler_season__isnull=True) | Q(spoiler_season__gte=1),
                name="%(app_label)s_%(class)s_spoiler_season_positive",
            ),
            models.UniqueConstraint(
                fields=["season", "question"], name="%(app_label)s_%(class)s_unique_question"
            ),
        ]
        indexes = [models.Index(fields=["season", "order"])]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return self.season.get_absolute_url() + f"#fact-{self.pk}"

    def clean(self):
        super().clean()
        if self.milestone and not self.happened_on:
            raise ValidationError({"happened_on": _("A milestone needs the date it happened.")})


# Theories, votes, comments, reports ------------------------------------------------------


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTLY = "partly", _("Partly confirmed")
    DEBUNKED = "debunked", _("Debunked")


class TheoryOrder(models.TextChoices):
    HOT = "hot", _("Hot")
    TOP = "top", _("Top")
    NEW = "new", _("New")


class TheoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Hidden theories exist only for moderators and their own author."""
        public = self.filter(is_hidden=False, season__show__is_published=True)
        if user is None or not user.is_authenticated:
            return public
        if user.is_moderator:
            return self
        return self.filter(Q(is_hidden=False) | Q(author=user), season__show__is_published=True)

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

    def with_comment_count(self, user=None):
        visible = Comment.objects.filter(theory=OuterRef("pk")).visible_to(user)
        return self.annotate(
            comment_count=models.functions.Coalesce(
                Subquery(
                    visible.order_by().values("theory").annotate(n=Count("pk")).values("n")[:1]
                ),
                0,
            )
        )

    def for_listing(self, user):
        return (
            self.visible_to(user)
            .select_related("author", "season__show")
            .with_vote_of(user)
            .with_comment_count(user)
        )


class Theory(models.Model):
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
    slug = models.SlugField(_("slug"), max_length=160, blank=True)
    body = models.TextField(_("theory"), max_length=10_000)
    body_html = models.TextField(editable=False, blank=True)
    # Title and body folded for search (guide.textfold), kept by guide.services; on
    # PostgreSQL a full-text GIN index covers it (migration 0005).
    search_text = models.TextField(editable=False, blank=True)
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
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
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
        permissions = [("moderate_theory", _("Can moderate theories, comments and reports"))]
        constraints = [
            _choices_constraint("outcome", Outcome),
            models.CheckConstraint(
                condition=Q(score=models.F("upvotes") - models.F("downvotes")),
                name="%(app_label)s_%(class)s_score_is_difference",
            ),
            models.CheckConstraint(
                condition=Q(spoiler_season__isnull=True) | Q(spoiler_season__gte=1),
                name="%(app_label)s_%(class)s_spoiler_season_positive",
            ),
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
        return reverse("guide:theory", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    @property
    def is_frozen(self) -> bool:
        """Once its season is out, a theory's text is fixed, so a "called it" stays honest."""
        return self.season.is_released

    def searchable_text(self) -> str:
        # The title is the first line (guide.search relies on it), so it holds no newline.
        title = " ".join(self.title.split())
        return fold(f"{title}\n{self.body}")

    def make_slug(self) -> str:
        # A spoiler theory's title would leak through its address, so it gets none.
        if self.spoiler_season:
            return "spoiler-theory"
        return slugify(self.title)[:160] or "theory"


class VoteValue(models.IntegerChoices):
    UP = 1, _("Up")
    DOWN = -1, _("Down")


class Vote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "theory"], name="%(app_label)s_%(class)s_one_per_fan"
            ),
            models.CheckConstraint(
                condition=Q(value__in=VoteValue.values), name="%(app_label)s_%(class)s_value_valid"
            ),
        ]
        indexes = [models.Index(fields=["theory", "value"])]

    def __str__(self):
        return f"{self.user} {self.value:+d} {self.theory}"


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.filter(is_hidden=False)
        if user.is_moderator:
            return self
        return self.filter(Q(is_hidden=False) | Q(author=user))


class Comment(models.Model):
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="comments")
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
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(spoiler_season__isnull=True) | Q(spoiler_season__gte=1),
                name="%(app_label)s_%(class)s_spoiler_season_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["theory", "created_at"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self):
        return _("Comment by %(author)s") % {"author": self.author or _("deleted fan")}

    def get_absolute_url(self):
        return self.theory.get_absolute_url() + f"#comment-{self.pk}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Harassment or hate")
    SPOILER = "spoiler", _("Untagged spoiler")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    theory = models.ForeignKey(
        Theory, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(theory__isnull=False, comment__isnull=True)
                | Q(theory__isnull=True, comment__isnull=False),
                name="%(app_label)s_%(class)s_one_target",
            ),
            _choices_constraint("reason", ReportReason),
            _choices_constraint("status", ReportStatus),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="%(app_label)s_%(class)s_resolved_when_closed",
            ),
            models.UniqueConstraint(
                fields=["reporter", "theory"],
                condition=Q(status="open", theory__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_theory",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open", comment__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_comment",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.target}"

    @property
    def target(self):
        return self.theory or self.comment


class ModerationTarget(models.TextChoices):
    THEORY = "theory", _("theory")
    COMMENT = "comment", _("comment")


class ModerationKind(models.TextChoices):
    HIDE = "hide", _("Hid")
    RESTORE = "restore", _("Restored")
    RESOLVE_REPORT = "resolve_report", _("Resolved a report")
    DISMISS_REPORT = "dismiss_report", _("Dismissed a report")
    SET_OUTCOME = "set_outcome", _("Set the outcome")


class ModerationAction(models.Model):
    """Append-only record of every moderation decision: who, what, when and why."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=20, choices=ModerationKind)
    theory = models.ForeignKey(
        Theory, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    # Kept even if the target is later deleted, so the log still reads. Stored as codes
    # ("theory", "#12", "confirmed"), translated when shown.
    target_kind = models.CharField(max_length=20, choices=ModerationTarget, blank=True)
    target_label = models.CharField(max_length=200)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        constraints = [
            _choices_constraint("kind", ModerationKind),
            models.CheckConstraint(
                condition=Q(target_kind="") | Q(target_kind__in=ModerationTarget.values),
                name="%(app_label)s_%(class)s_target_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_target_kind_display()} {self.target_label}"

    @property
    def detail_label(self) -> str:
        """The outcome or report reason this action recorded, in the reader's language."""
        for choices in (Outcome, ReportReason):
            if self.detail in choices.values:
                return choices(self.detail).label
        return self.detail


class WatchProgress(models.Model):
    """How far a fan has watched a show: the spoiler shield for signed-in readers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_progress"
    )
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="+")
    seasons_watched = models.PositiveSmallIntegerField(
        _("seasons watched"), default=0, validators=[MaxValueValidator(99)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("watch progress")
        verbose_name_plural = _("watch progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "show"], name="%(app_label)s_%(class)s_one_per_show"
            ),
            models.CheckConstraint(
                condition=Q(seasons_watched__lte=99),
                name="%(app_label)s_%(class)s_seasons_watched_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.show}: {self.seasons_watched}"
