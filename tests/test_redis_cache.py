"""The Redis cache backend (core/cache.py): one client per connection pool, and a
window counter for the rate limits."""

import os
import socket
import threading
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCacheClient

from core.cache import RedisCache
from core.throttle import check_rate
from tests.test_settings import _manage


def _backend(location: str) -> RedisCache:
    return RedisCache(location, {"OPTIONS": {}})


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_every_call_gets_the_same_client_for_the_same_pool():
    # Making a client does not connect, so no server is needed here.
    backend = _backend("redis://127.0.0.1:6379/3")
    first = backend._cache.get_client("a")
    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first
    # Django's own client makes a new one each call: the reason for the subclass.
    plain = RedisCacheClient(["redis://127.0.0.1:6379/3"])
    assert plain.get_client() is not plain.get_client()


def test_reads_spread_over_replicas_keep_a_client_each():
    backend = _backend("redis://127.0.0.1:6379/3,redis://127.0.0.1:6380/3")
    writer = backend._cache.get_client(write=True)
    reader = backend._cache.get_client()
    assert reader is not writer
    assert reader.connection_pool.connection_kwargs["port"] == 6380
    assert writer.connection_pool.connection_kwargs["port"] == 6379
    assert backend._cache.get_client() is reader


def test_keys_are_not_checked_for_memcached_which_redis_is_not():
    """A fan's page reads forty keys, and Django checks each character by character for
    what memcached would refuse; Redis refuses none of it, and other caches still warn."""
    odd_key = "pages:" + "x" * 300 + " with spaces"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        assert _backend("redis://127.0.0.1:6379/3").make_and_validate_key(odd_key).endswith(odd_key)
        with pytest.raises(CacheKeyWarning):
            LocMemCache("checked", {}).make_and_validate_key(odd_key)


def test_a_redis_cache_url_selects_this_backend():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        DEBUG="true",
    )
    assert result.stdout.strip() == "core.cache.RedisCache", result.stderr


@pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_answers(),
    reason="no Redis on this machine (CI always has one)",
)
def test_values_round_trip_through_redis():
    backend = _backend("redis://127.0.0.1:6379/14")
    key = f"round-trip-{uuid.uuid4()}"
    assert backend.add(key, {"n": 1}, 30)
    assert not backend.add(key, {"n": 2}, 30)
    assert backend.get(key) == {"n": 1}
    backend.set_many({key: "x", key + "-other": "y"}, 30)
    assert backend.get_many([key, key + "-other"]) == {key: "x", key + "-other": "y"}
    backend.delete_many([key, key + "-other"])
    assert backend.get(key) is None


@pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_answers(),
    reason="no Redis on this machine (CI always has one)",
)
def test_a_window_counter_counts_each_call_once_and_expires():
    backend = _backend("redis://127.0.0.1:6379/14")
    key, other = f"counter-{uuid.uuid4()}", f"counter-{uuid.uuid4()}"
    assert [backend.count_in_window(key, 30) for _ in range(3)] == [1, 2, 3]
    assert backend.count_in_window(other, 30) == 1
    client = backend._cache.get_client(write=True)
    # Started with its expiry, which later counts leave as it was.
    assert 0 < client.ttl(backend.make_and_validate_key(key)) <= 30
    assert client.ttl(backend.make_and_validate_key(other)) > 0
    assert backend.get(key) == 3
    backend.delete_many([key, other])


@pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_answers(),
    reason="no Redis on this machine (CI always has one)",
)
def test_simultaneous_counts_each_get_their_own_number():
    backend = _backend("redis://127.0.0.1:6379/14")
    key = f"counter-{uuid.uuid4()}"
    start = threading.Barrier(16)

    def count(_):
        start.wait()
        return backend.count_in_window(key, 30)

    with ThreadPoolExecutor(max_workers=16) as pool:
        counts = list(pool.map(count, range(16)))
    assert sorted(counts) == list(range(1, 17))
    backend.delete(key)


@pytest.mark.skipif(
    not os.environ.get("CI") and not _redis_answers(),
    reason="no Redis on this machine (CI always has one)",
)
def test_the_rate_limiter_counts_on_redis_in_one_counter(settings):
    """On Redis an attempt is one counter's increment (core.throttle), not a key per
    allowed attempt: the limit holds the same, in one round trip and one key."""
    prefix = f"limiter-{uuid.uuid4()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": prefix,
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (3, 60)}
    answers = [check_rate(action="vote", key=7, now=6000.0) for _ in range(4)]
    assert answers == [None, None, None, 60]
    client = _backend("redis://127.0.0.1:6379/14")._cache.get_client(write=True)
    stored = client.keys(f"{prefix}:*")
    try:
        assert len(stored) == 1
        assert int(client.get(stored[0])) == 4
        assert 0 < client.ttl(stored[0]) <= 60 + 5  # gone once its window is over
    finally:
        client.delete(*stored)


def test_redis_replies_are_parsed_in_c():
    """redis-py parses with hiredis when it is installed and silently in Python when it is
    not: a signed-in fan's page makes five round trips, and parsing them in Python was a
    tenth of its calls."""
    from redis.utils import HIREDIS_AVAILABLE

    assert HIREDIS_AVAILABLE
