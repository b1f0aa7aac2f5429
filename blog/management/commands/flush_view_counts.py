from django.core.management.base import BaseCommand

from blog.services import flush_view_counts


class Command(BaseCommand):
    help = (
        "Write the article views waiting in the cache to the database (run it from cron and before deploys)."
    )

    def handle(self, *args, **options):
        moved = flush_view_counts()
        self.stdout.write(f"Flushed {moved} pending view(s).")
