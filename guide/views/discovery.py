"""Search, robots.txt and other ways in."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from guide.search import search as run_search


def search(request):
    query = request.GET.get("q", "")
    results = run_search(query, user=request.user)
    return render(request, "guide/search.html", {"query": results.query, "results": results})


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
