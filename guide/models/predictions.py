"""Predictions and forecasts: claims a season will settle, the probabilities fans give
them, and the proper scores those earn once a moderator resolves the claim (guide.scoring).

A prediction is a theory's (its author states it) or a community question (an editor
asks it). Every fan's forecast is kept as a row per change; the newest is `current`.
Nothing is forecast once the season's lock time has passed or the claim is resolved.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide.models.base import SPOILER_HELP, _choices_constraint, _spoiler_season_constraint
from guide.models.community import Theory
from guide.models.content import Fact, Season
from guide.scoring import HIGHEST, LOWEST


class Resolution(models.TextChoices):
    OPEN = "open", _("Open")
    YES = "yes", _("Came true")
    NO = "no", _("Did not happen")
    ANNULLED = "annulled", _("Annulled")


class PredictionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A theory's predictions go where their theory goes (hidden with it, never on
        an unpublished show's); questions are on published shows."""
        shown = Q(season__show__is_published=True) & (
            Q(theory__isnull=True) | Q(theory__in=Theory.objects.visible_to(user))
        )
        return self.filter(shown)

    def questions(self):
        return self.filter(theory__isnull=True)


class Prediction(ConstraintErrorsByField, models.Model):
    season = models.ForeignKey(
        Season, on_delete=models.PROTECT, related_name="predictions", verbose_name=_("season")
    )
    theory = models.ForeignKey(
        Theory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="predictions",
        verbose_name=_("theory"),
        help_text=_("Empty for a question the editors ask everyone."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predictions",
        verbose_name=_("author"),
    )
    claim = models.CharField(
        _("claim"),
        max_length=200,
        help_text=_("One thing the season will show or not, e.g. “Cheong-san returns”."),
    )
    criteria = models.TextField(
        _("resolution criteria"),
        max_length=1000,
        help_text=_("What exactly counts as yes, so that anyone could settle it."),
    )
    spoiler_season = models.PositiveSmallIntegerField(
        _("spoiler season"), null=True, blank=True, help_text=SPOILER_HELP
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution, default=Resolution.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_fact = models.ForeignKey(
        Fact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_predictions",
        verbose_name=_("settled by the fact"),
    )
    resolution_source_url = models.URLField(_("or a source"), max_length=500, blank=True)
    resolution_note = models.TextField(_("note"), max_length=1000, blank=True)
    known_at = models.DateTimeField(
        _("answer public from"),
        null=True,
        blank=True,
        help_text=_(
            "When the answer became public before the season aired (a cast list, a "
            "trailer): forecasts made from then on earn no score."
        ),
    )

    objects = PredictionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("prediction")
        verbose_name_plural = _("predictions")
        constraints = [
            _choices_constraint("resolution", Resolution),
            _spoiler_season_constraint(),
        ]
        indexes = [models.Index(fields=["season", "resolution"])]

    def __str__(self):
        return self.claim

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("guide:prediction", args=[self.pk])

    @property
    def is_question(self) -> bool:
        return self.theory_id is None

    @property
    def claim_season(self) -> int | None:
        """The season the claim and its criteria give away: their own tag, or the
        theory's, whichever is later."""
        tags = [self.spoiler_season, self.theory.spoiler_season if self.theory_id else None]
        return max((tag for tag in tags if tag), default=None)

    @property
    def outcome_season(self) -> int:
        """The season the resolution gives away: what the season showed."""
        return max(self.season.number, self.claim_season or 0)

    @property
    def is_resolved(self) -> bool:
        return self.resolution != Resolution.OPEN


class Forecast(ConstraintErrorsByField, models.Model):
    """A fan's probability for a prediction from `created_at` on. A change is a new row;
    the older one stays, no longer `current`, so the history is kept as it was."""

    prediction = models.ForeignKey(Prediction, on_delete=models.CASCADE, related_name="forecasts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forecasts"
    )
    percent = models.PositiveSmallIntegerField(_("your probability (%)"))
    created_at = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=LOWEST, percent__lte=HIGHEST),
                name="%(app_label)s_%(class)s_percent_in_range",
                violation_error_message=_("A forecast is between 1 and 99 per cent."),
            ),
            models.UniqueConstraint(
                fields=["prediction", "user"],
                condition=Q(current=True),
                name="%(app_label)s_%(class)s_one_current",
                violation_error_message=_("A fan has one current forecast on a prediction."),
            ),
        ]
        indexes = [
            models.Index(fields=["prediction", "created_at"]),
            models.Index(fields=["user", "-created_at"]),
            # A fan's forecasts on one prediction (their mark, their history on its page),
            # found without reading everyone else's on a popular one.
            models.Index(fields=["user", "prediction", "created_at"]),
        ]

    def __str__(self):
        return f"{self.user} {self.percent}% {self.prediction_id}"


class CrowdBucket(ConstraintErrorsByField, models.Model):
    """How many fans' current forecasts on a prediction say this per cent: the crowd,
    kept by guide.services as each forecast is made, so that its median is read from at
    most 99 rows however many fans forecast (guide.scoring.median_of_counts)."""

    prediction = models.ForeignKey(
        Prediction, on_delete=models.CASCADE, related_name="crowd_buckets"
    )
    percent = models.PositiveSmallIntegerField()
    forecasters = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prediction", "percent"],
                name="%(app_label)s_%(class)s_one_per_percent",
                violation_error_message=_("A prediction has one count for each per cent."),
            )
        ]

    def __str__(self):
        return f"{self.prediction_id}: {self.forecasters} at {self.percent}%"


class CrowdDay(ConstraintErrorsByField, models.Model):
    """The crowd at the end of a day that had forecasts on the prediction (the median of
    every fan's latest forecast, and how many fans): its history, one row a day, kept
    by guide.services as each forecast is made."""

    prediction = models.ForeignKey(Prediction, on_delete=models.CASCADE, related_name="crowd_days")
    day = models.DateField()
    at = models.DateTimeField()  # the day's last forecast
    median = models.FloatField()
    forecasters = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["prediction", "day"],
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message=_("A prediction has one crowd for each day."),
            )
        ]

    def __str__(self):
        return f"{self.prediction_id} {self.day}: {self.median} of {self.forecasters}"


class ForecastScoreQuerySet(models.QuerySet):
    def in_records(self):
        """The scores a record counts: of predictions anyone may see, never of a hidden
        theory's claims or of an unpublished show's."""
        return self.filter(
            Q(prediction__season__show__is_published=True)
            & (Q(prediction__theory__isnull=True) | Q(prediction__theory__is_hidden=False))
        )


class ForecastScore(ConstraintErrorsByField, models.Model):
    """What a fan's last counted forecast on a resolved prediction scored; written when
    it is resolved, so that pages never recompute it (guide.scoring)."""

    prediction = models.ForeignKey(Prediction, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forecast_scores"
    )
    percent = models.PositiveSmallIntegerField()
    made_at = models.DateTimeField()
    happened = models.BooleanField()
    brier = models.FloatField()
    log_score = models.FloatField()
    peer_score = models.FloatField()

    objects = ForecastScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prediction", "user"],
                name="%(app_label)s_%(class)s_one_per_fan",
                violation_error_message=_("A fan's forecast on a prediction is scored once."),
            )
        ]
        indexes = [models.Index(fields=["user"])]

    def __str__(self):
        return f"{self.user} {self.brier:.3f} {self.prediction_id}"
