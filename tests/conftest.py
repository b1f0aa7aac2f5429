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

