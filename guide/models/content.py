"""What editors keep: shows, seasons, episodes, people, characters and facts."""

from datetime import datetime, time
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide import permissions, spoilers
from guide.models.base import (
    SPOILER_HELP,
    ImageWithAltMixin,
    NaturalKey,
    NaturalKeyQuerySet,
    Timestamped,
    _choices_constraint,
    _spoiler_season_constraint,
    check_spoiler_season,
    not_in_the_future,
)
from guide.uploads import RandomName, UploadedImageField, validate_image

# Shows and seasons -----------------------------------------------------------------


class ShowQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def previewable_by(self, user):
        """Published shows, and unpublished ones too for staff who may preview them."""
        return self if permissions.can_preview(user) else self.published()

    def with_follow_of(self, user):
        """Annotate `followed`: whether the reader follows the show, in the same query."""
        if user is None or not user.is_authenticated:
            return self.annotate(followed=models.Value(False))
        from guide.models.following import ShowFollow  # that module imports this one

        follows = ShowFollow.objects.filter(show=models.OuterRef("pk"), user=user)
        return self.annotate(followed=models.Exists(follows))


class Show(NaturalKey, ImageWithAltMixin, Timestamped):
    image_field_name = "poster"
    natural_key_lookups = ("slug",)

    title = models.CharField(_("title"), max_length=200)
    original_title = models.CharField(_("original title"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=False,
        error_messages={"unique": _("Another show already uses this slug.")},
    )
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
    poster = UploadedImageField(
        _("poster"),
        upload_to=RandomName("posters"),
        validators=[validate_image],
        blank=True,
        width_field="poster_width",
        height_field="poster_height",
        renditions_field="poster_renditions",
    )
    poster_alt = models.CharField(_("poster description"), max_length=300, blank=True)
    poster_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_renditions = models.JSONField(default=dict, blank=True, editable=False)
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

    @cached_property
    def latest_season_number(self) -> int:
        """The highest season number entered so far (0 for none); asked once per object."""
        if self.pk is None:
            return 0
        return self.seasons.aggregate(latest=Max("number"))["latest"] or 0


class SeasonStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    IN_PRODUCTION = "in_production", _("In production")
    COMING_SOON = "coming_soon", _("Coming soon")
    RELEASED = "released", _("Released")


class SeasonQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(show__is_published=True)

    def previewable_by(self, user):
        return self if permissions.can_preview(user) else self.published()

    def with_follow_of(self, user):
        """Annotate `followed`: whether the reader follows the season, in the same query."""
        if user is None or not user.is_authenticated:
            return self.annotate(followed=models.Value(False))
        from guide.models.following import SeasonFollow  # that module imports this one

        follows = SeasonFollow.objects.filter(season=models.OuterRef("pk"), user=user)
        return self.annotate(followed=models.Exists(follows))

    def upcoming(self):
        return self.exclude(status=SeasonStatus.RELEASED)


class Season(NaturalKey, ConstraintErrorsByField, ImageWithAltMixin, Timestamped):
    constraint_fields = {"released_has_date": "release_date"}
    natural_key_lookups = ("show__slug", "number")
    image_field_name = "poster"

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="seasons")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SeasonStatus,
        default=SeasonStatus.ANNOUNCED,
        help_text=_("“Released” once the release date has come, not before."),
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
    forecasts_lock_at = models.DateTimeField(
        _("forecasts lock at"),
        null=True,
        blank=True,
        help_text=_(
            "From this moment (a trailer, the premiere) nobody forecasts this season's "
            "predictions or changes their claims. Empty: open until each is resolved."
        ),
    )
    poster = UploadedImageField(
        _("poster"),
        upload_to=RandomName("posters"),
        validators=[validate_image],
        blank=True,
        width_field="poster_width",
        height_field="poster_height",
        renditions_field="poster_renditions",
        help_text=_("Empty: pages show the show's poster."),
    )
    poster_alt = models.CharField(_("poster description"), max_length=300, blank=True)
    poster_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    poster_renditions = models.JSONField(default=dict, blank=True, editable=False)

    objects = SeasonQuerySet.as_manager()

    class Meta:
        ordering = ["show", "number"]
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("This show already has a season with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_message=_("Seasons are numbered from 1."),
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
        # The status agrees with the dates: "Released" only once the day has come.
        released = self.status == SeasonStatus.RELEASED
        if released and self.release_date and self.release_date > timezone.localdate():
            raise ValidationError(
                {
                    "status": ValidationError(
                        _(
                            "This season comes out on %(date)s: until then it is "
                            "“Coming soon”, not “Released”."
                        ),
                        code="released_early",
                        params={"date": date_format(self.release_date, "DATE_FORMAT")},
                    )
                }
            )

    @property
    def label(self) -> str:
        return _("Season %(number)s") % {"number": self.number}

    @property
    def is_released(self) -> bool:
        return self.status == SeasonStatus.RELEASED

    @property
    def premieres_at(self) -> datetime | None:
        """The start of its release day, in the site's time zone: a date is all a
        platform announces."""
        if self.release_date is None:
            return None
        return timezone.make_aware(datetime.combine(self.release_date, time.min))

    @property
    def forecasts_close_at(self) -> datetime | None:
        """When its predictions stop taking forecasts: the editors' lock time, or the
        start of its release day if that comes first: nobody forecasts what they may
        have watched. None: open until each is resolved."""
        moments = [self.forecasts_lock_at, self.premieres_at]  # a released season has a date
        return min((moment for moment in moments if moment is not None), default=None)


class Episode(NaturalKey, ConstraintErrorsByField, ImageWithAltMixin, models.Model):
    image_field_name = "still"

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200, blank=True)
    runtime = models.PositiveSmallIntegerField(_("runtime (minutes)"), null=True, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    synopsis = models.TextField(
        _("synopsis"),
        blank=True,
        help_text=_("What happens. Shown only to readers who have watched the season."),
    )
    still = UploadedImageField(
        _("still"),
        upload_to=RandomName("stills"),
        validators=[validate_image],
        blank=True,
        width_field="still_width",
        height_field="still_height",
        renditions_field="still_renditions",
        help_text=_("A frame of the episode. Shown only with its synopsis."),
    )
    still_alt = models.CharField(_("still description"), max_length=300, blank=True)
    still_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    still_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    still_renditions = models.JSONField(default=dict, blank=True, editable=False)
    natural_key_lookups = ("season__show__slug", "season__number", "number")
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["season", "number"]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("This season already has an episode with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_message=_("Episodes are numbered from 1."),
            ),
        ]

    def __str__(self):
        return f"{self.season} · {_('Episode')} {self.number}"

    def get_absolute_url(self):
        return self.season.get_absolute_url() + f"#episode-{self.number}"

    @property
    def spoiler_season(self) -> int:
        """An episode's title tells what happens in its season."""
        return self.season.number

    def clean(self):
        super().clean()
        season = getattr(self, "season", None)
        if season and season.episode_count and self.number and self.number > season.episode_count:
            raise ValidationError(
                {
                    "number": ValidationError(
                        _(
                            "%(season)s has %(count)s episodes: number this one 1 to "
                            "%(count)s, or first raise the season's episode count."
                        ),
                        code="beyond_count",
                        params={"season": season.label, "count": season.episode_count},
                    )
                }
            )


# People and characters ---------------------------------------------------------------


class Person(NaturalKey, ImageWithAltMixin, Timestamped):
    image_field_name = "portrait"

    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(
        _("name in original script"), max_length=200, blank=True, help_text=_("e.g. 한국어")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("Another person already uses this slug.")},
    )
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other spellings and romanisations, one per line. Used by search."),
    )
    bio = models.TextField(_("bio"), blank=True)
    portrait = UploadedImageField(
        _("portrait"),
        upload_to=RandomName("portraits"),
        validators=[validate_image],
        blank=True,
        width_field="portrait_width",
        height_field="portrait_height",
        renditions_field="portrait_renditions",
    )
    portrait_alt = models.CharField(_("portrait description"), max_length=300, blank=True)
    portrait_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_renditions = models.JSONField(default=dict, blank=True, editable=False)
    natural_key_lookups = ("slug",)
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        character = self.roles.published().select_related("show").first()
        return character.get_absolute_url() if character else reverse("guide:show_list")


class CharacterQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(show__is_published=True)

    def previewable_by(self, user):
        return self if permissions.can_preview(user) else self.published()


class CharacterRole(models.TextChoices):
    MAIN = "main", _("Main cast")
    SUPPORTING = "supporting", _("Supporting cast")


class Character(NaturalKey, ConstraintErrorsByField, ImageWithAltMixin, Timestamped):
    image_field_name = "portrait"
    natural_key_lookups = ("show__slug", "slug")

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
    portrait = UploadedImageField(
        _("portrait"),
        upload_to=RandomName("portraits"),
        validators=[validate_image],
        blank=True,
        width_field="portrait_width",
        height_field="portrait_height",
        renditions_field="portrait_renditions",
    )
    portrait_alt = models.CharField(_("portrait description"), max_length=300, blank=True)
    portrait_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    portrait_renditions = models.JSONField(default=dict, blank=True, editable=False)

    objects = CharacterQuerySet.as_manager()

    class Meta:
        ordering = ["show", "billing_order", "name"]
        verbose_name = _("character")
        verbose_name_plural = _("characters")
        constraints = [
            models.UniqueConstraint(
                fields=["show", "slug"],
                name="%(app_label)s_%(class)s_unique_slug",
                violation_error_message=_("Another character of this show already uses this slug."),
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


class CharacterStatus(NaturalKey, ConstraintErrorsByField, models.Model):
    """Where a character stands at the end of a season; also says they appear in it.

    The status and its note are spoilers (see `spoiler_season`), so readers who have not
    watched the season they give away see them shielded.
    """

    natural_key_lookups = ("character__show__slug", "character__slug", "season__number")

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="statuses")
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="character_statuses")
    status = models.CharField(
        _("status"), max_length=20, choices=CharacterState, default=CharacterState.UNKNOWN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["season__number", "character__billing_order"]
        verbose_name = _("character status")
        verbose_name_plural = _("character statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["character", "season"],
                name="%(app_label)s_%(class)s_once_per_season",
                violation_error_message=_("This character already has a status for this season."),
            ),
            _choices_constraint("status", CharacterState),
        ]

    def __str__(self):
        return f"{self.character} · {self.season.label}: {self.get_status_display()}"

    @property
    def spoiler_season(self) -> int | None:
        """The season this status and its note give away (guide.spoilers has the rule)."""
        return spoilers.status_spoiler_season(
            season=self.season.number,
            released=self.season.is_released,
            known=self.status != CharacterState.UNKNOWN,
            has_note=bool(self.note.strip()),
        )

    @staticmethod
    def check_own_show(show_id: int, season: "Season") -> None:
        """A status belongs to a season of the character's own show."""
        if season.show_id != show_id:
            raise ValidationError(
                _("Pick a season of the character's own show."), code="other_show"
            )

    def clean(self):
        super().clean()
        if self.character_id and self.season_id:
            try:
                self.check_own_show(self.character.show_id, self.season)
            except ValidationError as error:
                raise ValidationError({"season": error}) from error


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


class FactQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(season__show__is_published=True)


class Fact(NaturalKey, ConstraintErrorsByField, Timestamped):
    """One thing we know about a season, as a question and answer, with its source."""

    natural_key_lookups = ("season__show__slug", "season__number", "question")
    constraint_fields = {"milestone_dated": "happened_on"}

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
    source_title = models.CharField(_("source title"), max_length=300, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_date = models.DateField(
        _("source date"), null=True, blank=True, validators=[not_in_the_future]
    )
    last_verified_on = models.DateField(
        _("last verified on"), null=True, blank=True, validators=[not_in_the_future]
    )
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
                violation_error_message=_("Choose one of the options in the list."),
            ),
            models.CheckConstraint(
                condition=Q(milestone="") | Q(happened_on__isnull=False),
                name="%(app_label)s_%(class)s_milestone_dated",
                violation_error_message=_("A milestone needs the date it happened."),
            ),
            _spoiler_season_constraint(),
            models.UniqueConstraint(
                fields=["season", "question"],
                name="%(app_label)s_%(class)s_unique_question",
                violation_error_message=_("This season already has a fact with this question."),
            ),
        ]
        indexes = [models.Index(fields=["season", "order"])]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return self.season.get_absolute_url() + f"#fact-{self.pk}"

    @property
    def on_timeline(self) -> bool:
        """A dated milestone: it has a place on the season's timeline."""
        return bool(self.milestone and self.happened_on)

    def clean(self):
        super().clean()
        # getattr: on a new season's page the season is not saved yet, but it is set.
        check_spoiler_season(self.spoiler_season, getattr(self, "season", None))
