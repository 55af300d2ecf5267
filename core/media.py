"""Uploaded images served by the site itself, with DEBUG on or off.

Like WhiteNoise for static files, a middleware answers under MEDIA_URL before sessions,
languages and users are looked at: an image is the same for everyone, so its response
varies by no cookie or language, touches no database and may sit in any shared cache.
A path that is not a stored image goes on through the site, which answers 404.

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
from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.static import was_modified_since

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",  # renditions (guide.renditions)
}
# Uploads stored before names followed the detected format end in ".img": their type
# is read from their first bytes.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
ONE_YEAR = 365 * 24 * 60 * 60


def _prefix() -> str | None:
    """The path under which uploads are served, unless they come from another host."""
    parts = urlsplit(settings.MEDIA_URL)
    if parts.netloc or not parts.path.strip("/"):
        return None
    return "/" + parts.path.strip("/") + "/"


class MediaFilesMiddleware:
    """Serve a stored image under MEDIA_URL; GET and HEAD only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = _prefix()
        if prefix and request.path_info.startswith(prefix):
            if request.method not in {"GET", "HEAD"}:
                return HttpResponseNotAllowed(["GET", "HEAD"])
            if (stored := _stored_image(request.path_info.removeprefix(prefix))) is not None:
                return serve(request, *stored)
        return self.get_response(request)


def _content_type(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix != ".img":
        return CONTENT_TYPES.get(suffix)
    with path.open("rb") as handle:
        start = handle.read(12)
    if start[:4] == b"RIFF" and start[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SIGNATURES.items() if start.startswith(magic)), None)


def _stored_image(path: str) -> tuple[Path, str] | None:
    """The image file under MEDIA_ROOT that `path` names, and its content type; never
    anything outside MEDIA_ROOT, through `..`, an absolute path or a symbolic link."""
    root = Path(settings.MEDIA_ROOT).resolve()
    if "\\" in path or "\x00" in path:
        return None
    try:
        candidate = Path(safe_join(root, path)).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        content_type = _content_type(candidate)
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    return (candidate, content_type) if content_type else None


def serve(request, stored: Path, content_type: str):
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
