"""Topic versions: what a cached page shows, and the writes that make it stale.

A topic names something pages show: the apps choose the names ("theory:12", "fan:7",
"theories"); core knows none of them but SITE, which every cached page depends on. Each
topic has a version in the shared cache. A cached page records the versions of its
topics (core/pagecache.py) and is stale as soon as one of them moves, so a write makes
stale exactly the pages that show what it changed.

A version is a random token rather than a counter: moving one is a single write that
needs no read, concurrent writes cannot collide on the same new value, and a version the
cache evicted reads as None, which differs from any token a page recorded.
"""

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

# Every cached page depends on it: editors' changes in the admin, which can touch
# anything (a show's title, a published flag), move it.
SITE = "site"

_PREFIX = "topic:"


def _key(topic: str) -> str:
    return f"{_PREFIX}{topic}"


def versions(topics: Iterable[str]) -> dict[str, str | None]:
    """The current version of each topic (None for one never touched), in one cache call."""
    keys = {_key(topic): topic for topic in topics}
    found = cache.get_many(list(keys))
    return {topic: found.get(key) for key, topic in keys.items()}


def keys_of(topics: Iterable[str]) -> list[str]:
    """The cache keys of topics, for a caller that fetches them with other keys at once."""
    return [_key(topic) for topic in topics]


def from_cache_values(topics: Iterable[str], found: dict) -> dict[str, str | None]:
    """Versions out of a get_many answer that included keys_of(topics)."""
    return {topic: found.get(_key(topic)) for topic in topics}


def touch(*topics: str, at_once: bool = False) -> None:
    """Make stale every cached page that shows one of `topics`, once the transaction commits.

    Call it inside the write's transaction: a write that rolls back touches nothing, and
    a page rendered before the commit cannot outlive it. With `at_once`, the versions
    move now as well, for what the same transaction reads next (the signed-in user's own
    row, core.auth); a reader that stores a copy between the two moves is caught by the
    second.
    """
    if not topics:
        raise ValueError("Name what the write changed.")
    if at_once:
        cache.set_many({_key(topic): secrets.token_hex(8) for topic in topics}, timeout=None)
    moved = {_key(topic): secrets.token_hex(8) for topic in topics}
    transaction.on_commit(lambda: cache.set_many(moved, timeout=None))
