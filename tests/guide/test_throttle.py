"""Rate limits hold when many requests arrive at once, on the database cache too."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from core.throttle import check_rate

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "throttle_test_cache",
    }
}


@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_never_exceed_the_limit_on_the_database_cache(settings):
    settings.CACHES = DATABASE_CACHE
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (5, 3600)}
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    start = threading.Barrier(20)

    def attempt(_):
        start.wait()
        try:
            return check_rate(action="theory", key=7, now=1_000_000.0)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert results.count(None) == 5
    assert all(wait and wait > 0 for wait in results if wait is not None)


def test_each_fan_and_action_counts_separately(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (2, 60)}
    assert check_rate(action="vote", key=1, now=120.0) is None
    assert check_rate(action="vote", key=1, now=121.0) is None
    assert check_rate(action="vote", key=1, now=122.0) == 58
    assert check_rate(action="vote", key=2, now=122.0) is None
    assert check_rate(action="comment", key=1, now=122.0) is None
    # A new window starts afresh.
    assert check_rate(action="vote", key=1, now=180.0) is None


@pytest.mark.parametrize("key", ["\ud800", "fan\udcff@example.org", "\udfff" * 3])
def test_any_text_is_a_key_even_half_a_surrogate_pair(settings, key):
    """A key is hashed, whatever text it is: no key can make the limiter fail."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (1, 60)}
    assert check_rate(action="vote", key=key, now=60.0) is None
    assert check_rate(action="vote", key=key, now=61.0) == 59
    assert check_rate(action="vote", key=key + "x", now=61.0) is None
