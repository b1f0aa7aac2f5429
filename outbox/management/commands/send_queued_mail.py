"""Stands in for django-post-office's own ``send_queued_mail``, which sends the queue directly.

That command would bypass everything the worker promises: each email sent once (a delivery task
claims it), held emails kept back after a restore, and the secure links masked in the stored copy
once sent (outbox.services). Mail goes out through the task worker only (``make worker``, or
``manage.py task_worker``). This app is listed before post_office, so this command is the one found.
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refuses: mail goes out through the task worker (make worker, or manage.py task_worker)."

    def add_arguments(self, parser):
        # post_office's own options, accepted so that an old cron line fails with this message.
        parser.add_argument("-p", "--processes")
        parser.add_argument("-L", "--lockfile")
        parser.add_argument("-l", "--log-level")

    def handle(self, *args, **options):
        raise CommandError(
            "Mail goes out through the task worker (make worker, or manage.py task_worker), which sends "
            "each email once, keeps held emails back and masks the links in what it keeps; "
            "django-post-office's send_queued_mail would do none of that, so it does not run here."
        )
