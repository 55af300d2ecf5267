"""Where to send a reader after a form: back where they came from, if that is on this site."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """The `next` path if it stays on this site, else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only local paths: "/x" but not "//host" or "/\host", which browsers treat as hosts.
    is_path = target.startswith("/") and not target.startswith(("//", "/\\"))
    if is_path and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def redirect_back(request, fallback: str) -> HttpResponseRedirect:
    # A URL, never a view name: redirect() would try to reverse "next=foo" and fail.
    return HttpResponseRedirect(safe_next(request, fallback))
