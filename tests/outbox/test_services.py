"""One task per email, sent once, retried with doubling waits under one Message-ID (outbox/services.py)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from post_office import mail
from post_office.models import STATUS, Email, Log

from outbox import services
from outbox.models import Delivery
from outbox.tasks import deliver_email
from tests.outbox.conftest import BROKEN, LOCMEM, use_backend

pytestmark = pytest.mark.django_db


def test_queueing_an_email_stores_its_delivery_task_with_it(queue):
    (email,) = queue()
    task = DBTaskResult.objects.get()
    assert task.task_path == deliver_email.module_path
    assert task.args_kwargs["kwargs"] == {"email_id": email.pk}
    assert str(Delivery.objects.get(email=email).task_id) == str(task.id)


def test_an_email_rolled_back_leaves_no_task(queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the inquiry could not be stored")
    assert not Email.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_every_email_has_its_message_id_from_the_moment_it_is_queued(settings, queue):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MESSAGE_ID_FQDN": "clinic.example"}
    first, second = queue(2)
    assert first.message_id.endswith("@clinic.example>")
    assert first.message_id != second.message_id


def test_the_worker_sends_each_email_once(queue, mail_worker, mailoutbox):
    emails = queue(3)
    assert mail_worker.run() == 3
    assert mail_worker.run() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.to[0] for e in emails)
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


def link_email(**kwargs):
    return mail.send(["patient@example.com"], "clinic@example.com", subject="News", **kwargs)


def test_a_delivered_email_keeps_no_link_token_but_its_recipient_got_the_link(mail_worker, mailoutbox):
    link = "https://clinic.example/inquiries/thread/?token=SECRET-TOKEN"
    email = link_email(
        message=f"Read it: {link}",
        html_message=f'<a href="{link}">Read it</a>',
        headers={
            "List-Unsubscribe": "<https://clinic.example/blog/comments/unsubscribe/?token=SECRET-TOKEN>"
        },
    )
    mail_worker.run()
    (sent,) = mailoutbox
    assert link in sent.body
    assert "SECRET-TOKEN" in sent.extra_headers["List-Unsubscribe"]
    email.refresh_from_db()
    assert email.status == STATUS.sent
    stored = email.message + email.html_message + str(email.headers)
    assert "SECRET-TOKEN" not in stored
    assert "/inquiries/thread/?token=****" in email.message


def test_a_waiting_email_keeps_its_links_for_its_retries(settings, mail_worker):
    use_backend(settings, BROKEN)
    email = link_email(message="https://clinic.example/inquiries/thread/?token=SECRET-TOKEN")
    mail_worker.run()
    email.refresh_from_db()
    assert email.status == STATUS.requeued
    assert "SECRET-TOKEN" in email.message


def test_a_copy_of_the_task_sends_nothing(queue, mail_worker, mailoutbox):
    (email,) = queue()
    mail_worker.run()
    stale_copy = deliver_email.enqueue(email_id=email.pk)
    mail_worker.run()
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.get(id=stale_copy.id).return_value == "superseded by another task"


def test_a_superseded_task_sends_nothing_even_for_a_waiting_email(queue, mail_worker, mailoutbox):
    (email,) = queue()
    deliver_email.enqueue(email_id=email.pk)  # not the email's current task
    mail_worker.run()
    assert len(mailoutbox) == 1


class FailsOnce:
    """A mail server that refuses the first message it is given and takes the rest; keeps what it saw."""

    seen: list = []

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        FailsOnce.seen.extend(messages)
        if len(FailsOnce.seen) == 1:
            raise ConnectionResetError("connection reset by the mail server")
        return len(messages)


def test_a_failed_then_successful_retry_keeps_the_message_id(queue, mail_worker, monkeypatch):
    monkeypatch.setattr(FailsOnce, "seen", [])
    monkeypatch.setattr(services, "get_connection", FailsOnce)
    (email,) = queue()
    mail_worker.run()
    assert Email.objects.get().status == STATUS.requeued
    mail_worker.make_due()
    mail_worker.run()
    assert Email.objects.get().status == STATUS.sent
    failed, delivered = FailsOnce.seen
    assert failed.extra_headers["Message-ID"] == delivered.extra_headers["Message-ID"] == email.message_id
    assert "Message-ID: " + email.message_id in delivered.message().as_string()


def test_an_email_queued_without_a_message_id_gets_one_before_its_first_attempt(
    queue, mail_worker, mailoutbox
):
    (email,) = queue()
    Email.objects.filter(pk=email.pk).update(message_id=None)
    mail_worker.run()
    stored = Email.objects.get().message_id
    assert stored
    assert mailoutbox[0].extra_headers["Message-ID"] == stored


def test_retries_wait_the_retry_interval_doubled_each_time(settings, queue, mail_worker):
    use_backend(settings, BROKEN, MAX_RETRIES=5, RETRY_INTERVAL=timedelta(seconds=60))
    queue()
    waits = []
    for _attempt in range(3):
        before = timezone.now()
        mail_worker.run()
        email = Email.objects.get()
        task = DBTaskResult.objects.get(status="READY")
        assert task.run_after == email.scheduled_time  # the retry's task is due when the email is
        waits.append(round((email.scheduled_time - before).total_seconds() / 60))
        mail_worker.make_due()
    assert waits == [1, 2, 4]
    assert Email.objects.get().number_of_retries == 3
    assert Log.objects.filter(status=STATUS.failed).count() == 3


def test_a_retry_is_not_sent_before_its_time(settings, queue, mail_worker, mailoutbox):
    use_backend(settings, BROKEN, MAX_RETRIES=5)
    queue()
    mail_worker.run()
    use_backend(settings, LOCMEM)
    assert mail_worker.run() == 0
    assert mailoutbox == []


def test_after_the_last_retry_the_email_is_failed_and_kept(settings, queue, mail_worker):
    use_backend(settings, BROKEN, MAX_RETRIES=1)
    queue()
    mail_worker.run()
    mail_worker.make_due()
    mail_worker.run()
    email = Email.objects.get()
    assert (email.status, email.number_of_retries) == (STATUS.failed, 1)
    assert not DBTaskResult.objects.filter(status="READY").exists()


# Work a dead worker held


def claimed_by_a_dead_worker(email, *, seconds_ago):
    task = DBTaskResult.objects.get(id=email.delivery.task_id)
    task.claim("killed-worker")
    DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now() - timedelta(seconds=seconds_ago))
    return task


def test_a_claim_older_than_the_lease_is_taken_back_and_the_email_sent(
    settings, queue, mail_worker, mailoutbox
):
    settings.MAIL_CLAIM_SECONDS = 300
    (email,) = queue()
    task = claimed_by_a_dead_worker(email, seconds_ago=301)
    assert mail_worker.run() == 1
    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == ("FAILED", "outbox.services.ClaimExpired")
    assert len(mailoutbox) == 1
    assert Email.objects.get().status == STATUS.sent


def test_a_claim_within_the_lease_is_left_to_its_worker(settings, queue, mail_worker, mailoutbox):
    settings.MAIL_CLAIM_SECONDS = 300
    (email,) = queue()
    task = claimed_by_a_dead_worker(email, seconds_ago=10)
    assert mail_worker.run() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert mailoutbox == []


def test_an_expired_claim_on_an_email_already_sent_sends_nothing(settings, queue, mail_worker, mailoutbox):
    (email,) = queue()
    claimed_by_a_dead_worker(email, seconds_ago=settings.MAIL_CLAIM_SECONDS + 1)
    Email.objects.update(status=STATUS.sent)  # the worker marked it sent, then died
    assert services.recover() == (1, 0)
    assert mail_worker.run() == 0
    assert mailoutbox == []


def test_an_expired_claim_whose_retry_was_already_queued_gets_no_second_task(settings, queue, mail_worker):
    use_backend(settings, BROKEN, MAX_RETRIES=3)
    queue()
    mail_worker.run()  # failed once: requeued, with its retry's task waiting
    retry_task = Delivery.objects.get().task_id
    first_task = DBTaskResult.objects.exclude(id=retry_task).get()
    DBTaskResult.objects.filter(id=first_task.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(days=1)
    )
    assert services.recover() == (1, 0)
    assert Delivery.objects.get().task_id == retry_task


def test_a_waiting_email_without_a_task_gets_one(queue, mail_worker, mailoutbox):
    """Emails queued before the task engine (or by a path that skipped the signal) are not stranded."""
    queue()
    DBTaskResult.objects.all().delete()
    Delivery.objects.all().delete()
    assert mail_worker.run() == 1
    assert len(mailoutbox) == 1


def test_recovering_again_gives_an_orphaned_email_no_second_task(queue):
    queue()
    DBTaskResult.objects.all().delete()
    assert services.recover() == (0, 1)
    assert services.recover() == (0, 0)
    assert DBTaskResult.objects.count() == 1


# Hold, release, cancel, requeue


def test_holding_stops_every_unsent_email_and_only_those(queue, mail_worker, mailoutbox):
    sent, queued_one, requeued_one = queue(3)
    Email.objects.filter(pk=sent.pk).update(status=STATUS.sent)
    Email.objects.filter(pk=requeued_one.pk).update(status=STATUS.requeued)
    assert services.hold_unsent(reason="restored") == 2
    assert mail_worker.run() == 3  # the three tasks run; none sends
    assert mailoutbox == []
    assert set(Delivery.objects.held().values_list("email", flat=True)) == {queued_one.pk, requeued_one.pk}


def test_a_held_email_gets_no_task_from_recovery(queue, mail_worker, mailoutbox):
    queue()
    services.hold_unsent(reason="restored")
    DBTaskResult.objects.all().delete()
    assert services.recover() == (0, 0)
    assert mailoutbox == []


def test_holding_twice_keeps_the_first_time_and_reason(queue):
    queue()
    services.hold_unsent(reason="first")
    assert services.hold_unsent(reason="second") == 0
    assert Delivery.objects.get().hold_reason == "first"


def test_released_emails_are_sent_once(queue, mail_worker, mailoutbox):
    queue(2)
    services.hold_unsent(reason="restored")
    mail_worker.run()
    assert services.release(Email.objects.all()) == 2
    mail_worker.run()
    assert len(mailoutbox) == 2
    assert not Delivery.objects.held().exists()


def test_cancelled_emails_are_never_sent_and_say_who_cancelled(queue, mail_worker, mailoutbox, admin_user):
    queue()
    services.hold_unsent(reason="restored")
    assert services.cancel(Email.objects.all(), by=admin_user) == 1
    mail_worker.run()
    services.recover()
    mail_worker.run()
    assert mailoutbox == []
    assert Email.objects.get().status == STATUS.failed
    assert "Cancelled by admin" in Log.objects.get().message


def test_release_and_cancel_touch_only_held_emails(queue, mail_worker, mailoutbox, admin_user):
    queue()
    assert services.release(Email.objects.all()) == 0
    assert services.cancel(Email.objects.all(), by=admin_user) == 0
    mail_worker.run()
    assert len(mailoutbox) == 1


def test_requeueing_a_failed_email_gives_it_a_fresh_set_of_retries(settings, queue, mail_worker, mailoutbox):
    use_backend(settings, BROKEN, MAX_RETRIES=0)
    queue()
    mail_worker.run()
    assert Email.objects.get().status == STATUS.failed
    use_backend(settings, LOCMEM)
    services.requeue(Email.objects.all())
    assert Email.objects.get().number_of_retries == 0
    mail_worker.run()
    assert len(mailoutbox) == 1


def test_a_deleted_email_takes_its_delivery_along_and_its_task_sends_nothing(queue, mail_worker, mailoutbox):
    queue()
    Email.objects.all().delete()
    assert not Delivery.objects.exists()
    mail_worker.run()
    assert DBTaskResult.objects.get().return_value == "no such email (deleted)"
    assert mailoutbox == []
