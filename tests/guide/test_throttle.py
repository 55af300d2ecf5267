"""Rate limits hold when many requests arrive at once, on the database cache and on
Redis, where core.cache counts them its own way."""

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from core.throttle import check_rate
from tests.test_redis_cache import _redis_answers

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "throttle_test_cache",
    }
}

needs_redis = pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_answers(),
    reason="no Redis on this machine (CI always has one)",
)


@pytest.fixture(params=["test cache", pytest.param("redis", marks=needs_redis)])
def any_cache(request, settings):
    """The tests' own cache, which counts in slots, or Redis, which counts in one key."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/14",
                "KEY_PREFIX": f"throttle-{uuid.uuid4()}",  # a run of its own
            }
        }
    return request.param


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


@needs_redis
def test_concurrent_attempts_never_exceed_the_limit_on_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"throttle-{uuid.uuid4()}",
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "theory": (5, 3600)}
    start = threading.Barrier(20)

    def attempt(_):
        start.wait()
        return check_rate(action="theory", key=7, now=1_000_000.0)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert results.count(None) == 5
    # The rest wait for the hour's end: 1,000,000 s is 2,800 s into its window.
    assert sorted(set(results) - {None}) == [800]


def test_each_fan_and_action_counts_separately(settings, any_cache):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (2, 60)}
    assert check_rate(action="vote", key=1, now=120.0) is None
    assert check_rate(action="vote", key=1, now=121.0) is None
    assert check_rate(action="vote", key=1, now=122.0) == 58
    assert check_rate(action="vote", key=2, now=122.0) is None
    assert check_rate(action="comment", key=1, now=122.0) is None
    # A new window starts afresh.
    assert check_rate(action="vote", key=1, now=180.0) is None


@pytest.mark.parametrize("key", ["\ud800", "fan\udcff@example.org", "\udfff" * 3])
def test_any_text_is_a_key_even_half_a_surrogate_pair(settings, any_cache, key):
    """A key is hashed, whatever text it is: no key can make the limiter fail."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (1, 60)}
    assert check_rate(action="vote", key=key, now=60.0) is None
    assert check_rate(action="vote", key=key, now=61.0) == 59
    assert check_rate(action="vote", key=key + "x", now=61.0) is None
