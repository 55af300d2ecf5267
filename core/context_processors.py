from core.pagecache import csrf_placeholder, personal
from core.reader import THEME_CHOICES, theme_of
from core.seo import absolute


def site(request):
    context = {
        "theme": theme_of(request),
        "theme_choices": THEME_CHOICES,
        # Where forms send the reader back to: this page, as asked for.
        "here": request.get_full_path(),
        # The page's own address without its query string, except the page number.
        "canonical_url": _canonical(request),
    }
    # A page rendered for the visitors' cache gets a placeholder where the token goes;
    # this processor runs after Django's own, so {% csrf_token %} reads it instead.
    if (placeholder := csrf_placeholder(request)) is not None:
        context["csrf_token"] = placeholder
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # The header names the fan; on a page shared with fans, through holes.
        context["account_name"] = _own(request, "public_name")
        context["account_url"] = _own(request, "get_absolute_url")
    return context


def _own(request, attribute: str):
    hole = personal(request, "core.pagecache.reader_attribute", attribute)
    if hole is not None:
        return hole
    value = getattr(request.user, attribute)
    return value() if callable(value) else value


def _canonical(request) -> str:
    """The address without its query, but for a page number (`?page=N` of the lists still
    paginated by number). A cursor page (core.pagination: `?after=`, `?before=`) names the
    list's first page: its own address moves with the data and is not indexed."""
    url = absolute(request, request.path)
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isascii() and page.isdigit() and page != "1" else url
