"""Worker processes, killed and starved of their database, against a real SMTP server that counts.

Marker ``processes``: these start servers and workers of their own, so they run once, in the
PostgreSQL pass (Makefile), where other processes can open the test database.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult
from post_office.models import STATUS, Email

from tests.outbox.postgres import ThrowawayPostgres
from tests.outbox.smtp import FakeSMTP

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

KILL_SMTP_PORT, OUTAGE_SMTP_PORT, OUTAGE_PG_PORT = 8670, 8671, 5445


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can open: the PostgreSQL pass runs these")


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(log_dir: Path, name: str, *, database: str, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT_SECONDS": "2",
        "MAIL_CLAIM_SECONDS": "3",
        "INQUIRIES_FALLBACK_USERNAME": "owner",
    }
    command = [
        sys.executable,
        "manage.py",
        "task_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
    ]
    log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(*workers):
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=30)


def wait_until(condition, what, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


def test_a_worker_killed_while_the_mail_server_has_its_message_loses_nothing(queue, tmp_path):
    """Before: kill -9 mid-batch gave 135 deliveries for 100 emails, each copy with a new Message-ID."""
    emails = queue(30)
    with FakeSMTP(KILL_SMTP_PORT, hold_after=10) as server:
        first = start_worker(tmp_path, "first", database=database_url(), smtp_port=KILL_SMTP_PORT)
        # The eleventh message has reached the server, which keeps its "250" back: kill -9 now.
        assert server.handler.holding.wait(60), (tmp_path / "first.log").read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        in_flight = server.message_ids[10]
        server.handler.let_go.set()
        # Two workers take over together: each email is claimed by one of them.
        others = [
            start_worker(tmp_path, name, database=database_url(), smtp_port=KILL_SMTP_PORT)
            for name in ("second", "third")
        ]
        try:
            wait_until(
                lambda: not Email.objects.exclude(status=STATUS.sent).exists(), "every email marked sent"
            )
        finally:
            stop(*others)
    copies = server.copies()
    assert set(copies) == {email.message_id for email in emails}  # every email arrived
    assert [m for m, n in copies.items() if n > 1] == [in_flight]  # one twice: the one being handed over
    assert copies[in_flight] == 2
    expired = DBTaskResult.objects.filter(exception_class_path="outbox.services.ClaimExpired")
    assert expired.count() == 1


def queue_in(database: str, count: int, start: int) -> None:
    script = (
        "from post_office import mail\n"
        f"for i in range({start}, {start + count}):\n"
        "    mail.send([f'p{i}@example.com'], 'clinic@example.com', subject='Reference', message='Hi')\n"
    )
    env = {**os.environ, "DATABASE_URL": database, "INQUIRIES_FALLBACK_USERNAME": "owner"}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def test_the_worker_waits_out_a_database_outage_and_carries_on(tmp_path):
    """Before: a database outage crashed the mail worker for good (42 emails waited for a restart)."""
    cluster = ThrowawayPostgres(OUTAGE_PG_PORT)
    try:
        cluster.create()
        cluster.load_schema_of(connection.settings_dict)
        queue_in(cluster.url, 5, start=0)
        log = tmp_path / "worker.log"
        with FakeSMTP(OUTAGE_SMTP_PORT) as server:
            worker = start_worker(tmp_path, "worker", database=cluster.url, smtp_port=OUTAGE_SMTP_PORT)
            try:
                server.wait_for(5)
                cluster.stop()
                wait_until(lambda: "Database unreachable" in log.read_text(), "the worker to meet the outage")
                assert worker.poll() is None, log.read_text()
                cluster.start()
                queue_in(cluster.url, 5, start=5)
                server.wait_for(10)
                wait_until(lambda: "Database back" in log.read_text(), "the worker to see the database again")
                assert worker.poll() is None, log.read_text()
            finally:
                stop(worker)
        assert sorted(server.copies().values()) == [1] * 10  # all ten, each once
    finally:
        cluster.destroy()
