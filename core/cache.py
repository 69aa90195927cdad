"""
The shared cache: Django's Redis cache with a circuit breaker.

Every caller already copes with a cache that fails (pages are served uncached, rate limits let events through,
/healthz says "degraded"). What the timeouts alone do not prevent is a Redis that hangs rather than refuses: each
request would wait out the socket timeout on every cache call. After a connection error or a timeout this process
stops asking Redis for a while (`OPTIONS["circuit_breaker_seconds"]`, 10 s by default) and fails at once instead;
then the next call tries Redis again, and one that succeeds closes the breaker.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Per process and per server list: every thread of a worker learns at once that Redis is not answering.
_open_until = {}
_lock = threading.Lock()


class CacheUnavailable(ConnectionError):
    """Raised instead of asking Redis while the breaker is open."""


def _guarded(operation):
    @functools.wraps(operation)
    def guarded(self, *args, **kwargs):
        servers = self._breaker_key
        if time.monotonic() < _open_until.get(servers, 0):
            raise CacheUnavailable("The cache is not answering; not asked again yet.")
        try:
            return operation(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            with _lock:
                _open_until[servers] = time.monotonic() + self._breaker_seconds
            logger.warning("Cache unavailable: not asked again for %s s", self._breaker_seconds)
            raise

    return guarded


class BreakerClient(RedisCacheClient):
    def __init__(self, servers, circuit_breaker_seconds=10, **options):
        super().__init__(servers, **options)
        self._breaker_key = ",".join(servers)
        self._breaker_seconds = circuit_breaker_seconds
        self._one_server = len(servers) == 1
        self._client_object = None

    def get_client(self, key=None, *, write=False):
        """Django builds a new redis-py client object around its connection pool on every cache call: about a
        third of a cached page's time in the cache (bench/profile_cached_hit.py). With one server there is one
        pool, and redis-py's client is safe to share between threads, so it is built once. (With several servers
        Django picks a replica for each read: its own way is kept.)"""
        if not self._one_server:
            return super().get_client(key, write=write)
        if self._client_object is None:
            self._client_object = super().get_client(key, write=write)
        return self._client_object

    add = _guarded(RedisCacheClient.add)
    get = _guarded(RedisCacheClient.get)
    set = _guarded(RedisCacheClient.set)
    touch = _guarded(RedisCacheClient.touch)
    delete = _guarded(RedisCacheClient.delete)
    get_many = _guarded(RedisCacheClient.get_many)
    has_key = _guarded(RedisCacheClient.has_key)
    incr = _guarded(RedisCacheClient.incr)
    set_many = _guarded(RedisCacheClient.set_many)
    delete_many = _guarded(RedisCacheClient.delete_many)
    clear = _guarded(RedisCacheClient.clear)


class SharedCache(RedisCache):
    """settings.CACHES backend when REDIS_URL is set."""

    def __init__(self, server, params):
        super().__init__(server, params)
        # Django's RedisCache has no public hook for its client class: it builds `self._class(servers, **OPTIONS)`
        # on first use. This is the one private attribute we set, held to that behaviour by
        # tests/test_page_cache.py::test_the_shared_cache_builds_its_client_through_djangos_private_hook.
        self._class = BreakerClient

    def validate_key(self, key):
        """Django's check warns about keys memcached would refuse; Redis takes any key, and the check cost a cached
        page, which reads a dozen keys at once, a twentieth of its time (bench/README.md)."""
