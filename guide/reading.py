"""How far a reader has watched each show: a signed cookie for visitors, the account for
fans. The cookie's name and flags are site-wide (core.reader)."""

import json
from functools import cached_property

from django.core.cache import cache
from django.db.models import CharField, Value

from core import freshness
from core.auth import read_with_user
from core.reader import PROGRESS_COOKIE, PROGRESS_SALT, remember, signed_progress
from guide import selectors, spoilers, topics
from guide.models import Season, SeasonStatus, WatchProgress

_WATCHED, _RELEASED = "watched", "released"
_AUDIENCE_PREFIX = "audience:"
_KEYED_PROGRESS = "_shared_page_progress"  # the request attribute: the progress in its key
AUDIENCE_SECONDS = 600


def _released_seasons():
    return (
        Season.objects.published()
        .filter(status=SeasonStatus.RELEASED)
        .order_by()
        .annotate(kind=Value(_RELEASED, output_field=CharField()))
        .values_list("show", "number", "kind")
    )


def _progress_from_cookie(request) -> dict[int, int]:
    return spoilers.parse_progress(signed_progress(request))


class Reading:
    """What the spoiler shield needs to know about the reader, asked for only when used.

    `progress`: {show_id: seasons watched}; a show not in it is unanswered.
    `released`: {show_id: numbers of its released seasons}, what a reader may say they
    have watched. For a fan both come from one query; a visitor's progress is in their
    cookie, so only `released` asks the database.
    """

    def __init__(self, request):
        self._request = request
        user = getattr(request, "user", None)
        self._fan = user if user is not None and user.is_authenticated else None

    @cached_property
    def _rows(self) -> list[tuple[int, int, str]]:
        # A visitor's progress is in their cookie; a page shared with fans has it in its key.
        if self._fan is None or self._keyed_progress is not None:
            return list(_released_seasons())
        watched = (
            WatchProgress.objects.filter(user=self._fan)
            .order_by()
            .annotate(kind=Value(_WATCHED, output_field=CharField()))
            .values_list("show", "seasons_watched", "kind")
        )
        return list(watched.union(_released_seasons(), all=True))

    @cached_property
    def progress(self) -> dict[int, int]:
        if self._fan is None:
            return _progress_from_cookie(self._request)
        if self._keyed_progress is not None:
            return self._keyed_progress
        return {show: number for show, number, kind in self._rows if kind == _WATCHED}

    @property
    def _keyed_progress(self) -> dict[int, int] | None:
        """The progress in the key of the page shared with fans being rendered, if any."""
        return getattr(self._request, _KEYED_PROGRESS, None)

    @cached_property
    def released(self) -> dict[int, list[int]]:
        seasons: dict[int, list[int]] = {}
        for show, number, kind in sorted(self._rows):
            if kind == _RELEASED:
                seasons.setdefault(show, []).append(number)
        return seasons


def progress_for(request) -> dict[int, int]:
    """{show_id: seasons watched} for whoever is reading; a show not in it is unanswered."""
    return Reading(request).progress


def audience_keys(user_id) -> list[str]:
    """settings.USER_ROW_COMPANION_KEYS: what `shared_page_audience` reads of the cache,
    read along with the signed-in fan's row (core.auth)."""
    return [f"{_AUDIENCE_PREFIX}{user_id}", *freshness.keys_of([topics.reader(user_id)])]


def shared_page_audience(request, page_topics: list[str]) -> str | None:
    """settings.PAGE_CACHE_FAN_AUDIENCE: a signed-in fan reads the page any plain fan who
    watched as far reads, so their progress keys it; None when the page is theirs alone.

    Staff get pages rendered for them: editors preview unpublished shows, moderators see
    hidden and withdrawn content. A fan with hidden content of their own, which only they
    (and the moderators) see, gets a copy of their own of each page that may show it,
    kept as the shared ones are and never shown to anyone else: the pages of the theories
    it is on, and with a hidden theory the listings too (a hidden comment shows nowhere
    else: a theory's card counts what everyone may read); a page that names its
    `page_topics` (core.pagecache) and none of those is the plain fans' page.

    The answer is kept per fan while topics.reader(fan) stays put (their watch level
    and hiding or restoring their content move it): no queries, and no cache call of its
    own, as it comes with the fan's row (`audience_keys`). The page is rendered with the
    very progress that keys it, so a page stored under a key always shows what that key
    says, even when a write races with the render.
    """
    user = request.user
    if user.is_staff:
        return None
    topic, keys = topics.reader(user.pk), audience_keys(user.pk)
    found = read_with_user(user, keys)
    key = keys[0]  # the kept answer's, before the topic's version
    version = freshness.from_cache_values([topic], found)[topic]
    kept = found.get(key)
    if kept is None or kept["version"] != version:
        hidden = selectors.hidden_content_of(user)
        own_topics = set(map(topics.theory, hidden.shown_on()))
        if hidden.theories:
            own_topics.add(topics.THEORIES)
        kept = {"version": version, "progress": Reading(request).progress, "own_topics": own_topics}
        cache.set(key, kept, AUDIENCE_SECONDS)
    setattr(request, _KEYED_PROGRESS, kept["progress"])
    audience = json.dumps(sorted(kept["progress"].items()))
    own = kept["own_topics"]
    if own and (not page_topics or not own.isdisjoint(page_topics)):
        return f"{audience} of {user.pk}"
    return audience


def remember_progress(response, request, progress: dict[int, int]):
    """Keep a visitor's progress in their signed cookie."""
    value = json.dumps({str(show_id): watched for show_id, watched in progress.items()})
    return remember(response, request, PROGRESS_COOKIE, value, signed_salt=PROGRESS_SALT)
