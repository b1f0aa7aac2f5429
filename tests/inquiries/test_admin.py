import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from inquiries.models import Inquiry, InquiryAccessLog, InquiryNote
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    HandlerFactory,
    InquiryFactory,
    InquiryMessageFactory,
    LocationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["editor", "moderator", "plain_staff", "handler", "superuser"]


@pytest.fixture
def inquiry():
    return InquiryFactory(condition=ConditionFactory(name="Sciatica"))


def status_for(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def pages(inquiry):
    return {
        "changelist": reverse("admin:inquiries_inquiry_changelist"),
        "change": reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]),
        "history": reverse("admin:inquiries_inquiry_history", args=[inquiry.pk]),
        "add": reverse("admin:inquiries_inquiry_add"),
        "delete": reverse("admin:inquiries_inquiry_delete", args=[inquiry.pk]),
        "access_log": reverse("admin:inquiries_inquiryaccesslog_changelist"),
        "routing": reverse("admin:inquiries_routingrule_changelist"),
        "routing_add": reverse("admin:inquiries_routingrule_add"),
        "mail_queue": reverse("admin:post_office_email_changelist"),
    }


# Expected status per page and role, in the order of ROLES.
EXPECTED = {
    "changelist": [403, 403, 403, 200, 200],
    "change": [403, 403, 403, 200, 200],
    "history": [403, 403, 403, 200, 200],
    "add": [403, 403, 403, 403, 403],  # inquiries only come from patients
    "delete": [403, 403, 403, 403, 200],  # erasure: superusers (and the purge command)
    "access_log": [403, 403, 403, 403, 200],
    "routing": [403, 403, 403, 200, 200],
    "routing_add": [403, 403, 403, 403, 200],
    "mail_queue": [403, 403, 403, 200, 200],
}


@pytest.mark.parametrize("page", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permissions_of_every_group_on_every_inquiry_admin_page(request, client, inquiry, page, role):
    user = request.getfixturevalue(role)
    expected = EXPECTED[page][ROLES.index(role)]
    assert status_for(client, user, pages(inquiry)[page]) == expected


def test_an_inquiry_permission_granted_outside_the_group_still_does_not_open_it(client, inquiry):
    user = StaffFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_inquiry", "change_inquiry"]))
    assert status_for(client, user, pages(inquiry)["change"]) == 403
    assert status_for(client, user, pages(inquiry)["changelist"]) == 403


def test_the_admin_index_does_not_list_inquiries_to_other_staff(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:inquiries_inquiry_changelist") not in html


def test_changelist_shows_the_columns(client, handler, inquiry):
    inquiry.received_at = timezone.now() - timedelta(hours=5)
    inquiry.save()
    inquiry.mark_contacted()
    client.force_login(handler)
    html = client.get(pages(inquiry)["changelist"]).content.decode()
    assert inquiry.reference in html
    assert "Sciatica" in html
    assert ">5 h<" in html


@pytest.mark.parametrize("query", ["status=new", "assigned=me", "assigned=nobody", "open=yes", "open=no"])
def test_changelist_filters_render(client, handler, inquiry, query):
    client.force_login(handler)
    assert client.get(pages(inquiry)["changelist"] + "?" + query).status_code == 200


def test_assigned_to_me_filter(client, handler):
    mine = InquiryFactory(assignee=handler)
    other = InquiryFactory()
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist") + "?assigned=me").content.decode()
    assert mine.reference in html
    assert other.reference not in html


def test_the_assigned_filter_offers_those_who_may_be_given_inquiries_by_name(client, handler):
    colleague = HandlerFactory(username="colleague", first_name="Robin", last_name="Ames")
    StaffFactory(username="an-editor")  # staff, but never given inquiries
    theirs = InquiryFactory(assignee=colleague)
    mine = InquiryFactory(assignee=handler)
    client.force_login(handler)
    changelist = reverse("admin:inquiries_inquiry_changelist")
    html = client.get(changelist).content.decode()
    assert "Robin Ames" in html
    assert "an-editor" not in html
    assert html.count("By assigned to") == 1 and "By assignee" not in html  # one filter, not two
    listed = client.get(changelist, {"assigned": colleague.pk}).content.decode()
    assert theirs.reference in listed and mine.reference not in listed


def test_a_handler_is_named_alike_in_the_list_its_filter_and_the_inquirys_form(client, handler):
    colleague = HandlerFactory(username="rames", first_name="Robin", last_name="Ames")
    inquiry = InquiryFactory(assignee=colleague)
    client.force_login(handler)
    listed = client.get(reverse("admin:inquiries_inquiry_changelist"), {"assigned": colleague.pk})
    row = re.search(r"<tr[^>]*>.*?</tr>", listed.content.decode().split("<tbody>")[1], re.S).group(0)
    assert "Robin Ames" in row and "rames" not in row
    form = client.get(pages(inquiry)["change"]).content.decode()
    assert f'<option value="{colleague.pk}" selected>Robin Ames</option>' in form


@pytest.mark.parametrize("term", ["reference", "name", "email"])
def test_search_by_reference_name_and_email(client, handler, term):
    wanted = InquiryFactory(name="Robin Fairweather", email="robin@example.com")
    other = InquiryFactory(name="Someone Else", email="else@example.com")
    query = {"reference": wanted.reference, "name": "Fairweather", "email": "robin@example"}[term]
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist"), {"q": query}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


@pytest.mark.parametrize(
    "typed",
    ["Martinez", "jose martinez", "JOSÉ", "555-201-3344", "5552013344", "555.201.3344", "555/201 3344"],
)
def test_a_name_without_its_accents_or_a_phone_written_otherwise_finds_the_patient(client, handler, typed):
    wanted = InquiryFactory(name="José Martínez", email="jm@example.com", phone="555.201.3344")
    other = InquiryFactory(name="Someone Else", email="else@example.com", phone="(555) 999-0000")
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist"), {"q": typed}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def test_an_eight_letter_name_is_still_searched_as_a_name(client, handler):
    """ "Ana Perez" reads as a reference too (eight letters of the references' alphabet)."""
    wanted = InquiryFactory(name="Ana Perez")
    other = InquiryFactory(name="Someone Else")
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist"), {"q": "Ana Perez"}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def test_a_notes_author_is_a_name_not_a_link_a_handler_may_not_follow(client, handler, inquiry):
    InquiryNote.objects.create(inquiry=inquiry, author=handler, body="Called, left a message")
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert "Called, left a message" in html
    assert "/admin/auth/user/" not in html


def test_the_assigned_filter_keeps_a_colleague_who_left_and_refuses_odd_digits(client, handler):
    gone = HandlerFactory(username="gone", first_name="Sam", last_name="Left")
    theirs = InquiryFactory(assignee=gone)
    gone.groups.clear()  # no longer a handler, their inquiries still theirs
    client.force_login(handler)
    changelist = reverse("admin:inquiries_inquiry_changelist")
    assert "Sam Left" in client.get(changelist).content.decode()
    assert theirs.reference in client.get(changelist, {"assigned": gone.pk}).content.decode()
    assert client.get(changelist, {"assigned": "²"}).status_code == 200


@pytest.mark.parametrize("typed", ["inq 7kq2 m9xd", "7KQ2M9XD", " INQ-7KQ2-M9XD ", "7kq2-m9xd"])
def test_a_reference_read_out_or_typed_loosely_finds_its_inquiry(client, handler, typed):
    wanted = InquiryFactory(reference="INQ-7KQ2-M9XD")
    other = InquiryFactory()
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist"), {"q": typed}).content.decode()
    assert wanted.reference in html
    assert other.reference not in html


def run_action(client, user, action, *inquiries):
    client.force_login(user)
    return client.post(
        reverse("admin:inquiries_inquiry_changelist"),
        {"action": action, "_selected_action": [i.pk for i in inquiries]},
    )


def test_action_assign_to_me(client, handler, inquiry):
    run_action(client, handler, "assign_to_me", inquiry)
    inquiry.refresh_from_db()
    assert inquiry.assignee == handler


def test_assign_to_me_says_which_were_mine_already(client, handler, inquiry):
    mine = InquiryFactory(assignee=handler)
    run_action(client, handler, "assign_to_me", inquiry, mine)
    said = client.get(reverse("admin:inquiries_inquiry_changelist")).content.decode()
    assert "1 inquiry assigned to you. 1 was yours already." in said


def test_action_mark_contacted_records_first_response(client, handler, inquiry):
    run_action(client, handler, "mark_contacted", inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    assert inquiry.first_response_at is not None


@pytest.mark.parametrize(("action", "status"), [("close", "closed"), ("mark_spam", "spam")])
def test_actions_close_and_spam(client, handler, inquiry, action, status):
    run_action(client, handler, action, inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == status
    assert inquiry.closed_at is not None
    assert inquiry.first_response_at is None  # closing or sorting out spam answers nobody


def test_opening_the_change_page_is_logged(client, handler, inquiry):
    client.force_login(handler)
    client.get(pages(inquiry)["change"])
    entry = InquiryAccessLog.objects.get()
    assert (entry.user, entry.inquiry, entry.reference, entry.action) == (
        handler,
        inquiry,
        inquiry.reference,
        "viewed",
    )


def test_a_refused_visit_is_not_logged_as_a_view(client, editor, inquiry):
    client.force_login(editor)
    client.get(pages(inquiry)["change"])
    assert not InquiryAccessLog.objects.exists()


def test_the_access_log_shows_who_opened_what(client, superuser, handler, inquiry):
    InquiryAccessLog.record(user=handler, inquiry=inquiry)
    client.force_login(superuser)
    html = client.get(pages(inquiry)["access_log"]).content.decode()
    assert inquiry.reference in html
    assert "handler" in html


def change_form_data(inquiry, **overrides):
    data = {
        "status": inquiry.status,
        "assignee": inquiry.assignee_id or "",
        "booked_for_0": "",
        "booked_for_1": "",
        "booked_location": "",
        "reply": "",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        "notes-0-body": "",
    }
    data.update(overrides)
    return data


def test_a_note_is_stamped_with_its_author(client, handler, inquiry):
    client.force_login(handler)
    response = client.post(
        pages(inquiry)["change"], change_form_data(inquiry, **{"notes-0-body": "Called, left a message"})
    )
    assert response.status_code == 302
    note = InquiryNote.objects.get()
    assert note.author == handler
    assert note.created_at is not None


def test_existing_notes_are_read_only(client, handler, inquiry):
    InquiryNote.objects.create(inquiry=inquiry, author=handler, body="Called, no answer")
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert "Called, no answer" in html
    assert 'name="notes-0-body"' not in html  # the saved note is shown, not editable
    assert 'name="notes-1-body"' in html  # a new one can be added


def test_status_change_in_the_form_records_first_response(client, handler, inquiry):
    client.force_login(handler)
    client.post(pages(inquiry)["change"], change_form_data(inquiry, status="contacted"))
    inquiry.refresh_from_db()
    assert inquiry.status == "contacted"
    assert inquiry.first_response_at is not None


def test_every_patient_field_is_shown_read_only_on_the_change_page(client, handler, inquiry):
    client.force_login(handler)
    response = client.get(pages(inquiry)["change"])
    admin_form = response.context["adminform"]
    shown = {name for _title, options in admin_form.fieldsets for name in options["fields"]}
    # The days and times are shown as words, not as the codes they are stored as; the clinic and
    # the condition by name, not as links into admin pages a handler may not open.
    as_shown = {
        f"{name}_display" if name in ("preferred_days", "preferred_times", "location", "condition") else name
        for name in Inquiry.PATIENT_FIELDS
    }
    assert as_shown <= shown
    assert as_shown <= set(admin_form.readonly_fields)
    assert not set(Inquiry.PATIENT_FIELDS) & set(admin_form.form.fields)


def test_patient_fields_cannot_be_edited(client, handler, inquiry):
    client.force_login(handler)
    client.post(pages(inquiry)["change"], change_form_data(inquiry, symptoms="rewritten"))
    inquiry.refresh_from_db()
    assert inquiry.symptoms != "rewritten"


def test_index_summary_for_handlers(client, handler):
    now = timezone.now()
    for hours in (1, 3, 5):
        InquiryFactory(received_at=now - timedelta(hours=hours), first_response_at=now, status="contacted")
    InquiryFactory()  # still new
    InquiryFactory(status="closed")
    client.force_login(handler)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Open inquiries" in html
    assert "<td>4</td>" in html
    assert "<td>3 h</td>" in html


def test_index_summary_hidden_from_other_staff(client, editor):
    InquiryFactory()
    client.force_login(editor)
    assert "Open inquiries" not in client.get(reverse("admin:index")).content.decode()


def test_only_handlers_can_be_chosen_as_assignee(client, handler, editor, superuser, inquiry):
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert f'<option value="{handler.pk}">' in html
    assert f'<option value="{superuser.pk}">' in html
    assert f'<option value="{editor.pk}">' not in html


def test_an_action_leaves_an_entry_in_the_inquiry_history(client, handler, inquiry):
    run_action(client, handler, "mark_contacted", inquiry)
    entry = LogEntry.objects.get(object_id=str(inquiry.pk))
    assert entry.user == handler
    assert entry.get_change_message() == "Changed status."


def test_the_history_holds_no_health_detail_and_no_note_text(client, handler, inquiry):
    client.force_login(handler)
    client.post(
        pages(inquiry)["change"],
        change_form_data(inquiry, status="contacted", **{"notes-0-body": "Said the numbness is worse"}),
    )
    run_action(client, handler, "close", inquiry)
    entries = LogEntry.objects.filter(object_id=str(inquiry.pk))
    assert entries.count() == 2
    for entry in entries:
        text = f"{entry.object_repr} {entry.change_message} {entry.get_change_message()}"
        for secret in (inquiry.name, inquiry.symptoms, inquiry.duration, "numbness"):
            assert secret not in text


# The conversation, secure replies and bookings


def test_the_change_page_has_the_reply_box_labelled_as_specified(client, handler, inquiry):
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert '<label for="id_reply">Reply to the patient:</label>' in html
    assert "No messages yet." in html


def test_a_reply_is_stored_with_its_author_and_the_patient_told_there_is_news(client, handler, inquiry):
    client.force_login(handler)
    text = "Please bring comfortable clothes; we will look at your lower back."
    response = client.post(pages(inquiry)["change"], change_form_data(inquiry, reply=text))
    assert response.status_code == 302
    message = inquiry.messages.get()
    assert (message.sender, message.author, message.body) == ("clinic", handler, text)
    email = inquiry.emails.get()
    assert email.to == [inquiry.email]
    assert text not in email.message
    inquiry.refresh_from_db()
    assert inquiry.first_response_at is not None
    assert inquiry.status == "contacted"  # the list no longer shows it as new


def test_a_reply_leaves_a_contacted_or_closed_inquiry_as_it_is(client, handler, inquiry):
    for status in ("contacted", "closed"):
        Inquiry.objects.filter(pk=inquiry.pk).update(status=status)
        inquiry.refresh_from_db()
        client.force_login(handler)
        client.post(
            pages(inquiry)["change"], change_form_data(inquiry, reply="One more thing: bring the scan.")
        )
        inquiry.refresh_from_db()
        assert inquiry.status == status
    assert inquiry.messages.count() == 2


def test_spam_gets_no_reply_box_and_emails_nobody(client, handler, inquiry):
    """Its address may be anyone's: a reply would send a stranger a link that opens nothing."""
    inquiry.mark_spam()
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert 'name="reply"' not in html
    client.post(pages(inquiry)["change"], change_form_data(inquiry, reply="Hello?"))
    assert not inquiry.messages.exists()
    assert not inquiry.emails.exists()


def test_marking_spam_and_replying_in_one_save_is_refused_with_a_message(client, handler, inquiry):
    client.force_login(handler)
    response = client.post(pages(inquiry)["change"], change_form_data(inquiry, status="spam", reply="Hello?"))
    assert response.status_code == 200
    assert "An inquiry marked as spam gets no reply" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert not inquiry.messages.exists()
    assert not inquiry.emails.exists()


def test_the_conversation_is_shown_on_the_change_page(client, handler, inquiry):
    handler.first_name, handler.last_name = "Sam", "Patel"
    handler.save()
    InquiryMessageFactory(inquiry=inquiry, author=handler, body="When could you come in?")
    InquiryMessageFactory(inquiry=inquiry, sender="patient", body="Tuesday <b>afternoon</b>")
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert "The clinic, by Sam Patel" in html  # by name, as the lists name staff
    assert "When could you come in?" in html
    assert "The patient" in html
    assert "Tuesday &lt;b&gt;afternoon&lt;/b&gt;" in html  # the patient's text, escaped


def test_a_handler_cannot_reply_to_an_inquiry_outside_their_scope(client, handler, settings):
    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    colleagues = InquiryFactory(assignee=HandlerFactory(username="colleague"))
    client.force_login(handler)
    client.post(pages(colleagues)["change"], change_form_data(colleagues, reply="Hello"))
    assert not colleagues.messages.exists()
    assert not colleagues.emails.exists()


def test_staff_who_may_only_view_get_no_reply_box(client, handlers_group, inquiry):
    viewer = StaffFactory(username="viewer")
    viewer.groups.add(handlers_group)
    viewer.user_permissions.clear()
    handlers_group.permissions.remove(Permission.objects.get(codename="change_inquiry"))
    client.force_login(viewer)
    response = client.get(pages(inquiry)["change"])
    assert response.status_code == 200
    assert 'name="reply"' not in response.content.decode()


def test_booked_needs_date_time_and_clinic(client, handler, inquiry):
    client.force_login(handler)
    response = client.post(pages(inquiry)["change"], change_form_data(inquiry, status="booked"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "date and time" in html
    assert "say at which clinic" in html
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert not inquiry.emails.exists()


def test_a_booking_in_the_past_is_refused_and_the_patient_told_nothing(client, handler, inquiry):
    harbor = LocationFactory(name="Harbor Point")
    client.force_login(handler)
    data = change_form_data(
        inquiry, status="booked", booked_for_0="2020-01-06", booked_for_1="09:30", booked_location=harbor.pk
    )
    response = client.post(pages(inquiry)["change"], data)
    assert response.status_code == 200
    assert "That date and time has passed" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new" and inquiry.booked_for is None
    assert not inquiry.messages.exists() and not inquiry.emails.exists()


def saved_with_a_booking_two_days_ago(client, handler, inquiry, *, was: str, becomes: str):
    """The change form posted as it stands for an inquiry whose booking (``was`` its status) was
    two days ago, the old date left untouched and the status set to ``becomes``."""
    harbor = LocationFactory(name="Harbor Point")
    held = timezone.now() - timezone.timedelta(days=2)
    Inquiry.objects.filter(pk=inquiry.pk).update(status=was, booked_for=held, booked_location=harbor)
    client.force_login(handler)
    when = timezone.localtime(held)
    data = change_form_data(
        inquiry,
        status=becomes,
        booked_for_0=when.strftime("%Y-%m-%d"),
        booked_for_1=when.strftime("%H:%M:%S"),
        booked_location=harbor.pk,
    )
    data["initial-booked_for_0"], data["initial-booked_for_1"] = data["booked_for_0"], data["booked_for_1"]
    return client.post(pages(inquiry)["change"], data)


def test_booking_again_with_a_past_date_left_in_the_form_is_refused(client, handler, inquiry):
    """Booked, moved back to contacted, then booked again without touching the old date."""
    response = saved_with_a_booking_two_days_ago(client, handler, inquiry, was="contacted", becomes="booked")
    assert response.status_code == 200
    assert "That date and time has passed" in response.content.decode()
    assert not inquiry.messages.exists()


def test_assign_to_me_from_a_filtered_list_counts_right(client, handler):
    unassigned = InquiryFactory.create_batch(2)
    client.force_login(handler)
    client.post(
        reverse("admin:inquiries_inquiry_changelist") + "?assigned=nobody",
        {"action": "assign_to_me", "_selected_action": [i.pk for i in unassigned]},
    )
    said = client.get(reverse("admin:inquiries_inquiry_changelist")).content.decode()
    assert "2 inquiries assigned to you." in said and "yours already" not in said


def test_a_booking_that_has_passed_does_not_stop_closing_the_inquiry(client, handler, inquiry):
    response = saved_with_a_booking_two_days_ago(client, handler, inquiry, was="booked", becomes="closed")
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "closed"


def test_booking_tells_the_patient_through_a_secure_reply(client, handler, inquiry):
    harbor = LocationFactory(name="Harbor Point")
    client.force_login(handler)
    data = change_form_data(
        inquiry, status="booked", booked_for_0="2031-03-04", booked_for_1="09:30", booked_location=harbor.pk
    )
    assert client.post(pages(inquiry)["change"], data).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "booked"
    assert inquiry.booked_location == harbor
    assert timezone.localtime(inquiry.booked_for).strftime("%Y-%m-%d %H:%M") == "2031-03-04 09:30"
    assert inquiry.first_response_at is not None
    message = inquiry.messages.get()
    assert "Harbor Point" in message.body
    email = inquiry.emails.get()
    assert "Harbor Point" not in email.message
    assert "2031" not in email.message


def test_booking_with_a_reply_stores_both_and_sends_one_email_whose_link_works(client, handler, inquiry):
    from inquiries import secure_links

    harbor = LocationFactory(name="Harbor Point")
    client.force_login(handler)
    data = change_form_data(
        inquiry,
        status="booked",
        booked_for_0="2031-03-04",
        booked_for_1="09:30",
        booked_location=harbor.pk,
        reply="Please bring your referral letter.",
    )
    assert client.post(pages(inquiry)["change"], data).status_code == 302
    bodies = list(inquiry.messages.order_by("created_at", "id").values_list("body", flat=True))
    assert len(bodies) == 2
    assert "Harbor Point" in bodies[0]
    assert bodies[1] == "Please bring your referral letter."
    email = inquiry.emails.get()
    token = email.message.split("?token=", 1)[1].split()[0]
    assert secure_links.check_link(token).inquiry == inquiry


def test_the_list_shows_and_filters_appointment_requests(client, handler):
    asked = InquiryFactory(wants_appointment=True, preferred_days="mon,sat", preferred_times="evening")
    harbor = LocationFactory(name="Harbor Point")
    booked = InquiryFactory(status="booked", booked_for=timezone.now(), booked_location=harbor)
    silent = InquiryFactory()
    client.force_login(handler)
    html = client.get(pages(asked)["changelist"]).content.decode()
    assert "Asked: Monday, Saturday · Evening" in html
    assert "Booked" in html and "Harbor Point" in html

    def listed(value):
        response = client.get(pages(asked)["changelist"] + f"?appointment={value}")
        return set(response.context["cl"].result_list)

    assert listed("requested") == {asked}
    assert listed("booked") == {booked}
    assert listed("no") == {silent}


def test_the_change_page_shows_the_appointment_request_in_words(client, handler):
    inquiry = InquiryFactory(
        wants_appointment=True, preferred_days="tue,thu", preferred_times="morning", referral="not_sure"
    )
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert "Tuesday, Thursday" in html
    assert "Morning" in html
    assert "Not sure" in html


def test_the_access_log_lists_patients_as_the_actor(client, superuser, inquiry):
    InquiryAccessLog.record_patient(inquiry=inquiry, action=InquiryAccessLog.Action.OPENED)
    client.force_login(superuser)
    response = client.get(pages(inquiry)["access_log"] + "?actor=patient")
    assert response.status_code == 200
    assert "Opened the secure link" in response.content.decode()


def test_the_conversation_shows_local_times_and_no_view_on_site(client, handler, inquiry, settings):
    sent = timezone.make_aware(timezone.datetime(2031, 3, 4, 23, 30), timezone.get_fixed_timezone(-300))
    InquiryMessageFactory(inquiry=inquiry, author=handler, body="Late reply", created_at=sent)
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    assert "March 4, 2031, 11:30 p.m." in html  # America/New_York, not UTC's March 5
    assert "View on site" not in html


def test_the_change_page_links_nowhere_a_handler_may_not_go(client, handler):
    """The patient's clinic and condition by name, the article as its public page: no link into
    the admin's clinic, condition or article pages, which answer a handler with a 403."""
    article = ArticleFactory(slug="neck")
    inquiry = InquiryFactory(location=LocationFactory(name="Bayside"), source_article=article)
    client.force_login(handler)
    html = client.get(pages(inquiry)["change"]).content.decode()
    for admin_page in ("/admin/clinic_site/location/", "/admin/blog/condition/", "/admin/blog/article/"):
        assert admin_page not in html
    assert "Bayside" in html
    assert '<a href="/blog/neck/">' in html
