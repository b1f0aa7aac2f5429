"""The cache and the error log as the settings configured them for this pass of the suite: the
machine's file cache on SQLite and PostgreSQL, the real Redis under `make test-redis`."""

import logging

from django.core.cache import cache


def test_configured_cache_round_trips_a_value():
    cache.set("clinic-test-key", {"n": 1}, timeout=30)
    assert cache.get("clinic-test-key") == {"n": 1}
    cache.delete("clinic-test-key")


def test_server_errors_reach_the_console_log_without_debug():
    handlers = logging.getLogger("django.request").handlers
    assert any(type(handler) is logging.StreamHandler and not handler.filters for handler in handlers)
