"""Admin pieces every app shares."""

from core import freshness


class FreshPagesMixin:
    """For admins of anything public pages show: every change makes cached pages stale."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        freshness.touch(freshness.SITE)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        freshness.touch(freshness.SITE)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        freshness.touch(freshness.SITE)
