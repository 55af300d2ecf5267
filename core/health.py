"""Health checks for load balancers: liveness without the database, readiness with it."""

from http import HTTPStatus

from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness for load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: the process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"database": "unavailable"}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return JsonResponse({"database": "ok"})
