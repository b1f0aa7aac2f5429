"""Every look at patient data in the admin leaves a trace; the trace itself cannot be touched."""

import pytest
from django.urls import reverse

from inquiries.models import InquiryAccessLog
from tests.factories import EmailFactory, EmailLogFactory, InquiryFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inquiries_inquiry_changelist")
Action = InquiryAccessLog.Action


def only_entry():
    return InquiryAccessLog.objects.get()


def test_a_search_by_a_patients_name_is_recorded_without_the_words(client, handler):
    """Before: a handler could search "Fairweather", read reference and clinic, and leave no trace."""
    wanted = InquiryFactory(name="Robin Fairweather")
    InquiryFactory(name="Someone Else")
    client.force_login(handler)
    client.get(CHANGELIST, {"q": "Fairweather"})
    entry = only_entry()
    assert (entry.user, entry.action, entry.kind, entry.result_count) == (handler, "searched", "inquiry", 1)
    assert entry.references == wanted.reference
    stored = " ".join(str(value) for value in entry.__dict__.values())
    assert "Fairweather" not in stored


def test_a_plain_list_is_recorded_with_the_references_on_the_page(client, handler):
    inquiries = InquiryFactory.create_batch(3)
    client.force_login(handler)
    client.get(CHANGELIST, {"status": "new"})
    entry = only_entry()
    assert (entry.action, entry.result_count) == ("listed", 3)
    assert set(entry.references.split()) == {inquiry.reference for inquiry in inquiries}


def test_an_admin_action_is_recorded_with_what_it_touched(client, handler):
    chosen, other = InquiryFactory(), InquiryFactory()
    client.force_login(handler)
    client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [chosen.pk]})
    entry = InquiryAccessLog.objects.get(action=Action.ACTED)
    assert (entry.detail, entry.references, entry.result_count) == ("mark_spam", chosen.reference, 1)
    assert other.reference not in entry.references


def test_the_owner_reads_which_action_was_run(client, superuser, handler):
    inquiry = InquiryFactory()
    client.force_login(handler)
    client.post(CHANGELIST, {"action": "close", "_selected_action": [inquiry.pk]})
    entry = InquiryAccessLog.objects.get(action=Action.ACTED)
    client.force_login(superuser)
    listed = client.get(reverse("admin:inquiries_inquiryaccesslog_changelist")).content.decode()
    assert "Ran an action: Close" in listed
    page = client.get(reverse("admin:inquiries_inquiryaccesslog_change", args=[entry.pk]))
    assert "Ran an action: Close" in page.content.decode()
    assert str(entry) == "handler: Ran an action, Inquiry"  # the page's title: words, not codes


def test_a_save_refused_for_its_errors_is_recorded_as_a_look_not_a_change(client, handler):
    from tests.inquiries.test_admin import change_form_data

    inquiry = InquiryFactory()
    client.force_login(handler)
    change = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    assert client.post(change, change_form_data(inquiry, status="booked")).status_code == 200  # no date
    assert client.post(change, change_form_data(inquiry, status="contacted")).status_code == 302
    assert list(InquiryAccessLog.objects.order_by("id").values_list("action", flat=True)) == [
        Action.VIEWED,
        Action.CHANGED,
    ]


def test_a_change_whose_entry_cannot_be_written_is_not_saved(client, handler, monkeypatch):
    """Before: the change was committed first, so a failed entry left a change nobody could trace."""
    from django.db import DatabaseError

    from tests.inquiries.test_admin import change_form_data

    inquiry = InquiryFactory(status="new")

    def fail(**kwargs):
        raise DatabaseError("the log table is locked")

    client.force_login(handler)
    monkeypatch.setattr(InquiryAccessLog, "record", fail)
    change = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    client.raise_request_exception = False  # as a browser sees it: the error page, and its cookies
    assert client.post(change, change_form_data(inquiry, status="contacted")).status_code == 500
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    monkeypatch.undo()
    assert "successfully" not in client.get(CHANGELIST).content.decode()  # nothing was


def test_an_action_the_user_may_not_run_is_not_recorded_as_run(client, editor):
    inquiry = InquiryFactory()
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [inquiry.pk]})
    assert not InquiryAccessLog.objects.exists()


def test_a_deletion_is_recorded_and_outlives_the_inquiry(client, superuser):
    inquiry = InquiryFactory()
    client.force_login(superuser)
    client.post(reverse("admin:inquiries_inquiry_delete", args=[inquiry.pk]), {"post": "yes"})
    entry = InquiryAccessLog.objects.get(action=Action.DELETED)
    assert (entry.reference, entry.inquiry, entry.user) == (inquiry.reference, None, superuser)


def test_a_bulk_deletion_is_recorded(client, superuser):
    inquiries = InquiryFactory.create_batch(2)
    client.force_login(superuser)
    client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [i.pk for i in inquiries], "post": "yes"},
    )
    entry = InquiryAccessLog.objects.get(action=Action.DELETED)
    assert set(entry.references.split()) == {i.reference for i in inquiries}


def emails_of(inquiry):
    email = EmailFactory(to=["robin@example.com"], subject=f"We have your inquiry ({inquiry.reference})")
    inquiry.emails.add(email)
    return email


def test_the_mail_queue_list_is_recorded_with_the_inquiries_it_shows(client, handler):
    """The queue shows a patient's address beside a reference: reading it is a look at patient data."""
    inquiry = InquiryFactory()
    emails_of(inquiry)
    client.force_login(handler)
    assert client.get(reverse("admin:post_office_email_changelist")).status_code == 200
    entry = only_entry()
    assert (entry.kind, entry.action, entry.result_count, entry.references) == (
        "email",
        "listed",
        1,
        inquiry.reference,
    )


def test_opening_a_queued_email_is_recorded(client, handler):
    inquiry = InquiryFactory()
    email = emails_of(inquiry)
    client.force_login(handler)
    assert client.get(reverse("admin:post_office_email_change", args=[email.pk])).status_code == 200
    entry = only_entry()
    expected = ("email", "viewed", inquiry, str(email.pk))
    assert (entry.kind, entry.action, entry.inquiry, entry.object_id) == expected


def test_the_delivery_log_list_and_entries_are_recorded(client, handler):
    inquiry = InquiryFactory()
    log = EmailLogFactory(email=emails_of(inquiry))
    client.force_login(handler)
    client.get(reverse("admin:post_office_log_changelist"))
    client.get(reverse("admin:post_office_log_change", args=[log.pk]))
    listed, viewed = InquiryAccessLog.objects.order_by("id")
    assert (listed.kind, listed.action, listed.references) == ("mail_log", "listed", inquiry.reference)
    assert (viewed.kind, viewed.action, viewed.reference) == ("mail_log", "viewed", inquiry.reference)


def test_a_refused_look_at_the_mail_queue_is_not_recorded(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:post_office_email_changelist")).status_code == 403
    assert not InquiryAccessLog.objects.exists()


# The log itself


@pytest.fixture
def entry(handler):
    return InquiryAccessLog.record(user=handler, inquiry=InquiryFactory())


def test_not_even_a_superuser_can_add_edit_or_delete_an_entry(client, superuser, entry):
    client.force_login(superuser)
    change = reverse("admin:inquiries_inquiryaccesslog_change", args=[entry.pk])
    assert client.get(reverse("admin:inquiries_inquiryaccesslog_add")).status_code == 403
    assert client.get(reverse("admin:inquiries_inquiryaccesslog_delete", args=[entry.pk])).status_code == 403
    client.post(change, {"username": "someone-else", "reference": "INQ-XXXX-XXXX"})
    client.post(
        reverse("admin:inquiries_inquiryaccesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry.refresh_from_db()
    assert entry.username == "handler"
    html = client.get(change).content.decode()
    assert 'name="username"' not in html  # shown read-only


def test_only_superusers_read_the_log(client, handler, entry):
    client.force_login(handler)
    assert client.get(reverse("admin:inquiries_inquiryaccesslog_changelist")).status_code == 403


def test_the_superuser_finds_who_saw_a_reference_in_a_list(client, superuser, handler):
    inquiry = InquiryFactory()
    InquiryAccessLog.record_many(
        user=handler, action="listed", references=[inquiry.reference], result_count=1
    )
    client.force_login(superuser)
    response = client.get(reverse("admin:inquiries_inquiryaccesslog_changelist"), {"q": inquiry.reference})
    assert response.context["cl"].result_count == 1
