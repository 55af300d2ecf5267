"""Whole-page cache for visitors who are not signed in.

A visitor's page depends only on the address, the language, the theme, and how far
they have watched (their spoiler cookie), so those make the key. Signed-in fans and
visitors with a session never touch it: their pages carry their own votes and
messages.

Invalidation: every write that changes what pages show bumps a generation number that
is part of every key, so older pages are simply never read again. Votes are the
exception, as they come in floods: a cached page may show counts up to
VISITOR_PAGE_SECONDS old, never older.

The CSRF token is the one per-visitor piece of a cached page: it is stored as a
placeholder and each visitor gets their own token in its place.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

from guide.reading import PROGRESS_COOKIE, THEME_COOKIE

GENERATION_KEY = "pages:generation"
VISITOR_PAGE_SECONDS = 30
TOKEN_PLACEHOLDER = "@@csrf-token@@"  # noqa: S105 - a marker, not a secret
_TOKEN_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def bump() -> None:
    """Make every cached page stale: call after any write that pages show."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def _key(request, generation: int) -> str:
    parts = [
        request.get_host(),
        request.scheme,
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        request.COOKIES.get(THEME_COOKIE, ""),
        request.COOKIES.get(PROGRESS_COOKIE, ""),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pages:{generation}:{digest}"


def _cacheable_request(request) -> bool:
    return (
        settings.VISITOR_PAGE_CACHE
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_for_visitors(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        generation = cache.get(GENERATION_KEY, 0)
        key = _key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            content_type, body = cached
            token = get_token(request).encode()
            return HttpResponse(body.replace(TOKEN_PLACEHOLDER.encode(), token), content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            body = _TOKEN_FIELD.sub(
                b'name="csrfmiddlewaretoken" value="' + TOKEN_PLACEHOLDER.encode() + b'"',
                response.content,
            )
            cache.set(key, (response["Content-Type"], body), VISITOR_PAGE_SECONDS)
        return response

    return wrapper
