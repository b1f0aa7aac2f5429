from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DeliveryQuerySet(models.QuerySet):
    def held(self):
        return self.filter(held_at__isnull=False)


class Delivery(models.Model):
    """How one email of post_office's outbox is delivered by the task engine.

    ``task_id`` names the single delivery task allowed to send the email: a task that finds another id
    here (a copy left by a dead worker, or one superseded by a retry) sends nothing. ``held_at`` stops
    delivery until a person releases or cancels the email (``hold_queued_mail``, after a restore).
    """

    email = models.OneToOneField(
        "post_office.Email",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="delivery",
        verbose_name=_("email"),
    )
    task_id = models.UUIDField(_("current delivery task"), null=True, blank=True, editable=False)
    held_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    hold_reason = models.CharField(_("why it is on hold"), max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-email_id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["held_at"], condition=Q(held_at__isnull=False), name="outbox_delivery_held_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_at__isnull=False) | Q(hold_reason=""),
                name="outbox_delivery_reason_when_held",
            )
        ]

    def __str__(self):
        return f"Delivery of email {self.email_id}" + (" (on hold)" if self.is_held else "")

    def get_absolute_url(self):
        # A delivery has no page of its own: it is shown on its email's page in the mail queue.
        return reverse("admin:post_office_email_change", args=[self.email_id])

    @property
    def is_held(self) -> bool:
        return self.held_at is not None
