"""What tells a fan that something happened: the theories they follow, and their inbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide.models.community import Comment, Theory
from guide.models.content import Season


class Follow(ConstraintErrorsByField, models.Model):
    """A fan follows a theory: new comments on it reach their inbox. Authors follow their
    own theories from the start (services.post_theory)."""

    constraint_fields = {"once_per_fan": "theory"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "theory"],
                name="%(app_label)s_%(class)s_once_per_fan",
                violation_error_message=_("This fan already follows this theory."),
            )
        ]
        # Fan-out reads a theory's followers in order of fan.
        indexes = [models.Index(fields=["theory", "user"])]

    def __str__(self):
        return f"{self.user} → {self.theory}"


class SeasonFollow(ConstraintErrorsByField, models.Model):
    """A fan follows a season: each new theory about it reaches their inbox."""

    constraint_fields = {"once_per_fan": "season"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="season_follows"
    )
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("season follow")
        verbose_name_plural = _("season follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "season"],
                name="%(app_label)s_%(class)s_once_per_fan",
                violation_error_message=_("This fan already follows this season."),
            )
        ]
        indexes = [models.Index(fields=["season", "user"])]

    def __str__(self):
        return f"{self.user} → {self.season}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("A reply to your comment")
    MENTION = "mention", _("A mention of you")
    COMMENT = "comment", _("A comment on a theory you follow")
    THEORY = "theory", _("A new theory about a season you follow")


class Notification(ConstraintErrorsByField, models.Model):
    """One line of a fan's inbox. It holds no text of its own: the inbox shows who did
    what where, and the text stays behind the comment's own page and its shield."""

    constraint_fields = {
        "once_per_comment": "comment",
        "once_per_theory": "theory",
        "kind_valid": "kind",
        "comment_unless_theory": "comment",
    }

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind)
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="+")
    # None for a new theory's line: the theory is what it tells of.
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # When a mail told of it (or was about to: a line is claimed before its mail goes,
    # so a retried task mails nothing twice). None: not mailed, and it may still be.
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # A fan hears of a comment once, however many ways it concerns them: so a
            # delivery that runs twice adds nothing the second time.
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                name="%(app_label)s_%(class)s_once_per_comment",
                violation_error_message=_("This fan was already told of this comment."),
            ),
            models.UniqueConstraint(
                fields=["recipient", "theory"],
                condition=Q(comment__isnull=True),
                name="%(app_label)s_%(class)s_once_per_theory",
                violation_error_message=_("This fan was already told of this theory."),
            ),
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.THEORY, comment__isnull=True)
                | (~Q(kind=NotificationKind.THEORY) & Q(comment__isnull=False)),
                name="%(app_label)s_%(class)s_comment_unless_theory",
                violation_error_message=_("A line tells of a comment, or of a new theory."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Choose a kind of notification from the list."),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at=None), name="guide_notification_unread"
            ),
            # The lines a mail may still tell of: unread and not mailed.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at=None, mailed_at=None),
                name="guide_notification_unmailed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"


class Bookmark(ConstraintErrorsByField, models.Model):
    """A theory or a comment a fan saved to come back to: theirs alone, listed on their
    Saved page."""

    constraint_fields = {
        "of_one_item": "theory",
        "theory_once": "theory",
        "comment_once": "comment",
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    theory = models.ForeignKey(
        Theory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved item")
        verbose_name_plural = _("saved items")
        constraints = [
            models.CheckConstraint(
                condition=Q(theory__isnull=False, comment__isnull=True)
                | Q(theory__isnull=True, comment__isnull=False),
                name="%(app_label)s_%(class)s_of_one_item",
                violation_error_message=_("A saved item is a theory or a comment."),
            ),
            models.UniqueConstraint(
                fields=["user", "theory"],
                condition=Q(theory__isnull=False),
                name="%(app_label)s_%(class)s_theory_once",
                violation_error_message=_("This fan already saved this theory."),
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="%(app_label)s_%(class)s_comment_once",
                violation_error_message=_("This fan already saved this comment."),
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at", "-id"])]

    def __str__(self):
        return f"{self.user} ★ {self.theory or self.comment}"


class MailChoice(models.TextChoices):
    INSTANT = "instant", _("Email me at once")
    DAILY = "daily", _("In a daily digest")
    OFF = "off", _("No email")


class MailPreference(ConstraintErrorsByField, models.Model):
    """How a fan wants to hear of each kind of news by email. A fan without a row gets
    the defaults: replies and mentions at once, the rest in a daily digest. Mail only
    ever goes to an address the fan confirmed (accounts.User.email)."""

    DEFAULTS = {
        NotificationKind.REPLY: MailChoice.INSTANT,
        NotificationKind.MENTION: MailChoice.INSTANT,
        NotificationKind.COMMENT: MailChoice.DAILY,
        NotificationKind.THEORY: MailChoice.DAILY,
    }
    constraint_fields = {f"{kind}_valid": kind for kind in NotificationKind.values}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preference",
        error_messages={"unique": _("This fan already has their mail choices.")},
    )
    reply = models.CharField(
        _("Replies to your comments"), max_length=8, choices=MailChoice, default=DEFAULTS["reply"]
    )
    mention = models.CharField(
        _("Mentions of you"), max_length=8, choices=MailChoice, default=DEFAULTS["mention"]
    )
    comment = models.CharField(
        _("Comments on theories you follow"),
        max_length=8,
        choices=MailChoice,
        default=DEFAULTS["comment"],
    )
    theory = models.CharField(
        _("New theories about seasons you follow"),
        max_length=8,
        choices=MailChoice,
        default=DEFAULTS["theory"],
    )

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{kind}__in": MailChoice.values}),
                name=f"%(app_label)s_%(class)s_{kind}_valid",
                violation_error_message=_("Choose how to be told from the list."),
            )
            for kind in NotificationKind.values
        ]

    def __str__(self):
        return f"{self.user}: " + ", ".join(
            f"{kind} {getattr(self, kind)}" for kind in NotificationKind.values
        )


class SentMail(models.Model):
    """A mail of news sent to a fan: what the daily limit counts, and when the last
    digest went."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    digest = models.BooleanField(default=False)
    lines = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mails")
        indexes = [models.Index(fields=["recipient", "-sent_at"])]

    def __str__(self):
        return f"{'Digest' if self.digest else 'Mail'} → {self.recipient} at {self.sent_at}"
