"""Admin pieces every app shares, and the site's AdminSite that applies them to all."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils.text import smart_split, unescape_string_literal

from core import freshness

MAX_SEARCH_TERMS = 10
MAX_SEARCH_TERM_LENGTH = 100


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


# Bounds on what a changelist's address can ask for ------------------------------------------


class BoundedChangeList(ChangeList):
    """A date drill-down out of range (year 9999 has no next year) is a bad lookup, which
    Django answers with a redirect to the unfiltered list, never a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


def bounded_search(search_term: str) -> str:
    """At most MAX_SEARCH_TERMS terms of MAX_SEARCH_TERM_LENGTH characters each.

    Terms are read as Django's admin reads them (words, or "quoted phrases") and written
    back as quoted phrases, so each one stays exactly one term.
    """
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        escaped = bit[:MAX_SEARCH_TERM_LENGTH].replace("\\", "\\\\").replace('"', '\\"')
        terms.append(f'"{escaped}"')
        if len(terms) == MAX_SEARCH_TERMS:
            break
    return " ".join(terms)


class BoundedAdminMixin:
    """What every ModelAdmin on the site gets (BoundedAdminSite adds it to each)."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, bounded_search(search_term))


class BoundedAdminSite(admin.AdminSite):
    """The site's admin (core.apps.SiteAdminConfig): every ModelAdmin registered here,
    ours or a library's, is bounded by BoundedAdminMixin."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (BoundedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)
