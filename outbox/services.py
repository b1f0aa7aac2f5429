"""The mail queue's delivery: one task per email, sent once, retried with backoff, held after a restore.

post_office's ``Email`` is the outbox (its status says queued, requeued, sent or failed); ``Delivery``
adds which task may send it and whether it is on hold. Every change of who may send an email goes
through this module.
"""

import logging
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from post_office.models import STATUS, Email, Log
from post_office.settings import (
    get_backend,
    get_log_level,
    get_max_retries,
    get_message_id_fqdn,
    get_retry_timedelta,
)

from clinic_site.capabilities import hide_tokens, hide_tokens_in_headers

from .models import Delivery

logger = logging.getLogger(__name__)

# The statuses of an email the worker is to send.
WAITING = (STATUS.queued, STATUS.requeued)
# A task in one of these may still run.
LIVE_TASK = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


class ClaimExpired(Exception):
    """A delivery task was still running ``MAIL_CLAIM_SECONDS`` after a worker claimed it: the worker
    is taken to be dead (killed, its machine gone), and the email's own state decides what follows."""


def _enqueue(email_id: int, at: datetime | None = None) -> str:
    from .tasks import deliver_email

    task = deliver_email if at is None or at <= timezone.now() else deliver_email.using(run_after=at)
    return task.enqueue(email_id=email_id).id


def _schedule(delivery: Delivery, at: datetime | None = None) -> None:
    """Give the email a new delivery task, which supersedes any earlier one."""
    delivery.task_id = _enqueue(delivery.email_id, at)
    delivery.save(update_fields=["task_id"])


def schedule_queued(sender=None, emails=(), **kwargs) -> None:
    """Receiver of post_office's ``email_queued``: each new email gets its delivery task, in the same
    transaction, due at the email's scheduled time."""
    for email in emails:
        if email.status in WAITING:
            Delivery.objects.update_or_create(
                email=email, defaults={"task_id": _enqueue(email.pk, email.scheduled_time)}
            )


def retry_delay(retry: int) -> timedelta:
    """The wait before retry ``retry`` (1, 2, ...): ``MAIL_RETRY_SECONDS``, doubled for each further one."""
    return get_retry_timedelta() * 2 ** (retry - 1)


def _locked_delivery(email_id: int) -> Delivery | None:
    return (
        Delivery.objects.select_for_update(of=("self",)).select_related("email").filter(pk=email_id).first()
    )


def deliver(email_id: int, *, task_id: str) -> str:
    """Send the email if this task is its current one and it is still waiting; say what happened.

    Nothing is held open while the mail server answers: the check is one short transaction, the
    outcome another. A worker killed in between leaves the email waiting and its task running, and
    ``recover`` gives it a new task once the claim has expired, so the email goes again: the only
    case in which a message can be sent twice, and then with the same Message-ID.
    """
    with transaction.atomic():
        delivery = _locked_delivery(email_id)
        if delivery is None:
            return "no such email (deleted)"
        if str(delivery.task_id) != str(task_id):
            return "superseded by another task"
        email = delivery.email
        if delivery.is_held:
            return "on hold"
        if email.status not in WAITING:
            return f"not waiting ({email.get_status_display()})"
        if not email.message_id:  # queued before Message-IDs were set at queue time
            email.message_id = make_msgid(domain=get_message_id_fqdn())
            Email.objects.filter(pk=email.pk).update(message_id=email.message_id)
    try:
        message = email.email_message()
        if message.recipients():
            with get_connection(get_backend(email.backend_alias or "default")) as connection:
                connection.send_messages([message])
    except Exception as exc:  # whatever the mail server or the message did: retry later
        return _failed(email_id, task_id=task_id, exc=exc)
    with transaction.atomic():
        # Once delivered, the stored copy keeps no link token (clinic_site.capabilities): the links
        # are the recipient's alone, and the database, its backups and the admin need none.
        sent = Email.objects.filter(pk=email_id).update(
            status=STATUS.sent,
            last_updated=timezone.now(),
            message=hide_tokens(email.message),
            html_message=hide_tokens(email.html_message),
            headers=hide_tokens_in_headers(email.headers),
        )
        if sent and get_log_level() >= 2:
            Log.objects.create(email_id=email_id, status=STATUS.sent, message="")
    return "sent"


def _failed(email_id: int, *, task_id: str, exc: Exception) -> str:
    """Record a failed attempt; requeue with backoff, or mark the email failed after the last retry."""
    with transaction.atomic():
        delivery = _locked_delivery(email_id)
        if delivery is None or str(delivery.task_id) != str(task_id):
            return "failed, and superseded meanwhile"
        email = delivery.email
        if get_log_level() >= 1:
            Log.objects.create(
                email=email, status=STATUS.failed, exception_type=type(exc).__name__, message=str(exc)
            )
        retries = email.number_of_retries or 0
        now = timezone.now()
        if retries >= get_max_retries():
            Email.objects.filter(pk=email_id).update(status=STATUS.failed, last_updated=now)
            logger.warning(
                "Email %s failed for good after %d retries (%s).", email_id, retries, type(exc).__name__
            )
            return "failed for good"
        retries += 1
        at = now + retry_delay(retries)
        Email.objects.filter(pk=email_id).update(
            status=STATUS.requeued, number_of_retries=retries, scheduled_time=at, last_updated=now
        )
        _schedule(delivery, at)
    logger.warning("Email %s not delivered (%s); retry %d at %s.", email_id, type(exc).__name__, retries, at)
    return f"retry {retries} at {at.isoformat()}"


def _ensure_deliveries(emails) -> None:
    """Deliveries for waiting emails that have none (queued before this module, or by another path)."""
    missing = emails.filter(status__in=WAITING, delivery__isnull=True).values_list("pk", flat=True)
    Delivery.objects.bulk_create([Delivery(email_id=pk) for pk in missing], ignore_conflicts=True)


RESTORE_HOLD_REASON = "Held after a restore from backup: it may have been sent already."


def hold_unsent(*, reason: str = RESTORE_HOLD_REASON) -> int:
    """Put every email still waiting to be sent on hold; return how many were put on hold.

    For after a restore from backup: the backup may list as waiting mail that went out after it was
    made. Failed emails stay failed (they never go again unless someone requeues them).
    """
    with transaction.atomic():
        _ensure_deliveries(Email.objects.all())
        return Delivery.objects.filter(email__status__in=WAITING, held_at__isnull=True).update(
            held_at=timezone.now(), hold_reason=reason[:200]
        )


def release(emails) -> int:
    """Let the held emails among ``emails`` go: each gets a new delivery task."""
    released = 0
    with transaction.atomic():
        for delivery in Delivery.objects.held().filter(email__in=emails).select_for_update(of=("self",)):
            delivery.held_at, delivery.hold_reason = None, ""
            delivery.save(update_fields=["held_at", "hold_reason"])
            if delivery.email.status in WAITING:
                _schedule(delivery, delivery.email.scheduled_time)
            released += 1
    return released


def cancel(emails, *, by) -> int:
    """Never send the held emails among ``emails``: they are marked failed, with a log line saying who."""
    cancelled = 0
    with transaction.atomic():
        for delivery in Delivery.objects.held().filter(email__in=emails).select_for_update(of=("self",)):
            Email.objects.filter(pk=delivery.email_id).update(
                status=STATUS.failed, last_updated=timezone.now()
            )
            Log.objects.create(
                email_id=delivery.email_id,
                status=STATUS.failed,
                exception_type="Cancelled",
                message=f"Cancelled by {by.get_username()} while on hold; never sent.",
            )
            delivery.held_at, delivery.hold_reason, delivery.task_id = None, "", None
            delivery.save(update_fields=["held_at", "hold_reason", "task_id"])
            cancelled += 1
    return cancelled


def requeue(emails) -> int:
    """Queue ``emails`` again, a person having decided so: a fresh set of retries, sent at once."""
    with transaction.atomic():
        pks = list(emails.values_list("pk", flat=True))
        Email.objects.filter(pk__in=pks).update(
            status=STATUS.queued, number_of_retries=0, scheduled_time=None, last_updated=timezone.now()
        )
        _ensure_deliveries(Email.objects.filter(pk__in=pks))
        for delivery in Delivery.objects.filter(email__in=pks).select_for_update(of=("self",)):
            delivery.held_at, delivery.hold_reason = None, ""
            _schedule(delivery)
            delivery.save(update_fields=["held_at", "hold_reason"])
    return len(pks)


def recover() -> tuple[int, int]:
    """Take back what dead workers held, and give every waiting email without a live task a new one.

    A delivery task still running ``MAIL_CLAIM_SECONDS`` after its claim is marked failed in the
    engine (its worker was killed or lost its machine; the engine itself would leave it running for
    ever). Then every email that is waiting, not on hold, and whose current task can no longer run
    gets a new task. Returns (claims expired, emails rescheduled). Safe to run on any number of
    workers at once: each row is taken by one of them (``SKIP LOCKED``; SQLite has one writer).
    """
    from .tasks import deliver_email

    cutoff = timezone.now() - timedelta(seconds=settings.MAIL_CLAIM_SECONDS)
    with transaction.atomic():
        stale = (
            DBTaskResult.objects.running()
            .filter(task_path=deliver_email.module_path, started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        expired = 0
        for result in stale:
            result.set_failed(ClaimExpired(f"claimed by {result.worker_ids[-1:]} at {result.started_at}"))
            expired += 1
    with transaction.atomic():
        _ensure_deliveries(Email.objects.all())
        live = DBTaskResult.objects.filter(status__in=LIVE_TASK).values("id")
        orphans = (
            Delivery.objects.filter(held_at__isnull=True, email__status__in=WAITING)
            .exclude(task_id__in=live)
            .select_related("email")
            .select_for_update(of=("self",), skip_locked=True)
        )
        rescheduled = 0
        for delivery in orphans:
            _schedule(delivery, delivery.email.scheduled_time)
            rescheduled += 1
    if expired or rescheduled:
        logger.warning(
            "Recovered %d expired delivery claims; %d emails given a new task.", expired, rescheduled
        )
    return expired, rescheduled
