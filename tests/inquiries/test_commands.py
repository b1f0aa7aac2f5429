from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from post_office.models import STATUS, Email

from inquiries.demo import seed_routing
from inquiries.models import Inquiry, InquiryAccessLog, InquiryNote, RoutingRule
from inquiries.services import submit_inquiry
from tests.factories import ClinicianFactory, ConditionFactory, EmailFactory, InquiryFactory, StaffFactory

pytestmark = pytest.mark.django_db


def purge(*args):
    out = StringIO()
    call_command("purge_inquiries", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def aged(settings):
    settings.INQUIRIES_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    recent = timezone.now() - timedelta(days=5)
    return {
        "old_closed": InquiryFactory(status="closed", received_at=old, closed_at=old),
        "old_spam": InquiryFactory(status="spam", received_at=old, closed_at=old),
        "old_open": InquiryFactory(status="contacted", received_at=old),
        "recently_closed": InquiryFactory(status="closed", received_at=old, closed_at=recent),
    }


def test_purge_deletes_old_closed_and_spam_and_says_how_many(aged):
    output = purge()
    assert "2 inquiries deleted" in output
    assert set(Inquiry.objects.values_list("pk", flat=True)) == {
        aged["old_open"].pk,
        aged["recently_closed"].pk,
    }


def test_purge_takes_notes_along_and_keeps_the_access_log(aged, handler):
    InquiryNote.objects.create(inquiry=aged["old_closed"], author=handler, body="Booked elsewhere")
    InquiryAccessLog.record(user=handler, inquiry=aged["old_closed"])
    purge()
    assert not InquiryNote.objects.exists()
    assert InquiryAccessLog.objects.get().reference == aged["old_closed"].reference


def test_purge_dry_run_deletes_nothing(aged):
    output = purge("--dry-run")
    assert "2 inquiries would be deleted" in output
    assert Inquiry.objects.count() == 4


def test_purge_is_idempotent(aged):
    purge()
    assert "0 inquiries deleted" in purge()
    assert Inquiry.objects.count() == 2


def test_the_task_worker_in_batch_mode_delivers_the_queue(mailoutbox, desk, monkeypatch):
    submit_inquiry(name="A", email="a@example.com", symptoms="s", duration="d", submission_token="t")
    # It would drop the test's open transaction as a connection left outside autocommit.
    monkeypatch.setattr("outbox.worker.close_old_connections", lambda: None)
    call_command("task_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    assert Email.objects.filter(status=STATUS.sent).count() == 2
    assert len(mailoutbox) == 2


def test_seed_routing_is_defensive_and_idempotent(handlers_group):
    owner = StaffFactory(username="owner", is_superuser=True)
    ClinicianFactory(slug="maya-okafor", user=owner)
    ConditionFactory(slug="jaw-pain-tmj")
    ConditionFactory(slug="painful-scars")
    ClinicianFactory(slug="daniel-reyes", user=StaffFactory(username="editor"))
    StaffFactory(username="handler")
    assert seed_routing() == 3  # two rules for Maya and the catch-all; the rest are skipped
    assert seed_routing() == 3
    assert RoutingRule.objects.count() == 3
    assert RoutingRule.objects.get(condition__slug="jaw-pain-tmj").assignee == owner
    assert RoutingRule.objects.get(group=handlers_group).condition is None
    assert handlers_group.user_set.filter(username="handler").exists()


def test_handlers_group_has_exactly_its_permissions(handlers_group):
    codenames = set(handlers_group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("inquiries", "view_inquiry"),
        ("inquiries", "change_inquiry"),
        ("inquiries", "add_inquirynote"),
        ("inquiries", "view_inquirynote"),
        ("inquiries", "view_routingrule"),
        ("post_office", "view_email"),
        ("post_office", "view_log"),
    }


def test_purging_an_inquiry_deletes_its_emails_and_their_delivery_logs(aged, desk):
    """Before: the purge left the acknowledgement (patient's address and reference) in the queue."""
    from post_office.models import Log

    from tests.factories import EmailLogFactory

    old = aged["old_closed"]
    kept = aged["old_open"]
    for inquiry in (old, kept):
        email = EmailFactory(to=[inquiry.email])
        EmailLogFactory(email=email)
        inquiry.emails.add(email)
    unrelated = EmailFactory(to=["moderator@clinic.example"])
    purge()
    assert set(Email.objects.all()) == {*kept.emails.all(), unrelated}
    assert set(Log.objects.values_list("email", flat=True)) == set(kept.emails.values_list("pk", flat=True))


def test_a_submitted_inquiry_purged_leaves_no_email(settings, desk):
    inquiry = submit_inquiry(
        name="A", email="a@example.com", symptoms="s", duration="d", submission_token="t"
    )
    assert Email.objects.count() == 2
    inquiry.close()
    Inquiry.objects.filter(pk=inquiry.pk).update(closed_at=timezone.now() - timedelta(days=400))
    purge()
    assert not Email.objects.exists()
