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
