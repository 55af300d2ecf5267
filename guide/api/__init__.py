"""The read API, /api/v1/: the guide's public data as JSON, for other tools to build on.

django-ninja types each operation (guide.api.operations), writes the OpenAPI 3.1
document at /api/v1/openapi.json and serves its interactive docs at /api/v1/docs from
our own static files. core.api gives every answer its cache, rate limit, ETag and
problem details; the handlers here make every error a problem too.
"""

import functools
import logging
from http import HTTPStatus

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from core import api as public
from guide.api.operations import router

logger = logging.getLogger(__name__)


class Renderer(JSONRenderer):
    """UTF-8 as it is: Korean names read as Korean, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class ReadAPI(NinjaAPI):
    """Names each operation as its function is named, and documents errors as what
    they are: problem details."""

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    if int(status) >= 400 and "content" in answer:
                        answer["content"] = {
                            public.PROBLEM_CONTENT_TYPE: answer["content"].pop("application/json")
                        }
        return schema


api = ReadAPI(
    title="Next Season API",
    version="1",
    description=(
        "Read-only: shows, seasons, episodes, people, characters, sourced facts, fans' "
        "theories with their predictions, and fans' public records. No key, no cookies; "
        "any origin may call it. Season-tagged text needs `watched`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    renderer=Renderer(),
)
api.add_router("", router)


@api.exception_handler(ValidationError)
def invalid(request, error: ValidationError):
    fields = [
        {"field": ".".join(str(part) for part in each.get("loc", ())), "message": each.get("msg")}
        for each in error.errors
    ]
    return public.problem(
        request, HTTPStatus.BAD_REQUEST, "A parameter is not valid.", errors=fields
    )


@api.exception_handler(HttpError)
def refused(request, error: HttpError):
    return public.problem(request, error.status_code, str(error))


@api.exception_handler(Http404)
def missing(request, error: Http404):
    return public.problem(request, HTTPStatus.NOT_FOUND, "Nothing public lives at this address.")


@api.exception_handler(Exception)
def failed(request, error: Exception):
    logger.exception("The API failed on %s", request.path, exc_info=error)
    return public.problem(request, HTTPStatus.INTERNAL_SERVER_ERROR)


def not_found(request):
    return public.problem(request, HTTPStatus.NOT_FOUND, "There is no such API address.")


def in_english(view):
    """Every caller gets the same answer, whatever language their client asks for:
    editors' text comes in English (the Korean of a translated field beside it, as
    `<field>_ko`), so one stored copy and one ETag serve everyone."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return view(request, *args, **kwargs)

    return answer


def urls():
    """The API's URL patterns, each answering GET only and its errors as problems, in
    English. An address under /api/ that is none of them goes to `not_found`
    (config.urls), not to an HTML page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = public.as_problems(require_GET(in_english(pattern.callback)))
    return patterns, app_name, namespace
