"""Rate limits stay exact when several attempts read the cache at the same moment.

A cache that holds every caller at its first read until all of them have read makes
the race certain instead of lucky: all the attempts see the same state, then all try
to claim their slot at once.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache.backends.locmem import LocMemCache

from core.throttle import check_rate

ATTEMPTS = 8
LIMIT = 5


class LockstepCache(LocMemCache):
    """Local memory, but each thread's first read waits for every thread's first read."""

    meeting = threading.Barrier(ATTEMPTS, timeout=30)
    arrived = threading.local()

    def get(self, *args, **kwargs):
        value = super().get(*args, **kwargs)
        if not getattr(self.arrived, "done", False):
            self.arrived.done = True
            self.meeting.wait()
        return value


@pytest.fixture
def lockstep_cache(settings):
    LockstepCache.meeting.reset()
    settings.CACHES = {
        "default": {
            "BACKEND": f"{__name__}.LockstepCache",
            # Local memory is kept per location for the process's life: a location of its
            # own each time, or a second run in the same process starts at the limit.
            "LOCATION": f"rate-limit-races-{uuid.uuid4()}",
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (LIMIT, 60)}


def test_simultaneous_attempts_get_exactly_the_limit(lockstep_cache):
    def attempt(_):
        return check_rate(action="vote", key=9, now=6000.0)

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        results = list(pool.map(attempt, range(ATTEMPTS)))
    assert results.count(None) == LIMIT
    assert sorted(wait for wait in results if wait is not None) == [60] * (ATTEMPTS - LIMIT)
