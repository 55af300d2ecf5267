"""Links that leave the site (in mail): built from SITE_URL, never from the request.

A request's Host header is the client's to choose, within ALLOWED_HOSTS and with any
port: a link built from it can point a fan's mail at somewhere else.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from reverse()) on this site, e.g. https://guide.example.org/u/fan/."""
    return settings.SITE_URL + path


def site_url_problem(value: str) -> str | None:
    """Why `value` is not an origin like https://guide.example.org, or None if it is."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return "it is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it needs http:// or https:// and a host name"
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return "it is an origin only, with no path, query or user"
    return None
