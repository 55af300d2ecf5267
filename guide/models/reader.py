"""What a signed-in reader has told us: how far they have watched each show."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide.models.content import Show


class WatchProgress(ConstraintErrorsByField, models.Model):
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
                fields=["user", "show"],
                name="%(app_label)s_%(class)s_one_per_show",
                violation_error_message=_("This fan's progress in this show is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(seasons_watched__lte=99),
                name="%(app_label)s_%(class)s_seasons_watched_bounded",
                violation_error_message=_("Nobody has watched more than 99 seasons of a show."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.show}: {self.seasons_watched}"
