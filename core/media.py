"""Uploaded images served by the site itself, with DEBUG on or off.

Only image files under MEDIA_ROOT are served, with their own content type and headers
that keep any file from ever running as a page: `nosniff`, a sandboxing
Content-Security-Policy that allows nothing, and an inline Content-Disposition with the
file's name. Upload names are random and never reused, so browsers and any proxy or CDN
in front may keep a file for a year. A web server or a CDN in front can serve MEDIA_ROOT
at MEDIA_URL instead; with object storage (STORAGES["default"]), file URLs point there
and this view is never asked.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.urls import re_path
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# Uploads stored before names followed the detected format end in ".img": their type
# is read from their first bytes.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
ONE_YEAR = 365 * 24 * 60 * 60


def urlpatterns() -> list:
    """The route for MEDIA_URL, unless uploads are served from another host."""
    parts = urlsplit(settings.MEDIA_URL)
    if parts.netloc or not parts.path.strip("/"):
        return []
    prefix = parts.path.strip("/")
    return [re_path(rf"^{prefix}/(?P<path>.+)\Z", serve, name="media")]


def _content_type(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix != ".img":
        return CONTENT_TYPES.get(suffix)
    with path.open("rb") as handle:
        start = handle.read(12)
    if start[:4] == b"RIFF" and start[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SIGNATURES.items() if start.startswith(magic)), None)


def _stored_file(path: str) -> Path:
    """The file under MEDIA_ROOT that `path` names, or Http404: never anything outside it,
    through `..`, an absolute path or a symbolic link."""
    root = Path(settings.MEDIA_ROOT).resolve()
    if "\\" in path or "\x00" in path:
        raise Http404
    try:
        candidate = Path(safe_join(root, path)).resolve()
    except (SuspiciousFileOperation, ValueError, OSError) as error:
        raise Http404 from error
    if not candidate.is_relative_to(root) or not candidate.is_file():
        raise Http404
    return candidate


@require_safe
def serve(request, path: str):
    stored = _stored_file(path)
    content_type = _content_type(stored)
    if content_type is None:
        raise Http404
    modified = stored.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        response = HttpResponseNotModified()
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type, filename=stored.name)
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened on its own, a file may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
