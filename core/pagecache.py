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

from core import freshness
from core.reader import PROGRESS_COOKIE, THEME_COOKIE

VISITOR_PAGE_SECONDS = 30
_TOKEN_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
# Autoescaping turns any quote a fan types into an entity, so this exact attribute text
# can only come from {% csrf_token %}: fan-written text is never touched.
_TOKEN_PLACEHOLDER = b'name="csrfmiddlewaretoken" value="@@csrf-token@@"'  # noqa: S105


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
        key = _key(request, freshness.generation())
        cached = cache.get(key)
        if cached is not None:
            content_type, body = cached
            field = b'name="csrfmiddlewaretoken" value="' + get_token(request).encode() + b'"'
            return HttpResponse(body.replace(_TOKEN_PLACEHOLDER, field), content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            body = _TOKEN_FIELD.sub(_TOKEN_PLACEHOLDER, response.content)
            cache.set(key, (response["Content-Type"], body), VISITOR_PAGE_SECONDS)
        return response

    return wrapper
