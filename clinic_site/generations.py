"""Versioned cache keys: retire everything cached for a scope by changing one value, never by a scan.

A scope is a short name ("pages", "article-page:<slug>", "thread:<pk>"). Each scope has a current
generation, a random token kept in the shared cache without expiry. A cached value's key includes the
generations of every scope it depends on, so retiring a scope (a new token) makes each key built before
it unreachable; the old entries expire on their own.

Callers read the generations *before* they render and store under the key built from them: a render
that raced with a retirement is stored under a key nobody asks for any more, so no reader is served a
page older than the change that retired it.
"""

import uuid

from django.core.cache import cache

PREFIX = "gen:"


def _key(scope: str) -> str:
    return PREFIX + scope


def current(*scopes: str) -> str:
    """The generations of ``scopes`` joined into one key part (one cache round trip when all exist)."""
    keys = [_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # add() is atomic: of two processes creating the same generation, one wins and the
            # other reads the winner's token back.
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key) or ""
    return ".".join(found[key] for key in keys)


def retire(*scopes: str) -> None:
    """Start new generations for ``scopes`` (one cache round trip)."""
    cache.set_many({_key(scope): uuid.uuid4().hex for scope in scopes}, None)
