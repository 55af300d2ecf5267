"""Search, robots.txt and other ways in."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.pagecache import cache_for_visitors
from core.seo import PageMeta
from guide.search import search as run_search

THEORIES_PER_PAGE = 20


@cache_for_visitors
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query, user=request.user)
    page = Paginator(results.theories, THEORIES_PER_PAGE).get_page(request.GET.get("page"))
    others = [results.shows, results.seasons, results.characters, results.facts]
    total = sum(len(group) for group in others) + page.paginator.count
    return render(
        request,
        "guide/search.html",
        {
            "query": results.query,
            "results": results,
            "page_obj": page,
            "theories": page.object_list,
            "total": total,
            "querystring_base": urlencode({"q": results.query}),
            "page_meta": PageMeta(
                title=_("Search: %(query)s") % {"query": results.query}
                if results.query
                else _("Search"),
                description=_("Search shows, seasons, characters, actors, facts and theories."),
            ),
        },
    )


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's."""
    return HttpResponsePermanentRedirect(static("icons/favicon.svg"))


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /accounts/",
        f"Disallow: {reverse('guide:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
