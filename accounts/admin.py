"""Accounts in the admin: Django's user admin, plus the fan's public profile fields."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import DataExport, User
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


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """When fans asked for their data and how large it was: never the file, which is
    theirs alone (it is downloaded from their settings page)."""

    list_display = ["user", "requested_at", "ready_at", "size"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    list_filter = ["ready_at"]
    fields = ["user", "requested_at", "ready_at", "size"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
