"""The task worker (outbox/worker.py): the engine's claim, and patience through database outages."""

import threading
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError, connection
from django_tasks_db.models import DBTaskResult
from post_office.models import STATUS, Email

from outbox.worker import Worker
from tests.conftest import MailWorker

pytestmark = pytest.mark.django_db


def test_a_claimed_task_is_offered_to_no_other_worker(queue):
    queue(2)
    first, second = MailWorker("a").worker, MailWorker("b").worker
    taken_by_a = first.claim_next()
    taken_by_b = second.claim_next()
    assert taken_by_a.id != taken_by_b.id
    assert second.claim_next() is None
    assert (taken_by_a.status, taken_by_a.worker_ids) == ("RUNNING", ["a"])


def test_a_database_outage_does_not_stop_the_worker(queue, mailoutbox, caplog, monkeypatch):
    """Before: the first error that was not a lock ended the mail worker for good."""
    queue(2)
    worker = MailWorker().worker
    real_claim = Worker.claim_next
    outage = iter([OperationalError("connection refused")] * 3)

    def claim_while_down(self):
        error = next(outage, None)
        if error is not None:
            raise error
        return real_claim(self)

    pauses = []
    monkeypatch.setattr(Worker, "claim_next", claim_while_down)
    monkeypatch.setattr("outbox.worker.time.sleep", pauses.append)
    monkeypatch.setattr(worker.database, "drop_connections", lambda: None)  # the test's transaction stays
    monkeypatch.setattr("outbox.worker.close_old_connections", lambda: None)
    worker.run()
    assert len(mailoutbox) == 2
    assert pauses == [1.0, 2.0, 4.0]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings[0].startswith("Database unreachable (OperationalError: connection refused)")
    assert warnings[-1].startswith("Database back after")
    assert len(warnings) == 2  # not one line per try


def test_pauses_grow_to_thirty_seconds_and_are_reported_once_a_minute(monkeypatch, caplog):
    from outbox.worker import DatabaseWait

    clock = iter(range(0, 10_000, 20))  # 20 s pass at each look at the clock
    monkeypatch.setattr("outbox.worker.time.monotonic", lambda: next(clock))
    pauses = []
    monkeypatch.setattr("outbox.worker.time.sleep", pauses.append)
    wait = DatabaseWait()
    monkeypatch.setattr(wait, "drop_connections", lambda: None)
    for _ in range(9):
        wait.pause(OperationalError("server closed the connection"))
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]
    assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 3  # at 0, 60 and 120 s


@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once(queue, mailoutbox):
    """Two real connections claiming from one queue at the same time (PostgreSQL's SKIP LOCKED)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has a single writer; the PostgreSQL pass runs this with two connections")
    emails = queue(40)
    ran = {}

    def work(name):
        worker = MailWorker(name).worker
        worker.run()
        ran[name] = worker._run_tasks
        connection.close()

    with mock.patch.object(LocmemBackend, "send_messages", _slow_locmem):
        threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    sent_ids = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert sorted(sent_ids) == sorted(e.message_id for e in emails)  # each once
    assert ran["a"] + ran["b"] == 40
    assert ran["a"] > 0 and ran["b"] > 0  # both took part
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}
    assert all(len(t.worker_ids) == 1 for t in DBTaskResult.objects.all())


_locmem_send = LocmemBackend.send_messages


def _slow_locmem(self, messages):
    """The locmem backend with the time a mail server takes, so that the two workers overlap."""
    threading.Event().wait(0.01)
    return _locmem_send(self, messages)
