"""Rate limits counted in the shared cache, so they hold across processes.

What is counted is up to the caller: a fan (their id), a client address
(core.network.client_address) or the address a mail goes to. Each action's limit is
settings.RATE_LIMITS[action] = (attempts, window in seconds).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def check_rate(*, action: str, key: str | int, now: float | None = None) -> int | None:
    """Count one attempt at `action` by `key`; return seconds to wait if over, else None.

    A fixed window per key and action. On Redis (core.cache) it is one counter, counted
    in one round trip. Elsewhere it is one cache key per allowed attempt: cache.add is
    atomic on every shared backend (the database cache's unique key too), so concurrent
    attempts can never claim the same slot, even where cache.incr is a read and a
    write; a hint of the next free slot keeps it to three cache calls. The key is
    hashed: an email address or an IPv6 address is no safe cache key as it is, and the
    cache need not hold who asked.
    """
    limit, window = settings.RATE_LIMITS[action]
    now = time.time() if now is None else now
    window_index = int(now // window)
    digest = hashlib.sha256(str(key).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    base = f"rate:{action}:{digest}:{window_index}"
    timeout = window + 5
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:
        if count_in_window(base, timeout) <= limit:
            return None
    else:
        slot = cache.get(f"{base}:next", 1)
        while slot <= limit:
            if cache.add(f"{base}:{slot}", 1, timeout):
                cache.set(f"{base}:next", slot + 1, timeout)
                return None
            slot += 1
    return max(1, int((window_index + 1) * window - now))
