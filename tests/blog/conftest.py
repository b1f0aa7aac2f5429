import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pending view counts live in the cache: every test starts without any."""
    cache.clear()
    yield
    cache.clear()
