"""Admin pieces every app shares, and the site's AdminSite that applies them to all."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
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

    def get_urls(self):
        """Django's "view on site" route answers for any staff user; here it answers only
        those who may see the object in the admin, so it leaks no hidden item's address."""
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<path:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist) as error:
            raise Http404 from error
        if model is None:
            raise Http404
        opts = model._meta
        if not any(
            request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("view", "change")
        ):
            raise PermissionDenied
        return contenttype_views.shortcut(request, content_type_id, object_id)
