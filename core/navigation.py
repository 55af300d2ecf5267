"""Where to send a reader after a form: back where they came from, if that is on this site;
and never to a dead end."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
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


def action(*, page, login=True):
    """For a view that changes something on POST: no visit to its address is a dead end.

    A browser GETs an action's address more often than one would think: as the `next` of
    a log-in, on reloading an error page shown there, or when a language or theme switch
    on such a page comes back to it. Django's require_POST answers those with a bare 405;
    here they are redirected to `page(request, *args, **kwargs)`, the page the action
    belongs to, which may read what the form posted (a vote's direction). With `login`,
    a visitor who is not signed in is sent to log in and comes back to that page, not to
    the action.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            allowed = request.user.is_authenticated or not login
            if request.method == "POST" and allowed:
                return view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD", "POST"):
                return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
            target = page(request, *args, **kwargs)
            return HttpResponseRedirect(target) if allowed else redirect_to_login(target)

        return wrapper

    return decorator
