"""Friendly error pages, and the 429 page that every rate limit answers with."""

from http import HTTPStatus

from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

from core.throttle import check_rate


def _error_page(request, template, status, **context):
    return render(request, template, context, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(request, "400.html", HTTPStatus.BAD_REQUEST)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(request, "403.html", HTTPStatus.FORBIDDEN)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error_page(request, "404.html", HTTPStatus.NOT_FOUND)


@requires_csrf_token
def server_error(request):
    # No database work and no request-dependent context: this must render when all else fails.
    from django.template import loader

    return HttpResponse(
        loader.get_template("500.html").render({}), status=HTTPStatus.INTERNAL_SERVER_ERROR
    )


def csrf_failure(request, reason=""):
    return _error_page(request, "403_csrf.html", HTTPStatus.FORBIDDEN)


class AccountGone(Exception):
    """The signed-in fan's account was deleted while a request of theirs was on its way.

    Services that write on a fan's behalf raise it (guide.services.hold_fan); the
    middleware answers it with account_gone, so no such write ends in a 500.
    """


def account_gone(request):
    # The session points at a user that no longer exists: end it, and show the page as
    # to a visitor.
    logout(request)
    return _error_page(request, "409.html", HTTPStatus.CONFLICT)


def too_many_requests(request, *, retry_after: int, kept: dict | None = None):
    response = _error_page(
        request,
        "429.html",
        HTTPStatus.TOO_MANY_REQUESTS,
        retry_after=retry_after,
        retry_minutes=max(1, round(retry_after / 60)),
        kept=kept or {},
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(request, *, action: str, kept: dict | None = None):
    """Count one attempt at `action` by the signed-in fan: the 429 page (keeping what they
    typed) when they are over the limit (settings.RATE_LIMITS), else None."""
    retry_after = check_rate(action=action, key=request.user.pk)
    return too_many_requests(request, retry_after=retry_after, kept=kept) if retry_after else None
