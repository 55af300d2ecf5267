from django.utils.functional import SimpleLazyObject

from guide.reading import THEME_COOKIE, THEMES, progress_for


def reader(request):
    theme = request.COOKIES.get(THEME_COOKIE)
    return {
        # Lazy: a page without spoiler-tagged items never asks the database.
        "reader_progress": SimpleLazyObject(lambda: progress_for(request)),
        "theme": theme if theme in THEMES else "auto",
        # The page's own address without its query string, except the page number.
        "canonical_url": _canonical(request),
    }


def _canonical(request) -> str:
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url
