"""How far a reader has watched each show: a signed cookie for visitors, the account for
fans. The cookie's name and flags are site-wide (core.reader)."""

import json

from django.core import signing

from core.reader import COOKIE_MAX_AGE, PROGRESS_COOKIE, PROGRESS_SALT, remember
from guide import spoilers
from guide.models import WatchProgress


def progress_for(request) -> dict[int, int]:
    """{show_id: seasons watched} for whoever is reading; a show not in it is unanswered."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return dict(
            WatchProgress.objects.filter(user=user).values_list("show_id", "seasons_watched")
        )
    raw = request.get_signed_cookie(
        PROGRESS_COOKIE, default=None, salt=PROGRESS_SALT, max_age=COOKIE_MAX_AGE
    )
    if not raw:
        return {}
    try:
        return spoilers.parse_progress(json.loads(raw))
    except (ValueError, TypeError, signing.BadSignature):
        return {}


def remember_progress(response, request, progress: dict[int, int]):
    """Keep a visitor's progress in their signed cookie."""
    value = json.dumps({str(show_id): watched for show_id, watched in progress.items()})
    return remember(response, request, PROGRESS_COOKIE, value, signed_salt=PROGRESS_SALT)
