from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Mail delivery")

    def ready(self):
        from post_office.signals import email_queued

        from . import services

        # post_office sends this for every email it queues, inside the caller's transaction: the email
        # and the task that will deliver it are stored together or not at all.
        email_queued.connect(services.schedule_queued, dispatch_uid="outbox.schedule_queued")
