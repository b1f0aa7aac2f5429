"""Forget the revoked commenter addresses whose confirmation links have all expired. Safe to run from cron."""

from django.conf import settings
from django.core.management.base import BaseCommand

from blog.comments import verification


class Command(BaseCommand):
    help = (
        "Delete the revoked commenter addresses (RevokedAddress) older than COMMENTS_CONFIRM_LINK_DAYS: "
        "no link they could refuse still works, and the address is kept no longer than that."
    )

    def handle(self, *args, **options):
        count = verification.forget_old_revocations()
        days = settings.COMMENTS_CONFIRM_LINK_DAYS
        self.stdout.write(f"{count} revoked addresses forgotten (revoked over {days} days ago).")
