"""django-tasks-db's worker, made to outlive a database outage and to take back what dead workers held.

The engine's own loop (``manage.py db_worker``) claims a task with ``SELECT ... FOR UPDATE SKIP LOCKED``
and marks it running; this worker claims and runs tasks the same way, with the engine's own
``get_locked``, ``claim`` and ``run_task``. What it adds:

- any database error but a lock stops the engine's loop for good; here the worker waits, backing off
  from 1 to 30 seconds, says so once a minute, and carries on when the database answers again;
- a task whose worker died stays running for ever in the engine; here every worker, at start and
  then every quarter of ``MAIL_CLAIM_SECONDS`` (at most every minute), runs ``services.recover``.
"""

import contextlib
import logging
import random
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import services

logger = logging.getLogger("outbox.worker")

# What an unreachable, restarting or hung (statement timeout) database raises.
DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseWait:
    """Waiting out a database outage: growing pauses, a warning at its start, once a minute, at its end."""

    first_pause, longest_pause, report_every = 1.0, 30.0, 60.0

    def __init__(self):
        self.since = None

    def pause(self, exc: Exception) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since, self.reported, self.delay = now, now, self.first_pause
            logger.warning("Database unreachable (%s); waiting for it.", _first_line(exc))
        elif now - self.reported >= self.report_every:
            self.reported = now
            logger.warning("Database still unreachable after %d s (%s).", now - self.since, _first_line(exc))
        self.drop_connections()
        time.sleep(self.delay)
        self.delay = min(self.delay * 2, self.longest_pause)

    @staticmethod
    def drop_connections() -> None:
        """Connect afresh next time: a connection that failed may be half-open."""
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(*DATABASE_DOWN):  # a broken connection is dropped all the same
                connection.close()

    def over(self) -> None:
        if self.since is not None:
            logger.warning("Database back after %d s; carrying on.", time.monotonic() - self.since)
            self.since = None


def _first_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


class Worker(db_worker.Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.recover_every = min(60.0, max(1.0, settings.MAIL_CLAIM_SECONDS / 4))
        self.next_recovery = 0.0
        self.database = DatabaseWait()

    def claim_next(self) -> DBTaskResult | None:
        """The next ready task, claimed for this worker, or None (the engine's own claim)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def recover_if_due(self) -> None:
        if time.monotonic() >= self.next_recovery:
            services.recover()
            self.next_recovery = time.monotonic() + self.recover_every

    def step(self) -> bool | None:
        """Recover if it is time, then claim and run one task: True if one ran, False if none was ready,
        None if the database was busy or away."""
        try:
            close_old_connections()
            self.recover_if_due()
            task_result = self.claim_next()
            if task_result is not None:
                self.run_task(task_result)
        except DATABASE_DOWN as exc:
            if isinstance(exc, OperationalError) and is_locked_database_exception(exc):
                time.sleep(self.interval or 0.1)  # SQLite's one writer is busy: simply try again
            else:
                self.database.pause(exc)
            return None
        self.database.over()
        return task_result is not None

    def run(self) -> None:
        logger.info("Worker %s started on queues %s.", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # workers started together do not poll in step
        while self.running:
            ran = self.step()
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if ran is False:
                if self.batch:
                    return
                if self.running:
                    time.sleep(self.interval)
