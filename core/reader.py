"""The reader's own choices kept in cookies: the colour theme, and how far a visitor has
watched (its value is the guide's business; its name is here because the page cache keys
on it)."""

import json

from django.utils.translation import gettext_lazy as _

THEME_CHOICES = (("auto", _("Device")), ("light", _("Light")), ("dark", _("Dark")))
THEMES = tuple(code for code, _label in THEME_CHOICES)
THEME_COOKIE = "theme"
PROGRESS_COOKIE = "watched"
PROGRESS_SALT = "guide.watched"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def theme_of(request) -> str:
    theme = request.COOKIES.get(THEME_COOKIE)
    return theme if theme in THEMES else "auto"


def signed_progress(request) -> dict:
    """The visitor's progress cookie as we signed it, or {} if it does not verify or parse.

    What the mapping means is the guide's business (guide.reading); the page cache keys
    on it, so a cookie that is not ours keys, and renders, as no cookie at all.
    """
    raw = request.get_signed_cookie(
        PROGRESS_COOKIE, default=None, salt=PROGRESS_SALT, max_age=COOKIE_MAX_AGE
    )
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:  # signed by us, so only a changed format gets here
        return {}
    return value if isinstance(value, dict) else {}


def remember(response, request, name: str, value: str, *, signed_salt: str | None = None):
    """Set one of the reader's cookies, with the same lifetime and flags for each."""
    options = {
        "max_age": COOKIE_MAX_AGE,
        "secure": request.is_secure(),
        "httponly": True,
        "samesite": "Lax",
    }
    if signed_salt:
        response.set_signed_cookie(name, value, salt=signed_salt, **options)
    else:
        response.set_cookie(name, value, **options)
    return response
