from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsByField


class User(ConstraintErrorsByField, AbstractUser):
    """A fan's account. Custom from the first migration so it can grow without pain."""

    constraint_fields = {"username_ci": "username", "email_ci": "email"}

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    bio = models.TextField(_("bio"), max_length=1000, blank=True)

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

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"username": self.username})
