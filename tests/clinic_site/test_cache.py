"""clinic_site.cache.RedisCache against a real Redis that goes away: misses, skipped writes, and
CacheUnavailable for what has no honest answer; forgotten writes deleted once it is back."""

import logging
import shutil
import signal
import subprocess
import time

import pytest
import redis

from clinic_site.cache import CacheUnavailable, DiskCache, RedisCache
from tests.conftest import closed_port


@pytest.fixture
def redis_server(tmp_path):
    """A throwaway redis-server on a free port, stopped at the end of the test."""
    port = closed_port()
    process = subprocess.Popen(
        [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield process, port
    process.send_signal(signal.SIGCONT)
    process.terminate()
    process.wait(10)


def backend(port, **options):
    return RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"RETRY_SECONDS": 0, **options}})


def test_an_unreachable_redis_gives_misses_and_skips_writes():
    cache = backend(closed_port())
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert "key" not in cache
    assert cache.set("key", 1) is False
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("key") is False
    assert cache.touch("key") is False


def test_after_a_failure_the_cache_counts_as_unavailable_for_a_while():
    cache = RedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})
    assert cache.available is True
    cache.get("key")
    assert cache.available is False


@pytest.mark.parametrize("operation", ["add", "incr", "decr"])
def test_a_claim_or_a_count_without_redis_raises_cache_unavailable(operation):
    cache = backend(closed_port())
    with pytest.raises(CacheUnavailable):
        getattr(cache, operation)("key", 1)


def test_the_failure_is_logged_once_a_minute_not_per_call(caplog):
    cache = backend(closed_port())
    with caplog.at_level(logging.ERROR, logger="clinic_site.cache"):
        for _ in range(5):
            cache.get("key")
    assert len(caplog.records) == 1
    assert "unreachable" in caplog.records[0].getMessage()


def test_after_a_failure_redis_is_not_asked_again_until_the_retry_time(redis_server):
    _process, port = redis_server
    cache = backend(port, RETRY_SECONDS=3600)
    cache._failed(redis.ConnectionError("test"), "get")
    cache.client.get_client().set(":1:key", b"1")  # the server itself is fine
    assert cache.get("key") is None


def test_a_write_missed_during_an_outage_is_deleted_when_redis_answers_again(redis_server):
    process, port = redis_server
    cache = backend(port, SOCKET_TIMEOUT=0.2, SOCKET_CONNECT_TIMEOUT=0.2)
    cache.set("session", "signed in")
    cache.get("warm")  # a connection open before the outage
    process.send_signal(signal.SIGSTOP)  # Redis hangs: it holds its data but answers nothing
    try:
        assert cache.set("session", "signed out") is False
    finally:
        process.send_signal(signal.SIGCONT)
    assert cache.get("session") is None  # not "signed in" from before the outage
    assert cache.set("session", "again") is True
    assert cache.get("session") == "again"


def test_counts_work_as_the_site_uses_them(redis_server):
    _process, port = redis_server
    cache = backend(port)
    assert cache.add("n", 0, 60) is True
    assert cache.add("n", 0, 60) is False
    assert cache.incr("n") == 1
    assert cache.decr("n", 3) == -2
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_the_file_cache_keeps_its_connection_from_one_request_to_the_next(tmp_path, monkeypatch):
    import diskcache.core

    file_cache = DiskCache(str(tmp_path), {"SHARDS": 2})
    file_cache.set("page", "the shared page")
    opened = []
    connect = diskcache.core.sqlite3.connect
    monkeypatch.setattr(
        diskcache.core.sqlite3, "connect", lambda *a, **k: opened.append(a) or connect(*a, **k)
    )
    file_cache.close()  # what Django's close_caches does to every cache at the end of a request
    assert file_cache.get("page") == "the shared page"
    assert opened == []
