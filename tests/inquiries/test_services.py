from datetime import datetime, timedelta

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from inquiries.models import Inquiry, InquiryMessage
from inquiries.services import (
    confirm_booking,
    receive_answer,
    route_inquiry,
    send_new_link,
    send_reply,
    submit_inquiry,
)
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    HandlerFactory,
    InquiryFactory,
    LocationFactory,
    RoutingRuleFactory,
    StaffFactory,
)
from tests.inquiries.conftest import BROKEN

pytestmark = pytest.mark.django_db

HEALTH = {
    "name": "Quentin Zebulon",
    "symptoms": "numbness radiating into the right forearm",
    "duration": "since the ski trip in February",
    "treatments_tried": "acupuncture twice and gabapentin",
}


def submit(**overrides):
    kwargs = {
        "name": HEALTH["name"],
        "email": "quentin@example.com",
        "phone": "555 0142",
        "symptoms": HEALTH["symptoms"],
        "duration": HEALTH["duration"],
        "treatments_tried": HEALTH["treatments_tried"],
        "submission_token": "token-1",
    }
    kwargs.update(overrides)
    return submit_inquiry(**kwargs)


def queued(to):
    return Email.objects.get(to=[to])


# The inquiry itself


def test_submit_stores_the_inquiry_with_a_reference():
    inquiry = submit()
    assert Inquiry.objects.count() == 1
    assert inquiry.reference.startswith("INQ-")
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.consent_at is not None


def test_reference_format_avoids_ambiguous_characters():
    references = {submit(submission_token=f"t{i}").reference for i in range(20)}
    assert len(references) == 20
    for reference in references:
        assert len(reference) == 13
        assert not set(reference[4:].replace("-", "")) & set("01ILOU")


def test_reference_collision_draws_again(monkeypatch):
    existing = InquiryFactory(reference="INQ-AAAA-AAAA")
    draws = iter(["INQ-AAAA-AAAA", "INQ-BBBB-BBBB"])
    monkeypatch.setattr("inquiries.models.generate_reference", lambda: next(draws))
    inquiry = submit()
    assert inquiry.reference == "INQ-BBBB-BBBB"
    assert existing.reference != inquiry.reference


def test_same_submission_token_stores_one_inquiry(desk):
    first = submit()
    second = submit()
    assert first.pk == second.pk
    assert Inquiry.objects.count() == 1
    assert Email.objects.count() == 2


def test_the_model_defaults_fill_the_optional_patient_fields():
    inquiry = submit_inquiry(
        name="Pat", email="pat@example.com", symptoms="stiff knee", duration="a week", submission_token="t"
    )
    inquiry.refresh_from_db()
    assert (inquiry.phone, inquiry.preferred_contact, inquiry.treatments_tried) == ("", "email", "")
    assert (inquiry.location, inquiry.condition) == (None, None)


def test_a_field_that_is_not_the_patients_is_refused_by_name_only():
    with pytest.raises(TypeError) as refusal:
        submit(shoe_size="44")
    assert "shoe_size" in str(refusal.value)
    assert not any(value in str(refusal.value) for value in HEALTH.values())
    assert not Inquiry.objects.exists()


def test_a_missing_required_field_is_refused_by_name_only():
    with pytest.raises(TypeError) as refusal:
        submit_inquiry(
            name=HEALTH["name"], email="q@example.com", duration=HEALTH["duration"], submission_token="t"
        )
    assert "symptoms" in str(refusal.value)
    assert HEALTH["duration"] not in str(refusal.value)
    assert not Inquiry.objects.exists()


def test_str_and_repr_carry_the_reference_only():
    inquiry = submit()
    for text in (str(inquiry), repr(inquiry)):
        assert inquiry.reference in text
        for detail in HEALTH.values():
            assert detail not in text


def test_everything_rolls_back_together_if_queueing_fails(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr("inquiries.services.mail.send", boom)
    with pytest.raises(RuntimeError):
        submit()
    assert Inquiry.objects.count() == 0


# Routing


def test_routes_by_condition():
    back = ConditionFactory(slug="back")
    clinician = HandlerFactory(email="back@clinic.example")
    RoutingRuleFactory(condition=back, assignee=clinician)
    assert submit(condition=back).assignee == clinician


def test_routes_by_location():
    harbor = LocationFactory()
    clinician = HandlerFactory(email="harbor@clinic.example")
    RoutingRuleFactory(location=harbor, assignee=clinician)
    assert submit(location=harbor).assignee == clinician


def test_the_most_specific_rule_wins():
    back, harbor = ConditionFactory(slug="back"), LocationFactory()
    catch_all, by_location, by_condition, both = HandlerFactory.create_batch(4)
    RoutingRuleFactory(assignee=catch_all, priority=1)
    RoutingRuleFactory(location=harbor, assignee=by_location, priority=1)
    RoutingRuleFactory(condition=back, assignee=by_condition, priority=1)
    RoutingRuleFactory(condition=back, location=harbor, assignee=both, priority=50)
    assert submit(condition=back, location=harbor).assignee == both
    assert submit(condition=back, submission_token="t2").assignee == by_condition
    assert submit(location=harbor, submission_token="t3").assignee == by_location
    assert submit(submission_token="t4").assignee == catch_all


def test_lower_priority_number_wins_among_equals():
    first, second = HandlerFactory.create_batch(2)
    RoutingRuleFactory(assignee=second, priority=20)
    RoutingRuleFactory(assignee=first, priority=10)
    assert submit().assignee == first


def test_a_user_who_cannot_open_inquiries_is_skipped():
    RoutingRuleFactory(assignee=StaffFactory(), priority=1)
    handler = HandlerFactory()
    RoutingRuleFactory(assignee=handler, priority=2)
    assert submit().assignee == handler


def test_a_rule_for_someone_outside_the_handlers_group_does_not_validate():
    from django.core.exceptions import ValidationError

    rule = RoutingRuleFactory.build(assignee=StaffFactory())
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_inactive_rules_are_ignored():
    user = HandlerFactory()
    RoutingRuleFactory(assignee=user, active=False)
    assert submit().assignee is None


def test_group_rule_takes_turns_over_active_members(handlers_group):
    members = HandlerFactory.create_batch(3)
    inactive = HandlerFactory(is_active=False)
    handlers_group.user_set.add(*members, inactive)
    RoutingRuleFactory(group=handlers_group)
    assignees = [submit(submission_token=f"t{i}").assignee for i in range(4)]
    assert assignees == [*sorted(members, key=lambda u: u.pk), min(members, key=lambda u: u.pk)]


def test_empty_group_falls_through_to_the_next_rule(handlers_group):
    user = HandlerFactory()
    RoutingRuleFactory(condition=ConditionFactory(), group=handlers_group, priority=1)
    RoutingRuleFactory(assignee=user, priority=2)
    assert submit().assignee == user


def test_the_fallback_handler_is_given_what_no_rule_matches_and_told(desk):
    inquiry = submit()
    assert inquiry.assignee == desk
    assert queued("front-desk@clinic.example").subject == f"New inquiry {inquiry.reference}"


def test_the_fallback_handler_is_told_when_the_chosen_person_has_no_address(desk):
    RoutingRuleFactory(assignee=HandlerFactory(email=""))
    inquiry = submit()
    assert inquiry.assignee.email == ""
    assert queued("front-desk@clinic.example").subject == f"New inquiry {inquiry.reference}"


def test_the_public_mailbox_is_never_told(settings):
    """Before: with no rule and no fallback handler, the notification went to CLINIC_EMAIL."""
    owner = StaffFactory(username="owner", is_superuser=True, email="owner@clinic.example")
    inquiry = submit()
    assert inquiry.assignee is None
    assert not Email.objects.filter(to=[settings.CLINIC_EMAIL]).exists()
    assert queued(owner.email).subject == f"New inquiry {inquiry.reference}"


@pytest.mark.parametrize("flaw", ["missing", "inactive", "not a handler", "no address"])
def test_a_fallback_name_that_cannot_serve_is_passed_over_for_the_superusers(settings, flaw):
    if flaw != "missing":
        desk = HandlerFactory(username="desk", email="desk@clinic.example")
        if flaw == "inactive":
            desk.is_active = False
        elif flaw == "not a handler":
            desk.groups.clear()
        else:
            desk.email = ""
        desk.save()
    StaffFactory(username="owner", is_superuser=True, email="owner@clinic.example")
    inquiry = submit()
    assert inquiry.assignee is None
    assert queued("owner@clinic.example").subject == f"New inquiry {inquiry.reference}"
    assert not Email.objects.filter(to=["desk@clinic.example"]).exists()


def test_route_inquiry_does_not_save(desk):
    inquiry = Inquiry(condition=None, location=None)
    route = route_inquiry(inquiry)
    assert inquiry.pk is None
    assert route.notify == ["front-desk@clinic.example"]


# The emails


def test_two_emails_are_queued_not_sent(desk):
    submit()
    assert Email.objects.filter(status=STATUS.queued).count() == 2
    assert django_mail.outbox == []


def test_staff_notification_has_reference_clinic_and_admin_link():
    harbor = LocationFactory(name="Harbor Point")
    RoutingRuleFactory(location=harbor, assignee=HandlerFactory(email="pt@clinic.example"))
    inquiry = submit(location=harbor)
    email = queued("pt@clinic.example")
    assert inquiry.reference in email.subject
    assert "Harbor Point" in email.message
    change_url = reverse("admin:inquiries_inquiry_change", args=[inquiry.pk])
    assert f"https://clinic.example{change_url}" in email.message


def test_acknowledgement_goes_to_the_patient_with_reference_and_next_steps():
    inquiry = submit()
    email = queued("quentin@example.com")
    assert inquiry.reference in email.subject
    assert inquiry.reference in email.message
    assert "What happens next" in email.message


def test_no_email_names_the_condition_the_article_or_anything_the_patient_typed(desk):
    """The notification used to name the condition: an inbox then tied a reference to sciatica."""
    sciatica = ConditionFactory(name="Sciatica", slug="sciatica")
    article = ArticleFactory(title="Neck pain at the desk", slug="neck-pain", conditions=[sciatica])
    RoutingRuleFactory(condition=sciatica, assignee=HandlerFactory(email="pt@clinic.example"))
    submit(source_article=article, condition=sciatica, phone="555 0142")
    emails = list(Email.objects.all())
    assert len(emails) == 2
    for email in emails:
        text = " ".join([email.subject, email.message, email.html_message or "", str(email.context or "")])
        for detail in [*HEALTH.values(), "555 0142", "Quentin", "Sciatica", "sciatica", "Neck pain"]:
            assert detail not in text


def test_the_emails_are_linked_to_their_inquiry():
    inquiry = submit()
    assert set(inquiry.emails.all()) == set(Email.objects.all())


def test_fourteen_acknowledgements_to_one_victim_become_three(settings, desk):
    """Anyone may type someone else's address; the form must not become a way to flood it."""
    settings.INQUIRIES_ACKS_PER_ADDRESS_PER_DAY = 3
    addresses = ["victim@example.com", "Victim@Example.com", "victim+1@example.com", "victim+x@example.com"]
    for i in range(14):
        submit(email=addresses[i % len(addresses)], submission_token=f"t{i}")
    assert Inquiry.objects.count() == 14  # every inquiry is still stored
    acknowledgements = Email.objects.exclude(subject__startswith="New inquiry")
    assert acknowledgements.count() == 3
    assert Email.objects.filter(subject__startswith="New inquiry").count() == 14  # staff still told


def test_another_address_still_gets_its_acknowledgement(settings):
    settings.INQUIRIES_ACKS_PER_ADDRESS_PER_DAY = 1
    submit(email="victim@example.com", submission_token="a")
    submit(email="victim@example.com", submission_token="b")
    submit(email="someone@example.com", submission_token="c")
    assert Email.objects.filter(to=["victim@example.com"]).count() == 1
    assert Email.objects.filter(to=["someone@example.com"]).count() == 1


def test_a_broken_mail_server_loses_nothing_and_the_worker_delivers_later(
    settings, mail_worker, mailoutbox, desk
):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": BROKEN}, "MAX_RETRIES": 3}
    inquiry = submit()
    mail_worker.run()
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()
    assert Email.objects.filter(status=STATUS.requeued).count() == 2
    assert mailoutbox == []

    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    mail_worker.make_due()
    mail_worker.run()
    assert Email.objects.filter(status=STATUS.sent).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["front-desk@clinic.example", "quentin@example.com"]


def test_retries_back_off(settings, mail_worker):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": BROKEN}, "MAX_RETRIES": 5}
    submit()
    delays = []
    for _attempt in range(3):
        mail_worker.make_due()
        mail_worker.run()
        email = Email.objects.first()
        delays.append(email.scheduled_time - email.last_updated)
    assert delays[0] < delays[1] < delays[2]


def test_after_max_retries_the_email_is_failed_and_kept(settings, mail_worker, desk):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": BROKEN}, "MAX_RETRIES": 0}
    submit()
    mail_worker.run()
    assert Email.objects.filter(status=STATUS.failed).count() == 2
    assert Inquiry.objects.count() == 1


def test_submit_works_inside_an_outer_transaction():
    with transaction.atomic():
        inquiry = submit()
    assert Inquiry.objects.get(pk=inquiry.pk)


# Status transitions


def test_first_move_out_of_new_records_first_response():
    inquiry = InquiryFactory()
    inquiry.mark_contacted()
    first = inquiry.first_response_at
    assert first is not None
    inquiry.close()
    inquiry.mark_contacted()
    assert inquiry.first_response_at == first


def test_close_and_spam_record_closed_at_and_reopen_clears_it():
    inquiry = InquiryFactory()
    inquiry.close()
    assert inquiry.closed_at is not None
    assert not inquiry.is_open
    inquiry.mark_contacted()
    assert inquiry.closed_at is None
    inquiry.mark_spam()
    assert inquiry.status == Inquiry.Status.SPAM
    assert inquiry.closed_at is not None


def test_status_choices_know_if_open():
    assert Inquiry.Status.NEW.is_open
    assert Inquiry.Status.BOOKED.is_open
    assert not Inquiry.Status.SPAM.is_open


# Secure replies, answers, bookings and new links


def texts_of(emails):
    return [" ".join([e.subject, e.message, e.html_message or "", str(e.context or "")]) for e in emails]


REPLY = "Your shoulder sounds like a rotator cuff strain; bring your MRI report"
ANSWER = "The tingling is worse at night and I take naproxen"


def test_a_reply_is_kept_with_its_author_and_counts_as_the_first_response(handler):
    inquiry = InquiryFactory(assignee=handler)
    message = send_reply(inquiry=inquiry, author=handler, body=f"  {REPLY}\n")
    assert (message.inquiry, message.sender, message.author, message.body) == (
        inquiry,
        InquiryMessage.Sender.CLINIC,
        handler,
        REPLY,
    )
    inquiry.refresh_from_db()
    assert inquiry.first_response_at == message.created_at


def test_a_later_reply_keeps_the_first_response(handler):
    inquiry = InquiryFactory()
    inquiry.mark_contacted()
    first = inquiry.first_response_at
    send_reply(inquiry=inquiry, author=handler, body=REPLY)
    inquiry.refresh_from_db()
    assert inquiry.first_response_at == first


def test_the_patient_is_told_there_is_news_with_the_reference_and_a_link_only(handler):
    sciatica = ConditionFactory(name="Sciatica", slug="sciatica")
    article = ArticleFactory(title="Neck pain at the desk", conditions=[sciatica])
    inquiry = InquiryFactory(
        name="Quentin Zebulon",
        condition=sciatica,
        source_article=article,
        symptoms=HEALTH["symptoms"],
        duration=HEALTH["duration"],
        treatments_tried=HEALTH["treatments_tried"],
        insurance="Harborside Mutual",
    )
    send_reply(inquiry=inquiry, author=handler, body=REPLY)
    email = inquiry.emails.get()
    assert email.to == [inquiry.email]
    assert inquiry.reference in email.subject
    assert "https://clinic.example/inquiries/thread/?token=" in email.message
    for detail in [REPLY, *HEALTH.values(), "Sciatica", "sciatica", "Neck pain", "Harborside", "Quentin"]:
        assert detail not in texts_of([email])[0]


def test_the_patients_answer_reaches_the_assignee_by_reference_only(handler, desk):
    inquiry = InquiryFactory(assignee=handler, symptoms=HEALTH["symptoms"])
    message = receive_answer(inquiry=inquiry, body=ANSWER)
    assert (message.sender, message.author, message.body) == (InquiryMessage.Sender.PATIENT, None, ANSWER)
    email = inquiry.emails.get()
    assert email.to == ["handler@clinic.example"]
    assert inquiry.reference in email.subject
    assert f"https://clinic.example{inquiry.get_admin_url()}" in email.message
    assert ANSWER not in texts_of([email])[0]
    assert HEALTH["symptoms"] not in texts_of([email])[0]


def test_an_answer_on_a_closed_inquiry_opens_it_again(handler, desk):
    inquiry = InquiryFactory(assignee=handler)
    inquiry.mark_contacted()
    inquiry.close()
    receive_answer(inquiry=inquiry, body=ANSWER)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED and inquiry.closed_at is None
    assert inquiry in Inquiry.objects.open()


def test_an_answer_on_an_inquiry_closed_unanswered_opens_it_as_new_and_is_no_first_response(desk):
    """Closed without a reply (a duplicate, say), then a new link asked for and used."""
    inquiry = InquiryFactory()
    inquiry.close()
    receive_answer(inquiry=inquiry, body=ANSWER)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW and inquiry.closed_at is None
    assert inquiry.first_response_at is None


def test_an_answer_on_an_unassigned_inquiry_goes_to_the_fallback_handler(desk):
    inquiry = InquiryFactory()
    receive_answer(inquiry=inquiry, body=ANSWER)
    assert inquiry.emails.get().to == ["front-desk@clinic.example"]


def test_staff_are_emailed_once_for_a_burst_of_answers_on_one_inquiry(handler, desk):
    inquiry, other = InquiryFactory(assignee=handler), InquiryFactory(assignee=handler)
    for n in range(3):
        receive_answer(inquiry=inquiry, body=f"{ANSWER} ({n})")
    receive_answer(inquiry=other, body=ANSWER)
    assert inquiry.messages.filter(sender=InquiryMessage.Sender.PATIENT).count() == 3
    assert inquiry.emails.count() == 1
    assert other.emails.count() == 1  # each inquiry has its own quiet period


@pytest.mark.usefixtures("cache_down")
def test_with_the_cache_down_every_answer_emails_staff(handler, desk):
    inquiry = InquiryFactory(assignee=handler)
    receive_answer(inquiry=inquiry, body=ANSWER)
    receive_answer(inquiry=inquiry, body=ANSWER)
    assert inquiry.emails.filter(to=["handler@clinic.example"]).count() == 2


def test_an_answer_and_its_email_are_stored_together_or_not_at_all(monkeypatch, desk):
    inquiry = InquiryFactory()

    def refuse(*args, **kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr("inquiries.services.mail.send", refuse)
    with pytest.raises(RuntimeError):
        receive_answer(inquiry=inquiry, body=ANSWER)
    assert not inquiry.messages.exists()


def test_booking_tells_the_patient_date_time_and_clinic_in_the_thread_not_the_email(handler):
    harbor = LocationFactory(name="Harbor Point", street="12 Quay Street", city="Portsmouth")
    when = timezone.make_aware(datetime(2031, 3, 4, 9, 30))
    inquiry = InquiryFactory(status=Inquiry.Status.BOOKED, booked_for=when, booked_location=harbor)
    (message,) = confirm_booking(inquiry=inquiry, author=handler)
    assert "Tuesday, March 4, 2031" in message.body
    assert "Harbor Point, 12 Quay Street, Portsmouth" in message.body
    email = inquiry.emails.get()
    for detail in ["March", "Harbor Point", "Quay"]:
        assert detail not in texts_of([email])[0]


def test_a_new_link_goes_to_the_inquirys_own_address_when_both_match(settings):
    inquiry = InquiryFactory(email="Pat@Example.com")
    send_new_link(email="pat@example.COM", reference=inquiry.reference.lower())
    email = inquiry.emails.get()
    assert email.to == ["Pat@Example.com"]
    assert "https://clinic.example/inquiries/thread/?token=" in email.message


@pytest.mark.parametrize("which", ["email", "reference"])
def test_no_link_is_sent_when_address_and_reference_do_not_match(which):
    inquiry = InquiryFactory(email="pat@example.com")
    other = InquiryFactory(email="someone@example.com")
    wrong = {"email": other.email, "reference": other.reference}
    send_new_link(**{"email": inquiry.email, "reference": inquiry.reference, which: wrong[which]})
    assert not Email.objects.exists()


def test_no_link_is_sent_for_spam():
    inquiry = InquiryFactory(status=Inquiry.Status.SPAM)
    send_new_link(email=inquiry.email, reference=inquiry.reference)
    assert not Email.objects.exists()


def test_new_links_to_one_address_are_limited_a_day(settings):
    settings.INQUIRIES_NEW_LINKS_PER_ADDRESS_PER_DAY = 2
    inquiry = InquiryFactory()
    for _ in range(5):
        send_new_link(email=inquiry.email, reference=inquiry.reference)
    assert inquiry.emails.count() == 2


def test_median_first_response_leaves_spam_out():
    now = timezone.now()
    InquiryFactory(received_at=now - timedelta(hours=2), first_response_at=now, status="contacted")
    InquiryFactory(received_at=now - timedelta(hours=4), first_response_at=now, status="booked")
    InquiryFactory(received_at=now - timedelta(minutes=1), first_response_at=now, status="spam")
    assert Inquiry.objects.median_first_response() == timedelta(hours=3)


@pytest.mark.parametrize("status", ["closed", "spam"])
def test_closing_or_spam_is_not_a_first_response(status):
    inquiry = InquiryFactory()
    inquiry.move_to(status)
    assert inquiry.first_response_at is None


@pytest.mark.parametrize("status", ["contacted", "booked"])
def test_contacted_or_booked_is_a_first_response(status):
    inquiry = InquiryFactory()
    inquiry.move_to(status)
    assert inquiry.first_response_at is not None


def test_the_service_refuses_to_reply_to_spam(handler):
    inquiry = InquiryFactory()
    inquiry.mark_spam()
    with pytest.raises(ValueError):
        send_reply(inquiry=inquiry, author=handler, body="Hello?")
    assert not inquiry.messages.exists()
    assert not inquiry.emails.exists()
