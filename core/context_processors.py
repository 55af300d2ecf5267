from core.reader import THEME_CHOICES, theme_of
from core.seo import absolute


def site(request):
    return {
        "theme": theme_of(request),
        "theme_choices": THEME_CHOICES,
        # The page's own address without its query string, except the page number.
        "canonical_url": _canonical(request),
    }


def _canonical(request) -> str:
    url = absolute(request, request.path)
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isascii() and page.isdigit() and page != "1" else url
