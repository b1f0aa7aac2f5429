"""Run background tasks (today: the mail queue) until stopped. ``make worker`` runs this."""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from outbox.worker import Worker

ENGINE_OPTIONS = ("interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id")


class Command(db_worker.Command):
    help = (
        "Run the task engine's worker (django-tasks-db) with recovery of tasks left by dead workers and "
        "patience through database outages. Any number may run, on any number of machines."
    )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            **{key: options[key] for key in ENGINE_OPTIONS},
        )
        if reload and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":  # the child, which runs the tasks
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
