"""What tells a fan that something happened: the theories they follow, and their inbox."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField
from guide.models.community import Comment, Theory
from guide.models.content import Season, Show


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


class ShowFollow(ConstraintErrorsByField, models.Model):
    """A fan follows a show: each new theory about any of its seasons reaches their inbox."""

    constraint_fields = {"once_per_fan": "show"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="show_follows"
    )
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("show follow")
        verbose_name_plural = _("show follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "show"],
                name="%(app_label)s_%(class)s_once_per_fan",
                violation_error_message=_("This fan already follows this show."),
            )
        ]
        indexes = [models.Index(fields=["show", "user"])]

    def __str__(self):
        return f"{self.user} → {self.show}"


class FanFollow(ConstraintErrorsByField, models.Model):
    """A fan follows another fan: each theory they post reaches the follower's inbox."""

    constraint_fields = {"once_per_fan": "fan", "not_oneself": "fan"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fan_follows"
    )
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("fan follow")
        verbose_name_plural = _("fan follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fan"],
                name="%(app_label)s_%(class)s_once_per_fan",
                violation_error_message=_("This fan already follows that fan."),
            ),
            models.CheckConstraint(
                condition=~Q(user=F("fan")),
                name="%(app_label)s_%(class)s_not_oneself",
                violation_error_message=_("A fan cannot follow themselves."),
            ),
        ]
        indexes = [models.Index(fields=["fan", "user"])]

    def __str__(self):
        return f"{self.user} → {self.fan}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("A reply to your comment")
    MENTION = "mention", _("A mention of you")
    COMMENT = "comment", _("A comment on a theory you follow")
    THEORY = "theory", _("A new theory about a season, show or fan you follow")
    SEASON = "season", _("News of a season you follow")
    VERDICT = "verdict", _("A verdict on a theory you follow")
    MODERATION = "moderation", _("A moderator's decision on what you wrote")


MAIL_DAY = timedelta(days=1)  # what MAIL_DAILY_LIMIT counts mails over

# The kinds of line that tell of a comment.
COMMENT_KINDS = (NotificationKind.REPLY, NotificationKind.MENTION, NotificationKind.COMMENT)
# The kinds that come in bursts: after a mail at once about a theory, more of them about it
# wait for the digest for the quiet time. A season's news and decisions are rare; each goes.
BURSTY_KINDS = (*COMMENT_KINDS, NotificationKind.THEORY)


class NewsChange(models.TextChoices):
    """What a season's news line (kind season) or a moderation line tells of."""

    RELEASE_DATE = "release_date", _("its release date")
    STATUS = "status", _("its status")
    FACT = "fact", _("a new fact")
    HIDDEN = "hidden", _("hidden")
    RESTORED = "restored", _("restored")


def _fits(kinds, *, comment=False, theory=False, season=False, action=False, changes=("",)):
    """Lines of these kinds point at what is True, at nothing that is False, at either
    where None, and name one of these changes."""
    shape = Q(kind__in=kinds, change__in=changes)
    for field, required in (
        ("comment", comment),
        ("theory", theory),
        ("season", season),
        ("action", action),
    ):
        if required is not None:
            shape &= Q(**{f"{field}__isnull": not required})
    return shape


class NotificationQuerySet(models.QuerySet):
    def within_mail_limits(self, *, now, daily_limit: int, quiet):
        """The lines that may still be mailed at once: to fans who got fewer than
        `daily_limit` - 1 mails in the last day (the last place is the daily digest's),
        and, for the kinds that come in bursts, no mail at once about the same theory in
        the last `quiet` (the quiet time). guide.mailing chooses lines by it and claims
        each by it again (guide.services.claim_line)."""
        sent_today = (
            SentMail.objects.of_the_day(now)
            .filter(recipient=OuterRef("recipient"))
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        mailed_lately = Notification.objects.filter(
            recipient=OuterRef("recipient"),
            theory=OuterRef("theory"),
            kind__in=BURSTY_KINDS,
            digested=False,
            mailed_at__gt=now - quiet,
        )
        return (
            self.alias(sent_today=Coalesce(Subquery(sent_today), 0), held=Exists(mailed_lately))
            .filter(sent_today__lt=daily_limit - 1)
            .exclude(kind__in=BURSTY_KINDS, held=True)
        )


class Notification(ConstraintErrorsByField, models.Model):
    """One line of a fan's inbox. It holds no text of its own: the inbox shows who did
    what where, and the text stays behind the comment's own page and its shield."""

    constraint_fields = {
        "once_per_comment": "comment",
        "once_per_theory": "theory",
        "once_per_action": "action",
        "once_per_season_news": "season",
        "kind_valid": "kind",
        "fits_its_kind": "comment",
    }

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind)
    # None for a season's news: the season is what it tells of.
    theory = models.ForeignKey(
        Theory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Set for the lines that tell of a comment, and a moderator's decision on one.
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    season = models.ForeignKey(
        Season, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The decision a verdict or moderation line tells of (once per fan and decision).
    action = models.ForeignKey(
        "guide.ModerationAction", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    change = models.CharField(max_length=16, choices=NewsChange, blank=True)
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
    digested = models.BooleanField(default=False, editable=False)  # mailed in a digest

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # A fan hears of a comment once, however many ways it concerns them: so a
            # delivery that runs twice adds nothing the second time.
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(kind__in=COMMENT_KINDS),
                name="%(app_label)s_%(class)s_once_per_comment",
                violation_error_message=_("This fan was already told of this comment."),
            ),
            models.UniqueConstraint(
                fields=["recipient", "theory"],
                condition=Q(kind=NotificationKind.THEORY),
                name="%(app_label)s_%(class)s_once_per_theory",
                violation_error_message=_("This fan was already told of this theory."),
            ),
            models.UniqueConstraint(
                fields=["recipient", "action"],
                condition=Q(action__isnull=False),
                name="%(app_label)s_%(class)s_once_per_action",
                violation_error_message=_("This fan was already told of this decision."),
            ),
            # A season's news is told once per change and moment it happened.
            models.UniqueConstraint(
                fields=["recipient", "season", "change", "created_at"],
                condition=Q(kind=NotificationKind.SEASON),
                name="%(app_label)s_%(class)s_once_per_season_news",
                violation_error_message=_("This fan was already told of this news."),
            ),
            models.CheckConstraint(
                condition=_fits(COMMENT_KINDS, comment=True, theory=True)
                | _fits([NotificationKind.THEORY], theory=True)
                | _fits(
                    [NotificationKind.SEASON],
                    season=True,
                    changes=[NewsChange.RELEASE_DATE, NewsChange.STATUS, NewsChange.FACT],
                )
                | _fits([NotificationKind.VERDICT], theory=True, action=True)
                | _fits(
                    [NotificationKind.MODERATION],
                    comment=None,
                    theory=True,
                    action=True,
                    changes=[NewsChange.HIDDEN, NewsChange.RESTORED],
                ),
                name="%(app_label)s_%(class)s_fits_its_kind",
                violation_error_message=_(
                    "A line tells of a comment, a new theory, a season's news or a decision."
                ),
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
    """How a fan wants to hear of each kind of news by email, a field per kind. A fan
    without a row gets the defaults: comments and new theories in a daily digest, the
    rest at once. Mail only ever goes to an address the fan confirmed
    (accounts.User.email)."""

    DEFAULTS = {
        NotificationKind.REPLY: MailChoice.INSTANT,
        NotificationKind.MENTION: MailChoice.INSTANT,
        NotificationKind.COMMENT: MailChoice.DAILY,
        NotificationKind.THEORY: MailChoice.DAILY,
        NotificationKind.SEASON: MailChoice.INSTANT,
        NotificationKind.VERDICT: MailChoice.INSTANT,
        NotificationKind.MODERATION: MailChoice.INSTANT,
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
        _("New theories about seasons, shows and fans you follow"),
        max_length=8,
        choices=MailChoice,
        default=DEFAULTS["theory"],
    )
    season = models.CharField(
        _("A season you follow gets a date, a status or a new fact"),
        max_length=8,
        choices=MailChoice,
        default=DEFAULTS["season"],
    )
    verdict = models.CharField(
        _("Verdicts on theories you follow or wrote"),
        max_length=8,
        choices=MailChoice,
        default=DEFAULTS["verdict"],
    )
    moderation = models.CharField(
        _("Moderators' decisions on what you wrote"),
        max_length=8,
        choices=MailChoice,
        default=DEFAULTS["moderation"],
    )
    # The language the fan last signed in with, switched to or chose their mail in;
    # their mail is written in it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, editable=False
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

    def mail_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE


class SentMailQuerySet(models.QuerySet):
    def of_the_day(self, now):
        """Mails of the last day before `now`: what MAIL_DAILY_LIMIT counts."""
        return self.filter(sent_at__gt=now - MAIL_DAY)


class SentMail(models.Model):
    """A mail of news sent to a fan: what the daily limit counts, and when the last
    digest went."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    digest = models.BooleanField(default=False)
    lines = models.PositiveIntegerField(default=1)

    objects = SentMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mails")
        indexes = [models.Index(fields=["recipient", "-sent_at"])]

    def __str__(self):
        return f"{'Digest' if self.digest else 'Mail'} → {self.recipient} at {self.sent_at}"
