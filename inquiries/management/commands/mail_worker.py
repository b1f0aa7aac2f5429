"""Deliver django-post-office's queue in a loop, backing off exponentially on failures."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from post_office.lockfile import FileLock, FileLocked, default_lockfile
from post_office.mail import get_queued, send_queued
from post_office.models import STATUS, Email
from post_office.settings import get_retry_timedelta


def apply_backoff(since) -> int:
    """post_office requeues a failed email after a fixed RETRY_INTERVAL; double it per attempt."""
    interval = get_retry_timedelta()
    requeued = Email.objects.filter(status=STATUS.requeued, last_updated__gte=since, number_of_retries__gt=1)
    for email in requeued:
        email.scheduled_time = email.last_updated + interval * 2 ** (email.number_of_retries - 1)
        email.save(update_fields=["scheduled_time"])
    return len(requeued)


def deliver_once(lockfile: str = default_lockfile) -> bool:
    """Send everything due, batch by batch; False if another worker holds the lock.

    post_office's own send_queued_mail_until_done does the same but closes the database
    connection between batches; this loop leaves that to the caller (see handle).
    """
    started = timezone.now()
    try:
        with FileLock(lockfile):
            while get_queued().exists():
                send_queued(processes=1)
    except FileLocked:
        return False
    apply_backoff(started)
    return True


class Command(BaseCommand):
    help = "Deliver queued mail, then keep polling the queue (Ctrl-C to stop). Used by `make worker`."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One delivery pass, then exit (for cron).")
        parser.add_argument("--sleep", type=float, default=15, help="Seconds between passes.")
        parser.add_argument("--lockfile", default=default_lockfile)

    def handle(self, *args, once=False, sleep=15.0, lockfile=default_lockfile, **options):
        while True:
            if not deliver_once(lockfile):
                self.stderr.write("Another mail worker holds the lock; trying again later.")
            if once:
                return
            time.sleep(sleep)
            close_old_connections()  # a long-running loop must not hold a stale connection
