"""What a reader has chosen: spoiler progress (a signed cookie for visitors, the account
for fans) and the colour theme (a cookie)."""

import json

from django.core import signing

from guide import spoilers
from guide.models import WatchProgress

THEMES = ("auto", "light", "dark")
THEME_COOKIE = "theme"
PROGRESS_COOKIE = "watched"
PROGRESS_SALT = "guide.watched"
PROGRESS_MAX_AGE = 60 * 60 * 24 * 365


def progress_for(request) -> dict[int, int]:
    """{show_id: seasons watched} for whoever is reading; a show not in it is unanswered."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return dict(
            WatchProgress.objects.filter(user=user).values_list("show_id", "seasons_watched")
        )
    raw = request.get_signed_cookie(
        PROGRESS_COOKIE, default=None, salt=PROGRESS_SALT, max_age=PROGRESS_MAX_AGE
    )
    if not raw:
        return {}
    try:
        return spoilers.parse_progress(json.loads(raw))
    except (ValueError, TypeError, signing.BadSignature):
        return {}


def encode_progress(progress: dict[int, int]) -> str:
    return json.dumps({str(show_id): watched for show_id, watched in progress.items()})
