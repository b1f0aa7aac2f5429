"""Migrations 0003 and 0004: a database from before keeps its inquiries and access log, within the new
bounds, and forgets first responses that were only a close or a spam mark."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from inquiries.models import Inquiry, InquiryAccessLog

BEFORE = [("inquiries", "0002_inquiry_handlers_group")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_inquiries_and_log_entries_are_kept_and_overlong_text_trimmed_to_the_bound():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        OldInquiry = old.get_model("inquiries", "Inquiry")
        OldLog = old.get_model("inquiries", "InquiryAccessLog")
        common = {"name": "Pat", "email": "pat@example.com", "duration": "a week"}
        common["consent_at"] = timezone.now()
        long_one = OldInquiry.objects.create(
            reference="INQ-AAAA-AAAA", symptoms="x" * 9000, treatments_tried="y" * 6000, **common
        )
        OldInquiry.objects.create(reference="INQ-BBBB-BBBB", symptoms="stiff neck", **common)
        OldLog.objects.create(username="handler", inquiry=long_one, reference=long_one.reference)
    finally:
        migrate(latest)

    trimmed = Inquiry.objects.get(reference="INQ-AAAA-AAAA")
    assert (len(trimmed.symptoms), len(trimmed.treatments_tried)) == (5000, 5000)
    assert Inquiry.objects.get(reference="INQ-BBBB-BBBB").symptoms == "stiff neck"
    entry = InquiryAccessLog.objects.get()
    assert (entry.reference, entry.action, entry.kind, entry.references) == (
        "INQ-AAAA-AAAA",
        "viewed",
        "inquiry",
        "",
    )


@pytest.mark.django_db(transaction=True)
def test_migration_0004_forgets_first_responses_that_were_only_a_close_or_spam():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate([("inquiries", "0003_access_log_emails_and_bounds")])
    try:
        OldInquiry = old.get_model("inquiries", "Inquiry")
        at, later = timezone.now(), timezone.now() + timedelta(hours=2)
        common = {"name": "Pat", "email": "pat@example.com", "duration": "a week", "symptoms": "stiff"}
        common["consent_at"] = at
        spam = {"status": "spam", "first_response_at": at, "closed_at": at}
        OldInquiry.objects.create(reference="INQ-CCCC-CCCC", **spam, **common)
        closed = {"status": "closed", "first_response_at": at, "closed_at": later}
        OldInquiry.objects.create(reference="INQ-DDDD-DDDD", **closed, **common)
    finally:
        migrate(latest)

    assert Inquiry.objects.get(reference="INQ-CCCC-CCCC").first_response_at is None
    assert Inquiry.objects.get(reference="INQ-DDDD-DDDD").first_response_at is not None  # contacted first
