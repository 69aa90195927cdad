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
import os
import re
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import ConnectionPool, RedisError
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
        # Where, and with which connection options, KeyMirror listens for changes (None: several servers, where
        # Django reads from replicas that may lag: no mirror).
        servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        options = {
            name: value
            for name, value in params.get("OPTIONS", {}).items()
            if name not in ("serializer", "pool_class", "parser_class", "circuit_breaker_seconds")
        }
        self._watched_server = (servers[0], options) if len(servers) == 1 else None
        self._breaker_servers = ",".join(servers)  # as BreakerClient names them

    def validate_key(self, key):
        """Django's check warns about keys memcached would refuse; Redis takes any key, and the check cost a cached
        page, which reads a dozen keys at once, a twentieth of its time (bench/README.md)."""

    # What this process writes, its mirrors forget at once (Redis's message about it follows).
    def set(self, key, *args, **kwargs):
        super().set(key, *args, **kwargs)
        self._forget([key])

    def add(self, key, *args, **kwargs):
        added = super().add(key, *args, **kwargs)
        self._forget([key])
        return added

    def delete(self, key, *args, **kwargs):
        deleted = super().delete(key, *args, **kwargs)
        self._forget([key])
        return deleted

    def set_many(self, data, *args, **kwargs):
        failed = super().set_many(data, *args, **kwargs)
        self._forget(data)
        return failed

    def delete_many(self, keys, *args, **kwargs):
        super().delete_many(keys, *args, **kwargs)
        self._forget(keys)

    def _forget(self, keys):
        for mirror in _mirrors_of(self):
            mirror.forget(keys)

    def mirror(self, prefixes):
        """This process's KeyMirror of the keys under `prefixes`, or None (several servers). One per process, shared
        by its threads: Django builds a cache object per thread (the development server a thread per request), and
        each mirror holds two connections of its own."""
        if self._watched_server is None:
            return None
        identity = (self._mirror_identity(), prefixes)
        with _mirrors_lock:
            mirror = _mirrors.get(identity)
            if mirror is None:
                mirror = _mirrors[identity] = KeyMirror(self, prefixes)
        return mirror

    def _mirror_identity(self):
        server, options = self._watched_server
        return (server, repr(sorted(options.items())), self.key_prefix, self.version)


# Every mirror of this process, by server, options, key prefix, version and prefixes watched.
_mirrors = {}
_mirrors_lock = threading.Lock()


def _mirrors_of(shared):
    if shared._watched_server is None:
        return []
    identity = shared._mirror_identity()
    with _mirrors_lock:
        return [mirror for (watched, _prefixes), mirror in _mirrors.items() if watched == identity]


class KeyMirror:
    """
    Copies, in this process, of small keys of the shared cache under some prefixes (the page cache's tag versions),
    dropped the moment Redis says they changed: a cached page then costs no round trip to Redis at all.

    Redis's client-side caching protocol in broadcasting mode tells: a connection of this process's own subscribes
    to `__redis__:invalidate`, and a second one asks Redis to send it the name of every key under the prefixes that
    changes (`CLIENT TRACKING on REDIRECT <id> BCAST PREFIX …`), whoever changed it (any worker, a job, the shell)
    and however (set, delete, expiry, eviction). Before each read, the messages waiting on that connection are read
    (a non-blocking check: no round trip), and the keys they name are dropped. Redis sends them before it answers
    any later command, so a purge that another worker has made is seen by the next read here; a worker on another
    machine sees it within the network's latency.

    A copy is used for at most SECONDS, then read again: if the connection is cut without this process noticing,
    that bounds how long a changed key can go unseen. Whenever the connection is not known to be working (before
    it is made, after any error, in a new process after a fork), nothing is kept: every read goes to Redis.
    """

    SECONDS = 1.0
    # After a failure, not tried again for this long (at least the breaker's 10 s: a hanging Redis must not cost a
    # reader one connection timeout every few seconds).
    RETRY_SECONDS = 10.0
    # More copies than this (distinct tags, mostly) and they are all dropped: they are read again as needed.
    MOST_KEYS = 50_000
    CHANNEL = "__redis__:invalidate"

    def __init__(self, shared, prefixes):
        self._shared = shared
        self._prefixes = [shared.make_key(prefix) for prefix in prefixes]
        self._lock = threading.Lock()
        self._values = {}  # the key as Redis names it: (value or _ABSENT, when read)
        self._epoch = 0
        self._watching = None  # (listener, tracker, pid) while the connections work
        self.listener_id = self.tracker_id = None  # the two connections' ids in Redis (CLIENT ID)
        self._retry_at = 0.0
        self._warned = False

    def get_many(self, keys, also=()):
        """The values of `keys` (each under one of the prefixes: from this process's copies where they are current)
        and of `also` (never kept), as cache.get_many() gives them, with one round trip at most."""
        now = time.monotonic()
        found, missing = {}, []
        with self._lock:
            watching = self._drain(now)
            epoch = self._epoch
            for key in keys:
                kept = self._values.get(self._shared.make_key(key)) if watching else None
                if kept is not None and now - kept[1] < self.SECONDS:
                    if kept[0] is not _ABSENT:
                        found[key] = kept[0]
                else:
                    missing.append(key)
        if not missing and not also:
            return found
        read = self._shared.get_many([*missing, *also])
        found.update(read)
        if watching and missing:
            with self._lock:
                # Unless a change was heard meanwhile (it may concern what was read): a change after the read
                # is in a message not yet drained, which will drop the copy.
                if self._epoch == epoch and self._watching is not None:
                    if len(self._values) > self.MOST_KEYS:
                        self._values.clear()
                    for key in missing:
                        self._values[self._shared.make_key(key)] = (read.get(key, _ABSENT), now)
        return found

    def forget(self, keys):
        """Drop this process's copies of `keys` (it has just written them)."""
        with self._lock:
            for key in keys:
                self._values.pop(self._shared.make_key(key), None)
            self._epoch += 1

    def _drain(self, now):
        """Read the waiting messages and drop what they name; False if the connections are not working."""
        if self._watching is not None and self._watching[2] != os.getpid():
            self._forget()  # a forked child: the connections are its parent's
        if self._watching is None:
            if now < self._retry_at or now < _open_until.get(self._shared._breaker_servers, 0):
                return False  # tried lately, or Redis is not answering (core.cache's breaker is open)
            try:
                self._watch()
            except Exception:  # noqa: BLE001 - whatever it is (a refused command, a bad option), reads go to Redis
                # Once per process at warning level (a Redis that refuses CLIENT TRACKING refuses it every time).
                log = logger.debug if self._warned else logger.warning
                log("Cache changes not watched: the page cache's keys are read on every request", exc_info=True)
                self._warned = True
                self._forget(retry_at=now + self.RETRY_SECONDS)
                return False
        listener, tracker, _pid = self._watching
        try:
            if tracker.can_read(timeout=0):
                # Nothing is ever sent to it unasked: it was closed, and Redis stopped tracking with it.
                raise RedisConnectionError("The connection that asked for the changes was closed")
            while listener.can_read(timeout=0):
                message = listener.read_response()
                if message[0] in (b"message", "message"):
                    changed = message[2]
                    if changed is None:  # the whole database was flushed
                        self._values.clear()
                    else:
                        for name in changed:
                            self._values.pop(name.decode() if isinstance(name, bytes) else name, None)
                    self._epoch += 1
        except (RedisError, OSError):
            logger.warning("Cache changes no longer watched (trying again in %s s)", self.RETRY_SECONDS, exc_info=True)
            self._forget(retry_at=now + self.RETRY_SECONDS)
            return False
        return True

    def _watch(self):
        server, pool_options = self._shared._watched_server
        # The connections a pool for this server would make (TCP, TLS or a Unix socket, with its options), with
        # short timeouts, and RESP2: the changes come as messages of the channel (RESP3 would push them).
        pool = ConnectionPool.from_url(server, **pool_options)
        pool.connection_kwargs.update(socket_timeout=1.0, protocol=2)
        if "host" in pool.connection_kwargs:
            pool.connection_kwargs["socket_connect_timeout"] = 1.0
        listener, tracker = pool.make_connection(), pool.make_connection()
        try:
            listener.send_command("CLIENT", "ID")
            listener_id = listener.read_response()
            listener.send_command("SUBSCRIBE", self.CHANNEL)
            listener.read_response()
            prefixes = [word for prefix in self._prefixes for word in ("PREFIX", prefix)]
            tracker.send_command("CLIENT", "ID")
            tracker_id = tracker.read_response()
            tracker.send_command("CLIENT", "TRACKING", "on", "REDIRECT", listener_id, "BCAST", *prefixes)
            tracker.read_response()
        except BaseException:
            listener.disconnect()
            tracker.disconnect()
            raise
        self._values.clear()
        self._epoch += 1
        self._watching = (listener, tracker, os.getpid())
        self.listener_id, self.tracker_id = listener_id, tracker_id

    def _forget(self, retry_at=0.0):
        if self._watching is not None:
            for connection in self._watching[:2]:
                if self._watching[2] == os.getpid():
                    connection.disconnect()
        self._watching = None
        self._values.clear()
        self._epoch += 1
        self._retry_at = retry_at


_ABSENT = object()
