"""What every guide model shares: choices constraints, timestamps, images with alt text,
natural keys."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from guide.models.translated import columns_of

SPOILER_HELP = _(
    "The season whose events this reveals. Readers who have not watched that season "
    "see it behind a reveal. Leave empty if it spoils nothing."
)


SPOILER_SEASON_POSITIVE = _(
    "A spoiler season is a season number, 1 or more. Leave it empty if this spoils nothing."
)


def not_in_the_future(value) -> None:
    """For dates of things that have happened: a source's date, the day it was checked."""
    if value and value > timezone.localdate():
        raise ValidationError(
            _("%(date)s has not come yet: enter the day it happened."),
            code="future",
            params={"date": date_format(value, "DATE_FORMAT")},
        )


def check_spoiler_season(spoiler_season: int | None, season) -> None:
    """A spoiler can only reveal a season the show has (`season`: the one it belongs to).

    Raises the error on the `spoiler_season` field.
    """
    if not spoiler_season or season is None:
        return
    latest = max(season.show.latest_season_number, season.number)
    if spoiler_season > latest:
        message = _(
            "%(show)s has no season %(number)s yet. Choose one of its seasons, "
            "1 to %(latest)s, or leave this empty if it spoils nothing."
        )
        params = {"show": season.show.title, "number": spoiler_season, "latest": latest}
        raise ValidationError(
            {"spoiler_season": ValidationError(message, code="no_such_season", params=params)}
        )


def _choices_constraint(field: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
        violation_error_message=_("Choose one of the options in the list."),
    )


def _spoiler_season_constraint() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(spoiler_season__isnull=True) | Q(spoiler_season__gte=1),
        name="%(app_label)s_%(class)s_spoiler_season_positive",
        violation_error_message=SPOILER_SEASON_POSITIVE,
    )


class NaturalKeyQuerySet(models.QuerySet):
    """Rows found by their natural key (the model's `natural_key_lookups`): how a show's
    content moves between sites (guide.transfer) without the database's ids."""

    def get_by_natural_key(self, *values):
        lookups = self.model.natural_key_lookups
        return self.get(**dict(zip(lookups, values, strict=True)))


class NaturalKey:
    """A model named by fields that mean something (a slug, a number within its show)."""

    natural_key_lookups: tuple[str, ...] = ()

    def natural_key(self) -> tuple:
        """The values the lookups find it by: a translated field's English, as its own
        column holds it (guide/translation.py), whatever the reader's language."""
        values = []
        for lookup in self.natural_key_lookups:
            value = self
            for step in lookup.split("__"):
                value = getattr(value, columns_of(type(value), step).get("en", step))
            values.append(value)
        return tuple(values)


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
