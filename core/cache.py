"""The shared cache's Redis backend, without building a Redis client for every call.

Django's RedisCacheClient makes a new redis.Redis around its connection pool for each
cache call, and redis-py rebuilds its table of ~170 response callbacks in every one
(redis-py issue 3624): about a tenth of a millisecond a call, several calls a request.
A client holds no state of its own beyond the pool, so one client per pool serves
every call. Caches are per thread in Django, so no client is shared across threads.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = OneClientPerPool

    def validate_key(self, key) -> None:
        """Nothing to check: Django warns of keys memcached would refuse, character by
        character, and a fan's page reads forty keys. Redis takes any key, and the test
        suite's caches, which are not this one, still warn of a key memcached would refuse."""

    def count_in_window(self, key: str, timeout: int) -> int:
        """Count one more at `key` and return the count; the counter lasts `timeout` s.

        One round trip where core.throttle's portable scheme needs three: SET NX starts
        the counter with its expiry and INCR counts, in one MULTI so that no counter is
        ever left without an expiry, and INCR is atomic on the server.
        """
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
