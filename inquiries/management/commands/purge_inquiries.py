"""Delete closed and spam inquiries once the retention period has passed. Safe to run from cron."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from inquiries.models import Inquiry


class Command(BaseCommand):
    help = "Delete closed and spam inquiries older than INQUIRIES_RETENTION_DAYS (with their notes)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")
        parser.add_argument(
            "--days", type=int, default=None, help="Override INQUIRIES_RETENTION_DAYS for this run."
        )

    def handle(self, *args, dry_run=False, days=None, **options):
        days = settings.INQUIRIES_RETENTION_DAYS if days is None else days
        purgeable = Inquiry.objects.purgeable(older_than=timedelta(days=days))
        count = purgeable.count()
        if dry_run:
            self.stdout.write(
                f"{count} inquiries would be deleted (closed or spam, finished over {days} days ago)."
            )
            return
        with transaction.atomic():
            # Deleting by primary key keeps the query simple on every database.
            Inquiry.objects.filter(pk__in=list(purgeable.values_list("pk", flat=True))).delete()
        self.stdout.write(f"{count} inquiries deleted (closed or spam, finished over {days} days ago).")
