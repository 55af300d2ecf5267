"""What moderators decide: fans' reports and the append-only moderation log."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide.models.base import _choices_constraint
from guide.models.community import Comment, Outcome, Theory


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


class Report(ConstraintErrorsByField, models.Model):
    constraint_fields = {"one_target": "theory", "resolved_when_closed": "status"}

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
                violation_error_message=_("A report is about one theory or one comment."),
            ),
            _choices_constraint("reason", ReportReason),
            _choices_constraint("status", ReportStatus),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="%(app_label)s_%(class)s_resolved_when_closed",
                violation_error_message=_(
                    "An open report has no resolution time; a closed one has one."
                ),
            ),
            models.UniqueConstraint(
                fields=["reporter", "theory"],
                condition=Q(status="open", theory__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_theory",
                violation_error_message=_("This fan already has an open report on this theory."),
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(status="open", comment__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_comment",
                violation_error_message=_("This fan already has an open report on this comment."),
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
    IMAGE = "image", _("image")


class ModerationKind(models.TextChoices):
    HIDE = "hide", _("Hid")
    RESTORE = "restore", _("Restored")
    RESOLVE_REPORT = "resolve_report", _("Resolved a report")
    DISMISS_REPORT = "dismiss_report", _("Dismissed a report")
    SET_OUTCOME = "set_outcome", _("Set the outcome")


class ModerationAction(ConstraintErrorsByField, models.Model):
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
                violation_error_message=_("Choose one of the options in the list."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_target_kind_display()} {self.target_label}"

    @property
    def spoiler_season(self) -> int | None:
        """The season this entry's reason may give away.

        A verdict tells how the theory's season went; any other reason may quote the
        theory or comment it is about, so it is shielded like that text. An entry whose
        target is gone keeps only its label and reason.
        """
        if self.kind == ModerationKind.SET_OUTCOME and self.theory is not None:
            return self.theory.outcome_season
        target = self.theory or self.comment
        return target.spoiler_season if target is not None else None

    @property
    def spoiler_show_id(self) -> int | None:
        theory = self.theory or (self.comment.theory if self.comment else None)
        return theory.season.show_id if theory is not None else None

    @property
    def target_name(self) -> str:
        """ "#12" for a theory, "#5 on theory #12" for a comment or a picture (guide.services
        writes the labels as "#12" and "#5 (#12)")."""
        match = re.fullmatch(r"(#\d+) \((#\d+)\)", self.target_label)
        if self.target_kind in {ModerationTarget.COMMENT, ModerationTarget.IMAGE} and match:
            item, theory = match.groups()
            return _("%(comment)s on theory %(theory)s") % {"comment": item, "theory": theory}
        return self.target_label

    @property
    def detail_label(self) -> str:
        """The outcome or report reason this action recorded, in the reader's language."""
        for choices in (Outcome, ReportReason):
            if self.detail in choices.values:
                return choices(self.detail).label
        return self.detail
