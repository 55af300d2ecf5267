"""The generation number of what pages show: bumped by every write that changes them.

Cached pages carry the generation they were made in (core/pagecache.py), so a bump makes
every one of them stale at once. Only the shared cache is touched here, so any layer may
call it.
"""

from django.core.cache import cache

GENERATION_KEY = "pages:generation"


def generation() -> int:
    return cache.get(GENERATION_KEY, 0)


def bump() -> None:
    """Make every cached page stale: call (on commit) after any write that pages show."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
