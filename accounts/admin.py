"""Accounts in the admin: Django's user admin, plus the fan's public profile fields."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import FreshPagesMixin


@admin.register(User)
class UserAdmin(FreshPagesMixin, BaseUserAdmin):
    """A fan's name and whether they are active show on public pages."""

    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        (_("Public profile"), {"fields": ["display_name", "bio"]}),
        *BaseUserAdmin.fieldsets[2:],
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "email",
                    "display_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    list_display = [
        "username",
        "display_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "email", "display_name", "first_name", "last_name"]
    date_hierarchy = "date_joined"
