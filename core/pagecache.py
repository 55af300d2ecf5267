"""Whole-page cache for visitors, and for the signed-in fans who read the same page.

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
comment) may miss a write that lands during that very render, for as long as the page
is kept. Votes move no topic, as they come in floods: counts on a cached page (votes,
and comments on theory cards) may be up to VISITOR_PAGE_SECONDS old, never older. A page
that shows no such counts may be kept longer (`seconds`), and so may a page shared with
fans that shows them only in holes filled as it is served (`fan_seconds`); what changes
on it with time alone, not by a write (a lock time), keeps it no later than that moment
(`lasts_until`).

The CSRF token is the one per-visitor piece of a page. A page rendered here gets a
random placeholder, new for each render, wherever {% csrf_token %} would put the token
(core.context_processors hands it to the templates); it is stored beside the body, and
each visitor gets their own token in its place. Text a fan wrote cannot know the
placeholder, so it can never decide where a token lands. A render that asked for the
real token anyway is not stored.
"""

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.http.request import split_domain_port
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from core import freshness
from core.reader import signed_progress, theme_of

VISITOR_PAGE_SECONDS = 30
# Stored pages and pieces (core.fragments) name the choosers of their holes: a release
# that renames or drops one moves this, so nothing stored before it reaches code that no
# longer has that chooser.
STORED_FORMAT = 2
_RENDERING = "_page_cache_render"  # the request attribute while a page renders for us
_VISITOR, _FAN = "visitor ", "fan "  # how an audience, and so a page's key, begins


@dataclass
class _Render:
    placeholder: str
    hole_prefix: str = field(default_factory=lambda: secrets.token_hex(16))
    for_fans: bool = False
    versions: dict[str, str | None] = field(default_factory=dict)
    holes: list[tuple[str, object, dict[str, str]]] = field(default_factory=list)
    seconds: float = VISITOR_PAGE_SECONDS


def cache_for_visitors(
    *,
    topics: Iterable[str] | Callable[..., Iterable[str]],
    params=(),
    fans: bool = False,
    fans_own_params=(),
    seconds: int = VISITOR_PAGE_SECONDS,
    fan_seconds: int | None = None,
):
    """Cache a view's pages for visitors, and with `fans` for signed-in fans as well.

    `topics`: what the page shows (core.freshness), or a function of the view's keyword
    arguments that says so; `params`: the names of the query parameters the view reads.
    A view shared with fans renders whatever is a fan's own through `personal`; a fan
    whose address carries one of `fans_own_params` gets a page of their own. `seconds`:
    how long a page is kept, for pages whose every part moves with a topic (no counts).
    `fan_seconds`: how long a page shared with fans is kept, where it shows counts only
    in holes filled as it is served; a render that shows them otherwise says so
    (`shows_vote_counts`).
    """
    if any(isinstance(names, str) for names in (topics, params, fans_own_params)):
        raise TypeError("Name topics and query parameters in a list, not a string.")
    params, fans_own_params = tuple(params), tuple(fans_own_params)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            shared = fans and not any(name in request.GET for name in fans_own_params)
            shown = list(topics(**kwargs) if callable(topics) else topics)
            audience = _audience(request, fans=shared, topics=shown)
            if audience is None:
                return view(request, *args, **kwargs)
            _keep_only(request, params)
            for_fans = audience.startswith(_FAN) and fan_seconds is not None
            return _serve(
                request,
                audience,
                [freshness.SITE, *shown],
                lambda: view(request, *args, **kwargs),
                fan_seconds if for_fans else seconds,
            )

        wrapper.shared_with_fans = fans
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


def lasts_until(request, moment) -> None:
    """The page being rendered changes at `moment` (an aware datetime) with no write to
    say so: it is kept no later. Does nothing unless the page is being rendered for the
    cache."""
    render = getattr(request, _RENDERING, None)
    if render is not None:
        render.seconds = min(render.seconds, (moment - timezone.now()).total_seconds())


def shows_vote_counts(request) -> None:
    """The page being rendered shows what votes move outside the holes that fill it in
    as served (an order by score): it is kept no longer than a visitor's page."""
    render = getattr(request, _RENDERING, None)
    if render is not None:
        render.seconds = min(render.seconds, VISITOR_PAGE_SECONDS)


def csrf_placeholder(request) -> str | None:
    """What stands for the CSRF token while a page renders for the cache, else None."""
    render = getattr(request, _RENDERING, None)
    return render.placeholder if render is not None else None


def rendering_for_fans(request) -> bool:
    """Whether the page is being rendered to be shared with signed-in fans."""
    render = getattr(request, _RENDERING, None)
    return render is not None and render.for_fans


def personal(request, chooser: str, key, variants: dict[str, str] | None = None):
    """A hole for what is the reader's own, while a page renders to be shared with fans;
    else None, and the caller renders the reader's own part as usual.

    `chooser` is the dotted path of a function `(request, holes) -> [html, …]` that is
    given every hole of a page it chooses for as `(key, variants)` pairs, and returns what
    goes in each for this request, escaped: one of the `variants` rendered beforehand,
    or a value of its own.
    """
    render = getattr(request, _RENDERING, None)
    if render is None or not render.for_fans:
        return None
    render.holes.append((chooser, key, variants or {}))
    return mark_safe(f"{render.hole_prefix}h{len(render.holes) - 1}x")  # noqa: S308 - hex


@contextmanager
def holes_kept_apart(request):
    """Holes opened while a piece of a page renders, kept with the piece (core.fragments)
    instead of the page. Yields a list that receives them, when the block ends, as
    (placeholder, chooser, key, variants), with placeholders of their own; the piece puts
    each into every page it goes on with `personal`. Yields None unless the page is being
    rendered to be shared with fans."""
    render = getattr(request, _RENDERING, None)
    if render is None or not render.for_fans:
        yield None
        return
    page_holes, page_prefix = render.holes, render.hole_prefix
    render.holes, render.hole_prefix = [], secrets.token_hex(16)
    kept: list = []
    try:
        yield kept
    finally:
        prefix = render.hole_prefix
        kept.extend((f"{prefix}h{index}x", *hole) for index, hole in enumerate(render.holes))
        render.holes, render.hole_prefix = page_holes, page_prefix


def reader_attribute(request, holes) -> list[SafeString]:
    """The hole chooser for the signed-in reader's own attributes, named by the hole's
    key (`public_name`; a method such as `get_absolute_url` is called)."""
    values = []
    for name, _variants in holes:
        value = getattr(request.user, name)
        values.append(conditional_escape(value() if callable(value) else value))
    return values


# The key --------------------------------------------------------------------------------


def _audience(request, *, fans: bool, topics: list[str]) -> str | None:
    """Who shares the page: "visitor" (with their progress cookie), "fan" (with what
    PAGE_CACHE_FAN_AUDIENCE says of a page that names `topics`), or None when the page
    is the reader's alone."""
    if not (settings.VISITOR_PAGE_CACHE and request.method == "GET"):
        return None
    if request.COOKIES.get("messages") or not _canonical_host(request):
        return None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return _VISITOR + json.dumps(signed_progress(request), sort_keys=True)
    if not fans or not request.user.is_authenticated:
        return None
    if SessionStorage.session_key in request.session:
        return None
    shared = import_string(settings.PAGE_CACHE_FAN_AUDIENCE)(request, topics)
    return None if shared is None else _FAN + shared


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


def _page_key(request, audience: str) -> str:
    parts = [
        request.get_host(),
        request.scheme,
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        theme_of(request),
        audience,
    ]
    return f"pages:{STORED_FORMAT}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# Serving and storing ---------------------------------------------------------------------


def _serve(request, audience: str, topics: list[str], render_view, seconds: int):
    key = _page_key(request, audience)
    found = cache.get_many([key, *freshness.keys_of(topics)])
    current = freshness.from_cache_values(topics, found)
    entry = found.get(key)
    if entry is not None and _still_fresh(entry["versions"], current):
        return _from_entry(request, entry)
    for_fans = audience.startswith(_FAN)
    return _render_and_store(request, key, current, render_view, for_fans=for_fans, seconds=seconds)


def _still_fresh(recorded: dict, current: dict) -> bool:
    """No topic the page recorded has moved since (fetching those the view added)."""
    later = [topic for topic in recorded if topic not in current]
    if later:
        current = {**current, **freshness.versions(later)}
    return all(current[topic] == version for topic, version in recorded.items())


def _from_entry(request, entry: dict) -> HttpResponse:
    return HttpResponse(_personalised(request, entry), headers=entry["headers"])


def _personalised(request, entry: dict) -> bytes:
    """The stored body with each hole filled for this reader, then their CSRF token in
    (a hole's content may hold the token's placeholder too)."""
    body, placeholder = entry["body"], entry["placeholder"].encode()
    holes = entry.get("holes")
    if holes:
        body = _filled(request, body, holes, entry["hole_prefix"])
    if placeholder in body:
        body = body.replace(placeholder, get_token(request).encode())
    return body


def _filled(request, body: bytes, holes: list, prefix: str) -> bytes:
    by_chooser: dict[str, list[int]] = {}
    for index, (chooser, _key, _variants) in enumerate(holes):
        by_chooser.setdefault(chooser, []).append(index)
    filled: list[bytes] = [b""] * len(holes)
    for chooser, indexes in by_chooser.items():
        chosen = import_string(chooser)(request, [holes[i][1:] for i in indexes])
        for index, html in zip(indexes, chosen, strict=True):
            filled[index] = str(html).encode()
    hole = re.compile(re.escape(prefix.encode()) + rb"h(\d+)x")
    return hole.sub(lambda match: filled[int(match.group(1))], body)


def _render_and_store(
    request, key: str, versions: dict, render_view, *, for_fans: bool, seconds: int
):
    render = _Render(
        placeholder=secrets.token_hex(16),
        for_fans=for_fans,
        versions=dict(versions),
        seconds=seconds,
    )
    setattr(request, _RENDERING, render)
    try:
        response = render_view()
        if isinstance(response, SimpleTemplateResponse):
            response.render()
    finally:
        delattr(request, _RENDERING)
    if response.streaming:
        return response
    entry = {
        "versions": render.versions,
        "headers": {k: v for k, v in response.headers.items() if k.lower() != "content-length"},
        "body": response.content,
        "placeholder": render.placeholder,
        "holes": render.holes,
        "hole_prefix": render.hole_prefix,
    }
    seconds = int(render.seconds)  # whole seconds: a page with less left is not kept
    if _storable(request, response) and seconds > 0:
        cache.set(key, entry, seconds)
    response.content = _personalised(request, entry)
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
