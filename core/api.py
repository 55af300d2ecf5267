"""A public, read-only JSON API's plumbing: answers that are the same for every caller.

An answer depends on its address alone (the path and the query parameters its operation
reads), never on who asks: no session, no cookie, no language. So one stored copy serves
everyone, as the page cache does for visitors (core.pagecache), kept until a topic it
shows moves (core.freshness) or its time is up. Every answer, stored or not:

- counts against the caller's address (RATE_LIMITS["api"]): over it, 429 with
  Retry-After;
- carries a strong ETag (a digest of its body) and, where the operation set one,
  Last-Modified, and answers a matching conditional GET with 304;
- says `Cache-Control: public` with the operation's max-age, and may be read from any
  origin (CORS is corsheaders', configured in settings; CORP here);
- and, when it is an error, is RFC 9457 problem details.
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from core import freshness
from core.network import client_address
from core.throttle import check_rate

PROBLEM_CONTENT_TYPE = "application/problem+json"
_KEY_PREFIX = "api:"


def problem(request, status: int, detail: str = "", **members) -> JsonResponse:
    """An error as problem details (RFC 9457): `type` about:blank, so `title` is the
    status's own phrase; `detail` says what went wrong with this request."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "instance": request.get_full_path(),
    }
    if detail:
        body["detail"] = detail
    body.update(members)
    response = JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    return _public(response, max_age=0)


def as_problems(view: Callable) -> Callable:
    """Wrap a URL's view so that an error it answers in another shape (a 405 from the
    router, say) comes as problem details, its headers (Allow) kept."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            (PROBLEM_CONTENT_TYPE, "application/json")
        ):
            return response
        answer = problem(request, response.status_code)
        for name in ("Allow", "Retry-After"):
            if name in response:
                answer[name] = response[name]
        return answer

    return wrapper


def public_read(
    *,
    params: Iterable[str],
    topics: Callable[..., Iterable[str]],
    seconds: int,
    max_age: int,
):
    """Decorate an API view (see the module's docstring).

    `params`: the query parameters the operation reads, the only ones its key holds (any
    other is ignored by the operation, so it cannot multiply the copies kept); `topics`:
    a function of the view's path arguments naming what the answer shows; `seconds`: how
    long a copy is kept at most (the counts on it age out in that time); `max_age`: how
    long a client or a shared cache may reuse it without asking again.
    """
    params = tuple(sorted(params))

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            wait = check_rate(action="api", key=client_address(request) or "unknown")
            if wait is not None:
                response = problem(
                    request,
                    HTTPStatus.TOO_MANY_REQUESTS,
                    f"This address may make {settings.RATE_LIMITS['api'][0]} requests a "
                    f"minute. Try again in {wait} s.",
                )
                response["Retry-After"] = str(wait)
                return response
            if not settings.VISITOR_PAGE_CACHE:
                return _fresh(request, view(request, *args, **kwargs), {}, max_age)
            shown = [freshness.SITE, *topics(**kwargs)]
            key = _key(request, params)
            found = cache.get_many([key, *freshness.keys_of(shown)])
            versions = freshness.from_cache_values(shown, found)
            entry = found.get(key)
            if entry is not None and entry["versions"] == versions:
                return _answer(request, entry, max_age)
            response = view(request, *args, **kwargs)
            if response.status_code == HTTPStatus.OK:
                cache.set(key, _entry(response, versions), seconds)
            return _fresh(request, response, versions, max_age)

        return wrapper

    return decorate


def _fresh(request, response: HttpResponse, versions: dict, max_age: int) -> HttpResponse:
    """A view's own answer: an error as it is, a success as a stored copy would be."""
    if response.status_code != HTTPStatus.OK:
        return response
    return _answer(request, _entry(response, versions), max_age)


def _key(request, params: tuple[str, ...]) -> str:
    # Every value of each name, in order: whichever one the operation reads, two requests
    # share a copy only when they carry the same values.
    query = urlencode([(name, request.GET.getlist(name)) for name in params], doseq=True)
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"{_KEY_PREFIX}{digest}"


def _entry(response: HttpResponse, versions: dict) -> dict:
    return {
        "versions": versions,
        "body": response.content,
        "content_type": response["Content-Type"],
        "etag": '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"',
        "last_modified": response.get("Last-Modified"),
    }


def _answer(request, entry: dict, max_age: int) -> HttpResponse:
    response = HttpResponse(entry["body"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    last_modified = entry["last_modified"]
    if last_modified:
        response["Last-Modified"] = last_modified
    _public(response, max_age=max_age)
    return get_conditional_response(
        request,
        etag=entry["etag"],
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


def _public(response: HttpResponse, *, max_age: int) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age)
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.same_for_everyone = True  # core.middleware.PrivateForFansMiddleware
    return response
