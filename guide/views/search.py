"""Site search: shows, seasons, characters, facts and theories, grouped by kind."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.pagecache import cache_for_visitors
from core.seo import PageMeta
from guide import selectors, topics
from guide.search import capped
from guide.search import search as run_search

THEORIES_PER_PAGE = 20


@cache_for_visitors(topics=[topics.THEORIES, topics.THEORY_TEXTS], params=["q", "page"], fans=True)
def search(request):
    query = request.GET.get("q", "")
    results = run_search(query, user=request.user)
    page = Paginator(results.theories, THEORIES_PER_PAGE).get_page(request.GET.get("page"))
    others = [results.shows, results.seasons, results.characters, results.facts]
    total = sum(len(group) for group in others) + page.paginator.count
    watch_shows = selectors.distinct_shows(
        [
            *results.shows,
            *(item.show for item in [*results.seasons, *results.characters]),
            *(item.season.show for item in [*results.facts, *page.object_list]),
        ]
    )
    return render(
        request,
        "guide/search.html",
        {
            "query": results.query,
            "results": results,
            "page_obj": page,
            "theories": page.object_list,
            "watch_shows": watch_shows,
            "total": total,
            "theories_capped": capped(page.paginator.count),
            "querystring_base": urlencode({"q": results.query}),
            "page_meta": PageMeta(
                title=_("Search: %(query)s") % {"query": results.query}
                if results.query
                else _("Search"),
                description=_("Search shows, seasons, characters, actors, facts and theories."),
            ),
        },
    )
