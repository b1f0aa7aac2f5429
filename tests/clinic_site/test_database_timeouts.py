"""PostgreSQL that is hung or slow fails a request within its time limits (settings.py, DATABASES)."""

import socket
import threading

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection

from tests.conftest import closed_port


@pytest.fixture
def hung_server():
    """A socket that accepts connections and never answers, like a hung database server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for accepted_socket in accepted:
        accepted_socket.close()
    listener.close()


def test_connecting_to_a_hung_server_gives_up_with_connect_timeout(hung_server):
    with pytest.raises(psycopg.OperationalError, match="timeout expired"):
        psycopg.connect(host="127.0.0.1", port=hung_server, dbname="clinic", user="clinic", connect_timeout=1)


def test_connecting_to_a_stopped_server_fails_at_once():
    with pytest.raises(psycopg.OperationalError, match="refused"):
        psycopg.connect(host="127.0.0.1", port=closed_port(), dbname="clinic", connect_timeout=3)


@pytest.mark.django_db
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the statement timeout is PostgreSQL's (SQLite keeps its lock wait)",
)
def test_every_postgresql_session_has_the_statement_timeout_and_no_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "4s"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(10)")
