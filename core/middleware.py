"""Small project-wide middleware that Django does not ship."""

import logging
from http import HTTPStatus

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from core.errors import AccountGone, account_gone

logger = logging.getLogger(__name__)


class CrossOriginResourcePolicyMiddleware:
    """Send Cross-Origin-Resource-Policy on every response, static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class BoundedRequestBodyMiddleware:
    """Refuse a request body larger than any form on the site, before reading any of it.

    DATA_UPLOAD_MAX_MEMORY_SIZE bounds the form fields Django keeps in memory but not
    uploaded files, which Django streams to a temporary file however large they are. A
    request whose Content-Length is over MAX_REQUEST_BODY_BYTES is answered with a 413
    page at once, before any view or process_view reads the body (CSRF reads the form in
    its process_view), and after the session, the user and the CSRF cookie are known, so
    the page is the reader's own. A missing or malformed Content-Length means an empty
    body to Django.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            logger.info("Refused a request body of %s bytes unread.", length)
            context = {"image_mb": settings.MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024)}
            return render(request, "413.html", context, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        return self.get_response(request)


class PrivateForFansMiddleware:
    """Whatever a signed-in fan gets is theirs: `Cache-Control: private` on every response.

    No shared cache (a proxy, a CDN) may keep a page that carries a fan's name, votes or
    messages. Pages that hold account details also say no-store (accounts.urls). The read
    API's answers (core.api) are the same for everyone, signed in or not, and say so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, "same_for_everyone", False) and self._signed_in(request):
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        user = getattr(request, "user", None)  # None: answered before authentication
        try:
            return user is not None and user.is_authenticated
        except DatabaseError:  # the session is out of reach: the 503 page is no one's
            return False


class DatabaseUnavailableMiddleware:
    """Turn a database that is down or locked into a friendly 503, not a 500.

    Whatever was committed stays committed: the failed request's own transaction is
    rolled back by the database, and the reader is told to try again shortly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) or (
            type(exception) is DatabaseError
        ):
            logger.warning("Database unavailable: %s", exception)
            # Rendered without the request: its user and session live in that database.
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "10"
            return response
        return None


class AccountGoneMiddleware:
    """A write on behalf of an account deleted meanwhile: a 409 page, and signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AccountGone):
            return account_gone(request)
        return None
