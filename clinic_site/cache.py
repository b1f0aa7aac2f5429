"""The shared cache when it cannot be reached: misses instead of errors, and a clear exception for counts.

``RedisCache`` is django-redis's backend (``CACHE_URL=redis://...``) with one rule for a Redis that is
down, refusing or too slow to answer:

- Whatever a cache may always answer, it answers: a read is a miss (``get`` gives the default,
  ``get_many`` nothing, ``has_key`` False) and a write or a delete is skipped. Every caller of a
  cache already copes with a miss, so pages are rendered uncached and sessions read the database.
- What has no honest answer raises ``CacheUnavailable``: ``add`` (a claim: "was this token used?")
  and ``incr``/``decr`` (a count). django-redis's own ``IGNORE_EXCEPTIONS`` would make them return
  None, which a rate limit reads as "refuse everyone" and a counter as a crash. Each feature
  decides what it does instead (README, Production, "When the cache is down").
- A key this process could not write or delete is deleted once the cache answers again, so an entry
  from before the outage (a session since signed out, a thread since moderated) is not served after
  it. Only this process knows its failed writes; everything cached also expires on its own.
- After a failure the cache is not asked again for ``RETRY_SECONDS`` (default 5): a request does not
  wait for a dead server once per cache call. The failure is logged at most once a minute per process.
"""

import logging
import threading
import time

from diskcache import DjangoCache
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("clinic_site.cache")

LOG_EVERY_SECONDS = 60
# At most this many keys are kept for deletion on recovery; past it, the oldest are forgotten (they
# expire on their own, within their lifetime).
MAX_KEYS_TO_FORGET = 10_000


class CacheUnavailable(Exception):
    """The shared cache could not be reached, so a claim or a count has no answer."""


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        # A Redis that accepts connections and never answers must not hold a request for long.
        options.setdefault("SOCKET_CONNECT_TIMEOUT", 1)
        options.setdefault("SOCKET_TIMEOUT", 1)
        super().__init__(server, {**params, "OPTIONS": options})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = -LOG_EVERY_SECONDS
        self._to_forget: dict[str, None] = {}  # ordered, for dropping the oldest

    # --- the state of the connection, per process ---------------------------------------------

    @property
    def available(self) -> bool:
        """False while this process treats the cache as down (for ``/healthz``)."""
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception, operation: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_seconds
            log = now - self._logged_at >= LOG_EVERY_SECONDS
            if log:
                self._logged_at = now
        if log:
            logger.error(
                "The cache is unreachable (%s in %s: %s); pages are served uncached, and this is "
                "logged at most once a minute.",
                type(error).__name__,
                operation,
                error,
            )

    def _remember(self, keys) -> None:
        with self._lock:
            for key in keys:
                self._to_forget.pop(key, None)
                self._to_forget[key] = None
            while len(self._to_forget) > MAX_KEYS_TO_FORGET:
                self._to_forget.pop(next(iter(self._to_forget)))

    def _forget_stale(self) -> None:
        """Delete what this process could not write during the outage (raises if still down)."""
        with self._lock:
            keys, self._to_forget = list(self._to_forget), {}
        if keys:
            try:
                super().delete_many(keys)
            except RedisError:
                self._remember(keys)
                raise

    def _call(self, operation: str, *args, missed, written=(), **kwargs):
        """Run ``operation`` on Redis; on failure remember ``written`` keys and return ``missed``.

        ``missed`` is a callable for the operations without an honest answer: it raises.
        """
        if not self.available:
            self._remember(written)
            return missed()
        try:
            if self._to_forget:
                self._forget_stale()
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            self._failed(error, operation)
            self._remember(written)
            return missed()

    @staticmethod
    def _unavailable():
        raise CacheUnavailable("The shared cache is unreachable.")

    # --- what a cache may always answer ---------------------------------------------------------
    # Arguments pass through as django-redis takes them; only the key (or keys) is needed here.

    def get(self, key, default=None, *args, **kwargs):
        return self._call("get", key, default, *args, missed=lambda: default, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        return self._call("get_many", keys, *args, missed=dict, **kwargs)

    def has_key(self, key, *args, **kwargs):
        return self._call("has_key", key, *args, missed=lambda: False, **kwargs)

    def set(self, key, *args, **kwargs):
        return self._call("set", key, *args, missed=lambda: False, written=[key], **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._call("set_many", data, *args, missed=lambda: list(data), written=list(data), **kwargs)

    def delete(self, key, *args, **kwargs):
        return self._call("delete", key, *args, missed=lambda: False, written=[key], **kwargs)

    def delete_many(self, keys, *args, **kwargs):
        keys = list(keys)
        return self._call("delete_many", keys, *args, missed=lambda: 0, written=keys, **kwargs)

    def touch(self, key, *args, **kwargs):
        return self._call("touch", key, *args, missed=lambda: False, **kwargs)

    def clear(self):
        return self._call("clear", missed=lambda: False)

    # --- what has no honest answer without the cache ---------------------------------------------

    def add(self, key, *args, **kwargs):
        return self._call("add", key, *args, missed=self._unavailable, **kwargs)

    def incr(self, key, *args, **kwargs):
        return self._call("incr", key, *args, missed=self._unavailable, **kwargs)

    def decr(self, key, *args, **kwargs):
        return self._call("decr", key, *args, missed=self._unavailable, **kwargs)


class DiskCache(DjangoCache):
    """The machine's own cache (no CACHE_URL): diskcache's SQLite files, with their connections kept
    open from one request to the next.

    Django closes every cache when a request ends; diskcache's ``close`` then closes its SQLite
    connections, and the next request opens them again and sets their pragmas: about 20 statements
    and most of a cached page's cost. diskcache keeps a connection per thread and notices a fork
    (it compares the process id), so nothing is shared that should not be.
    """

    def close(self, **kwargs):
        pass
