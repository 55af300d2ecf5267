"""Whole-page cache for visitors who are not signed in.

A visitor's page depends on the host, the scheme, the path, the query parameters the
view reads, the language, the theme and how far they have watched (their spoiler
cookie), so those make the key, each in one canonical spelling: parameters the view
does not read are dropped (the view never sees them either), the rest sorted; a theme we
do not offer and a progress cookie that does not verify key as no cookie at all; a host
spelled in odd case or with another port is served but not cached. Nothing a request
carries can multiply the pages kept. Signed-in fans and visitors with a session never
touch the cache: their pages carry their own votes and messages.

Invalidation by topic (core.freshness): each cached view names the topics its page
shows, and may name more while it renders (`depends_on`). A cached page keeps the
version each topic had when it was named, and is served only while none of them, nor
freshness.SITE, has moved; so a write makes stale just the pages that show what it
changed. A topic named before the view reads what it covers (those the decorator
names) can never miss a write; one named only after (a commenter, known from the
comment) may miss a write that lands during that very render, for VISITOR_PAGE_SECONDS
at most. Votes move no topic, as they come in floods: counts on a cached page (votes,
and comments on theory cards) may be up to VISITOR_PAGE_SECONDS old, never older.

The CSRF token is the one per-visitor piece of a page. A page rendered here gets a
random placeholder, new for each render, wherever {% csrf_token %} would put the token
(core.context_processors hands it to the templates); it is stored beside the body, and
each visitor gets their own token in its place. Text a fan wrote cannot know the
placeholder, so it can never decide where a token lands. A render that asked for the
real token anyway is not stored.
"""

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.http.request import split_domain_port
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse

from core import freshness
from core.reader import signed_progress, theme_of

VISITOR_PAGE_SECONDS = 30
_RENDERING = "_page_cache_render"  # the request attribute while a page renders for us


@dataclass
class _Render:
    placeholder: str
    versions: dict[str, str | None] = field(default_factory=dict)


def cache_for_visitors(*, topics: Iterable[str] | Callable[..., Iterable[str]], params=()):
    """Cache a view's pages for visitors.

    `topics`: what the page shows (core.freshness), or a function of the view's keyword
    arguments that says so; `params`: the names of the query parameters the view reads.
    """
    if isinstance(topics, str) or isinstance(params, str):
        raise TypeError("Name topics and query parameters in a list, not a string.")
    params = tuple(params)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            _keep_only(request, params)
            shown = topics(**kwargs) if callable(topics) else topics
            return _serve(request, [freshness.SITE, *shown], lambda: view(request, *args, **kwargs))

        return wrapper

    return decorate


def depends_on(request, *topics: str) -> None:
    """The page being rendered also shows `topics`: call before reading what they cover
    where you can. Does nothing unless the page is being rendered for the cache."""
    render = getattr(request, _RENDERING, None)
    if render is None:
        return
    new = [topic for topic in topics if topic not in render.versions]
    if new:
        render.versions.update(freshness.versions(new))


def csrf_placeholder(request) -> str | None:
    """What stands for the CSRF token while a page renders for the cache, else None."""
    render = getattr(request, _RENDERING, None)
    return render.placeholder if render is not None else None


# The key --------------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    return (
        settings.VISITOR_PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and _canonical_host(request)
    )


def _canonical_host(request) -> bool:
    """ALLOWED_HOSTS lets any case and any port through; only the plain spelling is kept."""
    host = request.get_host()
    _domain, port = split_domain_port(host)
    return host == host.lower() and port in ("", request.get_port())


def _keep_only(request, params: tuple[str, ...]) -> None:
    """Drop the query parameters the view does not read and sort the rest, for the key
    and for the view alike: the page never echoes a parameter that is not in its key."""
    query = urlencode(sorted((name, request.GET[name]) for name in params if name in request.GET))
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def _page_key(request) -> str:
    parts = [
        request.get_host(),
        request.scheme,
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        theme_of(request),
        json.dumps(signed_progress(request), sort_keys=True),
    ]
    return "pages:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# Serving and storing ---------------------------------------------------------------------


def _serve(request, topics: list[str], render_view):
    key = _page_key(request)
    found = cache.get_many([key, *freshness.keys_of(topics)])
    current = freshness.from_cache_values(topics, found)
    entry = found.get(key)
    if entry is not None and _still_fresh(entry["versions"], current):
        return _from_entry(request, entry)
    return _render_and_store(request, key, current, render_view)


def _still_fresh(recorded: dict, current: dict) -> bool:
    """No topic the page recorded has moved since (fetching those the view added)."""
    later = [topic for topic in recorded if topic not in current]
    if later:
        current = {**current, **freshness.versions(later)}
    return all(current[topic] == version for topic, version in recorded.items())


def _from_entry(request, entry: dict) -> HttpResponse:
    body, placeholder = entry["body"], entry["placeholder"].encode()
    if placeholder in body:
        body = body.replace(placeholder, get_token(request).encode())
    return HttpResponse(body, headers=entry["headers"])


def _render_and_store(request, key: str, versions: dict, render_view):
    render = _Render(placeholder=secrets.token_hex(16), versions=dict(versions))
    setattr(request, _RENDERING, render)
    try:
        response = render_view()
        if isinstance(response, SimpleTemplateResponse):
            response.render()
    finally:
        delattr(request, _RENDERING)
    if response.streaming:
        return response
    body, placeholder = response.content, render.placeholder.encode()
    if _storable(request, response):
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        entry = {
            "versions": render.versions,
            "headers": headers,
            "body": body,
            "placeholder": render.placeholder,
        }
        cache.set(key, entry, VISITOR_PAGE_SECONDS)
    if placeholder in body:
        response.content = body.replace(placeholder, get_token(request).encode())
    return response


def _storable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == HTTPStatus.OK
        and not response.cookies
        # get_token() ran during the render: this visitor's own token may be in the body.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )
