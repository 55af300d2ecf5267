"""Per-fan rate limits counted in the shared cache, so they hold across processes."""

import time

from django.conf import settings
from django.core.cache import cache


def check_rate(*, action: str, user_id: int, now: float | None = None) -> int | None:
    """Count one attempt at `action`; return seconds to wait if over the limit, else None.

    A fixed window per fan and action: cheap (one add and one incr), and with Redis the
    increment is atomic across every server process.
    """
    limit, window = settings.RATE_LIMITS[action]
    now = time.time() if now is None else now
    window_index = int(now // window)
    key = f"rate:{action}:{user_id}:{window_index}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return max(1, int((window_index + 1) * window - now))
    return None
