"""The shared Redis cache, made so that losing Redis costs speed, never a page.

Several app servers share one Redis for the cache and (through ``cached_db``) for sessions
(``site_config.settings.prod``, when ``DJANGO_REDIS_URL`` is set). Django's ``RedisCache``
raises when Redis cannot be reached, which would turn every page into a 500 while Redis is
down. :class:`ForgivingRedisCache` turns "cannot reach Redis" into what a cache may always
say, a miss:

- reads answer as misses (``get`` its default, ``get_many`` nothing, ``has_key`` False);
- writes report that nothing was stored (``add``/``touch``/``delete`` False, ``set_many`` every
  key); ``incr``/``decr`` raise ``ValueError``, as for a missing key;
- one warning in the log when this process loses Redis and one when it answers again, never
  one a request;
- after a failure it does not try Redis again for ``RETRY_AFTER_SECONDS`` (5 s): a Redis that
  is down, or a host that does not answer, costs one connection timeout now and then, not one
  a cache call;
- the keys this process could not set or delete while Redis was unreachable are deleted as
  soon as it answers again (all of this Redis database is cleared when more than
  ``MAX_PENDING_KEYS`` piled up), before anything is read from it: a session signed out
  during the outage cannot come back from a stale cache entry.

It also keeps one redis-py client object per connection pool instead of making one a call
(:class:`ReusingRedisCacheClient`).

Sessions stored ``cached_db`` are written to PostgreSQL first, so with Redis gone they are
read from the database and nobody is signed out. Errors other than connection errors and
time-outs (a bug, a wrong key type) still raise.

OPTIONS beyond Django's and redis-py's: ``RETRY_AFTER_SECONDS``, ``MAX_PENDING_KEYS``. Give
the site a Redis database of its own (the number at the end of ``DJANGO_REDIS_URL``).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("site.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client with one ``redis.Redis`` object per connection pool.

    Django's makes a new one for every cache call, and each builds redis-py's table of about a
    hundred response callbacks: some 0.15 ms a call, a few per cent of a page that reads a dozen
    keys. The objects share the pool either way, so keeping one changes nothing else.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    """Django's ``RedisCache`` that answers "miss" instead of raising while Redis is away."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER_SECONDS", 5.0))
        self.max_pending = int(options.pop("MAX_PENDING_KEYS", 10_000))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self._lock = threading.Lock()
        self._down_since: float | None = None  # time.time() of the first failure
        self._retry_at = 0.0  # time.monotonic() before which Redis is not tried
        self._pending: set[str] = set()  # made keys to delete when Redis answers again
        self._overflowed = False

    # The guard ------------------------------------------------------------------------------

    def _guard(self, written: list[str] | None, fallback, operation, *args):
        """Run ``operation``; on a connection error note the keys it meant to write and
        answer ``fallback`` (an exception instance is raised instead of returned)."""
        if self._down_since is not None:
            if time.monotonic() < self._retry_at:
                self._remember(written)
                return self._fallback(fallback)
            try:
                self._recover()
            except UNREACHABLE as error:
                self._failed(error)
                self._remember(written)
                return self._fallback(fallback)
        try:
            return operation(*args)
        except UNREACHABLE as error:
            self._failed(error)
            self._remember(written)
            return self._fallback(fallback)

    @staticmethod
    def _fallback(fallback):
        if isinstance(fallback, BaseException):
            raise fallback
        return fallback

    def _failed(self, error: Exception) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + self.retry_after
            if self._down_since is None:
                self._down_since = time.time()
                logger.warning(
                    "Redis cache unreachable (%s): serving without it, as cache misses; "
                    "trying again every %.0f s",
                    error,
                    self.retry_after,
                )

    def _remember(self, written: list[str] | None) -> None:
        if not written or self._overflowed:
            return
        with self._lock:
            self._pending.update(written)
            if len(self._pending) > self.max_pending:
                self._pending.clear()
                self._overflowed = True

    def _recover(self) -> None:
        """Redis may be back: first delete what this process could not update (raises while
        it is still unreachable), then serve from it again."""
        with self._lock:
            pending, overflowed = list(self._pending), self._overflowed
        if overflowed:
            self._cache.clear()
        elif pending:
            self._cache.delete_many(pending)
        with self._lock:
            self._pending.difference_update(pending)
            self._overflowed = False
            down_for = time.time() - (self._down_since or time.time())
            self._down_since = None
        logger.warning(
            "Redis cache answers again after %.1f s; %s",
            down_for,
            "cleared it (too many keys changed meanwhile)"
            if overflowed
            else f"deleted {len(pending)} key(s) this process could not update meanwhile",
        )

    def _key(self, key, version) -> str:
        return self.make_and_validate_key(key, version=version)

    # The cache API --------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._guard(None, default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard(None, {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(None, False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        written = [self._key(key, version)]
        return self._guard(written, False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        written = [self._key(key, version)]
        return self._guard(written, None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        written = [self._key(key, version) for key in data]
        return self._guard(written, list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        written = [self._key(key, version)]
        return self._guard(written, False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        written = [self._key(key, version)]
        return self._guard(written, False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        written = [self._key(key, version) for key in keys]
        return self._guard(written, None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        written = [self._key(key, version)]
        missing = ValueError(f"Key '{key}' not found (the Redis cache is unreachable).")
        return self._guard(written, missing, super().incr, key, delta, version)

    def clear(self):
        if self._guard(None, False, self._clear_now) is False:
            with self._lock:
                self._pending.clear()
                self._overflowed = True  # clear it once Redis answers again

    def _clear_now(self):
        super().clear()
        return True
