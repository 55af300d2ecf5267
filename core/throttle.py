"""Per-fan rate limits counted in the shared cache, so they hold across processes."""

import time

from django.conf import settings
from django.core.cache import cache


def check_rate(*, action: str, user_id: int, now: float | None = None) -> int | None:
    """Count one attempt at `action`; return seconds to wait if over the limit, else None.

    A fixed window per fan and action, with one cache key per allowed attempt. cache.add
    is atomic on every shared backend (Redis SET NX, the database cache's unique key),
    so concurrent attempts can never claim the same slot, even where cache.incr is a
    read and a write. A hint of the next free slot keeps it to three cache calls.
    """
    limit, window = settings.RATE_LIMITS[action]
    now = time.time() if now is None else now
    window_index = int(now // window)
    base = f"rate:{action}:{user_id}:{window_index}"
    timeout = window + 5
    slot = cache.get(f"{base}:next", 1)
    while slot <= limit:
        if cache.add(f"{base}:{slot}", 1, timeout):
            cache.set(f"{base}:next", slot + 1, timeout)
            return None
        slot += 1
    return max(1, int((window_index + 1) * window - now))
