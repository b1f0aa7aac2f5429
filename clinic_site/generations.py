"""Versioned cache keys: retire everything cached for a scope by changing one value, never by a scan.

A scope is a short name ("pages", "article-page:<slug>", "thread:<pk>"). Each scope has a current
generation, a random token kept in the shared cache without expiry. A cached value's key includes the
generations of every scope it depends on, so retiring a scope (a new token) makes each key built before
it unreachable; the old entries expire on their own.

A scope that was never retired has the generation ``FIRST`` without any cache entry. Should a
retired generation be evicted from the cache, its scope falls back to ``FIRST``, and entries stored
under ``FIRST`` before the first retirement may be served again until they expire: every cached
value has a lifetime of its own for that reason.

Callers read the generations *before* they render and store under the key built from them: a render
that raced with a retirement is stored under a key nobody asks for any more, so no reader is served a
page older than the change that retired it.

With the cache down, reads find no generation (every key misses anyway) and a retirement cannot be
stored: this process keeps the scopes and retires them again at its next use of the cache, so what
was cached before the outage is not served after it (clinic_site.cache also deletes the keys it
could not write).
"""

import threading
import uuid

from django.core.cache import cache

PREFIX = "gen:"


def _key(scope: str) -> str:
    return PREFIX + scope


# The generation of a scope never retired. Reading never writes: a request for a page that does not
# exist (any slug at all) must not be able to fill the cache and push out rate-limit counters.
FIRST = "0"


# Scopes whose retirement the cache did not take (it was down), retried at the next use.
_unretired: set[str] = set()
_lock = threading.Lock()


def current(*scopes: str) -> str:
    """The generations of ``scopes`` joined into one key part (one cache round trip)."""
    if _unretired:
        retire()
    keys = [_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    return ".".join(found.get(key, FIRST) for key in keys)


def retire(*scopes: str) -> None:
    """Start new generations for ``scopes`` (one cache round trip), and any left from an outage."""
    with _lock:
        scopes = {*scopes, *_unretired}
        _unretired.clear()
    if not scopes:
        return
    failed = cache.set_many({_key(scope): uuid.uuid4().hex for scope in scopes}, None)
    if failed:
        with _lock:
            _unretired.update(scope for scope in scopes if _key(scope) in failed)
