"""Fixtures every test gets, whatever its folder."""

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _empty_caches():
    """Rate limits, view counters, cached pages and comment threads live in the cache, so no test
    may see another's. Clearing works the same on locmem and Redis, and reaches the live server of
    the browser tests: its thread reads the same store."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The production hasher spends about a fifth of a second on each password a factory or a login
    hashes; the suite tests behaviour, not the hasher's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
