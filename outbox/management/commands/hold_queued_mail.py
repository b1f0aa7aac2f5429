"""Put every email not yet sent on hold, so that nothing goes out again without a person deciding.

Every restore runs it (clinic_site.backup's post-restore steps); run it yourself after restoring
by other means, before any worker starts: the
backup lists as waiting mail that may have gone out after it was made. Staff who may change emails
then release (send) or cancel the held emails in the admin's mail queue.
"""

from django.core.management.base import BaseCommand
from post_office.models import STATUS, Email

from outbox import services

DEFAULT_REASON = services.RESTORE_HOLD_REASON


class Command(BaseCommand):
    help = "Put every queued or requeued email on hold until staff release or cancel it in the admin."

    def add_arguments(self, parser):
        parser.add_argument("--reason", default=DEFAULT_REASON, help="Shown beside each held email.")

    def handle(self, *args, reason=DEFAULT_REASON, **options):
        held = services.hold_unsent(reason=reason)
        failed = Email.objects.filter(status=STATUS.failed).count()
        self.stdout.write(
            f"{held} emails put on hold; release or cancel them in the admin (Post Office > Emails, "
            f"filter 'on hold'). {failed} failed emails stay failed unless someone requeues them."
        )
