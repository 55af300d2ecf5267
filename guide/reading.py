"""How far a reader has watched each show: a signed cookie for visitors, the account for
fans. The cookie's name and flags are site-wide (core.reader)."""

import json

from core.reader import PROGRESS_COOKIE, PROGRESS_SALT, remember, signed_progress
from guide import spoilers
from guide.models import WatchProgress


def progress_for(request) -> dict[int, int]:
    """{show_id: seasons watched} for whoever is reading; a show not in it is unanswered."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return dict(
            WatchProgress.objects.filter(user=user).values_list("show_id", "seasons_watched")
        )
    return spoilers.parse_progress(signed_progress(request))


def remember_progress(response, request, progress: dict[int, int]):
    """Keep a visitor's progress in their signed cookie."""
    value = json.dumps({str(show_id): watched for show_id, watched in progress.items()})
    return remember(response, request, PROGRESS_COOKIE, value, signed_salt=PROGRESS_SALT)
