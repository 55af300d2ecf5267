"""Each fan's row on each of the leaderboard's boards (guide.boards), kept so that a
board reads its best fifty rows in index order instead of counting every theory and score.

guide.services.recount_boards writes them from the settled theories and scored
forecasts whenever a write settles, hides, publishes, deletes or scores something; a fan
with nothing counted on a board has no row there.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField


class BoardRow(ConstraintErrorsByField, models.Model):
    """A fan's row on one board, named by its scope (guide.boards.scope)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=24)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"],
                name="%(app_label)s_%(class)s_one_per_scope",
                violation_error_message=_("A fan has one row on each board."),
            )
        ]


class TheoryBoardRow(BoardRow):
    """A fan's settled theories on one board of theories that came true."""

    confirmed = models.PositiveIntegerField(default=0)
    partly = models.PositiveIntegerField(default=0)
    debunked = models.PositiveIntegerField(default=0)

    class Meta(BoardRow.Meta):
        indexes = [
            # The board's order, so that its first rows are read and nothing is sorted.
            models.Index(
                fields=["scope", "-confirmed", "-partly", "debunked", "user"],
                name="guide_theoryrow_rank_idx",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.scope}: {self.confirmed}/{self.partly}/{self.debunked}"


class ForecastBoardRow(BoardRow):
    """A fan's scored forecasts on one forecasters' board."""

    scored = models.PositiveIntegerField()
    mean_peer = models.FloatField()
    mean_brier = models.FloatField()

    class Meta(BoardRow.Meta):
        indexes = [
            models.Index(
                fields=["scope", "-mean_peer", "mean_brier", "user"],
                name="guide_forecastrow_rank_idx",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.scope}: {self.scored} scored, peer {self.mean_peer:.1f}"
