from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site plumbing"

    def ready(self):
        from core import auth, checks  # noqa: F401  (checks registers the deployment checks)

        auth.connect_signals()


class SiteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site's own AdminSite (core.admin.BoundedAdminSite)."""

    default = False  # CoreConfig stays the one Django picks for "core"
    default_site = "core.admin.BoundedAdminSite"
