from django.contrib.auth.models import AbstractUser
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.names import skeleton
from core.constraints import ConstraintErrorsByField


class User(ConstraintErrorsByField, AbstractUser):
    """A fan's account. Custom from the first migration so it can grow without pain.

    `email` only ever holds an address its owner has confirmed (or staff set): password
    resets go there. A newly typed address waits in `pending_email` until the link
    mailed to it is followed.
    """

    constraint_fields = {"username_ci": "username", "email_ci": "email"}

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    bio = models.TextField(_("bio"), max_length=1000, blank=True)
    pending_email = models.EmailField(_("email waiting for confirmation"), blank=True)
    # What the username looks like (accounts.names.skeleton), so that a new name can be
    # compared with every existing one in one indexed query.
    username_skeleton = models.TextField(editable=False, default="", db_index=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("username"),
                name="%(app_label)s_%(class)s_username_ci",
                violation_error_message=_(
                    "Another account already uses this username (capital letters do not "
                    "make a name different)."
                ),
            ),
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="%(app_label)s_%(class)s_email_ci",
                violation_error_message=_("Another account already uses this email address."),
            ),
        ]

    def __str__(self):
        return self.public_name

    def save(self, *args, **kwargs):
        # A column derived from this row alone, kept with it on every save (admin,
        # createsuperuser, sign-up); nothing outside the row is touched.
        self.username_skeleton = skeleton(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"username": self.username})


def storages_exports():
    """The private storage of fans' exports (settings.STORAGES["exports"])."""
    return storages["exports"]


class DataExport(models.Model):
    """A fan's export too large to make during a request: made by the task worker
    (accounts.tasks.prepare_export), kept in the private "exports" storage, which has no
    address of its own; its owner downloads it through accounts.views.download_export."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="exports")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    file = models.FileField(storage=storages_exports, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self):
        return f"{self.user} · {self.requested_at:%Y-%m-%d %H:%M}"
