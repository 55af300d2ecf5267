"""The signed-in reader's user row, kept in the shared cache.

Every request of a signed-in fan loads their user, and Django's ModelBackend asks the
database each time: on a page served from the page cache that query was about a fifth of
the request's cost. Here the row comes from the cache, stored beside the version of the
user's topic (core.freshness) that was current before the database was read. Every save
or deletion of a user moves that version, at once and again when it commits. The copy
and the version are read in one cache call, so a copy read before a write never serves
after it, even when it was stored after the write committed: deactivating a fan, a new
password or a deletion holds from the very next request.

The same round trip reads what else the request will want of the cache about this user
(settings.USER_ROW_COMPANION_KEYS: the apps name the keys, core knows none of them), and
hands it over once through `read_with_user`: a fan's page from the page cache asks the
cache one time fewer.
"""

import secrets
from functools import cache as memoized

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.module_loading import import_string

from core import freshness

# A copy unused this long goes; its version stays (a version is never given a timeout).
KEPT_SECONDS = 3600


def user_topic(user_id) -> str:
    return f"user:{user_id}"


def _copy_key(user_id) -> str:
    return f"user-row:{user_id}"


# The request attribute on the user: what was read along with the row, until taken.
_READ_ALONG = "_cache_read_along"


@memoized
def _companions(path: str):
    return import_string(path)


def _companion_keys(user_id) -> list[str]:
    path = settings.USER_ROW_COMPANION_KEYS
    return _companions(path)(user_id) if path else []


def read_with_user(user, keys: list[str]) -> dict:
    """The cache's values of `keys` (get_many's answer): those read in the round trip
    that loaded the signed-in `user`, the first time they are asked for in the request;
    else read now. A second ask reads afresh, so a value this request wrote meanwhile is
    not missed."""
    along = getattr(user, _READ_ALONG, None)  # through request.user's lazy wrapper
    if along is not None:
        delattr(user, _READ_ALONG)
        asked, found = along
        if asked.issuperset(keys):
            return {key: found[key] for key in keys if key in found}
    return cache.get_many(keys)


class CachedUserBackend(ModelBackend):
    """ModelBackend, with get_user answered from the cache while the user is unchanged."""

    def get_user(self, user_id):
        topic = user_topic(user_id)
        [version_key] = freshness.keys_of([topic])
        along = _companion_keys(user_id)
        found = cache.get_many([_copy_key(user_id), version_key, *along])
        version = found.get(version_key)
        stored = found.get(_copy_key(user_id))
        if stored is not None and stored[0] == version:  # a copy is never stored under None
            return self._signed_in(stored[1], along, found)
        if version is None:
            # Never written, or evicted: give the topic a version before reading the row.
            # Losing the race to a write means a version this copy cannot match: keep none.
            version = secrets.token_hex(8)
            if not cache.add(version_key, version, timeout=None):
                version = None
        try:
            user = get_user_model()._default_manager.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if version is not None:
            cache.set(_copy_key(user_id), (version, user), KEPT_SECONDS)
        return self._signed_in(user, along, found)

    def _signed_in(self, user, along: list[str], found: dict):
        if not self.user_can_authenticate(user):
            return None
        if along:  # after the copy is stored: never pickled with it
            kept = {key: found[key] for key in along if key in found}
            setattr(user, _READ_ALONG, (frozenset(along), kept))
        return user


def _user_changed(sender, instance, **kwargs):
    # At once too: the rest of the writing request (a new password's session hash) and the
    # tests, whose transactions never commit, read the row as written.
    freshness.touch(user_topic(instance.pk), at_once=True)


def connect_signals() -> None:
    """Called from CoreConfig.ready: any save or deletion of a user moves its version."""
    post_save.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="core.auth")
    post_delete.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="core.auth")
