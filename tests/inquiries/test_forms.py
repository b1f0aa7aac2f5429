import pytest
from crispy_forms.utils import render_crispy_form
from django.test import RequestFactory
from django.urls import reverse

from clinic_site import antispam
from inquiries.forms import InquiryForm, submission_token
from tests.factories import ArticleFactory, ConditionFactory, LocationFactory
from tests.inquiries.conftest import page_shown_ago, started_ago

pytestmark = pytest.mark.django_db


def sent(data, cookie=None):
    """The POST of the form page shown a minute ago (its cookie), or with ``cookie`` ("" for none)."""
    request = RequestFactory().post("/", data)
    cookie = page_shown_ago(60) if cookie is None else cookie
    if cookie:
        request.COOKIES[antispam.PAGE_SHOWN_COOKIE] = cookie
    return request


def bound(data, cookie=None):
    return InquiryForm(data=data, request=sent(data, cookie))


def unbound(query=""):
    return InquiryForm(request=RequestFactory().get(reverse("inquiries:new") + query))


def test_valid_submission_is_accepted(form_data):
    form = bound(form_data())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("field", ["name", "email", "symptoms", "duration"])
def test_required_fields(form_data, field):
    form = bound(form_data(**{field: ""}))
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize("field", ["phone", "location", "condition", "treatments_tried"])
def test_optional_fields(form_data, field):
    assert bound(form_data(**{field: ""})).is_valid()


def test_consent_is_required(form_data):
    data = form_data()
    del data["consent"]
    form = bound(data)
    assert not form.is_valid()
    assert "consent" in form.errors


@pytest.mark.parametrize("field", ["name", "email", "phone", "duration"])
@pytest.mark.parametrize("breaker", ["\r", "\n", "\r\n"])
def test_line_breaks_are_refused_in_one_line_fields(form_data, field, breaker):
    value = {"email": "pat@example.com", "phone": "555 0100"}.get(field, "Pat")
    form = bound(form_data(**{field: value + breaker + "Bcc: victim@example.com"}))
    assert not form.is_valid()
    assert field in form.errors


def test_line_break_message_is_clear(form_data):
    form = bound(form_data(name="Pat\nBcc: x@example.com"))
    form.is_valid()
    assert "line breaks" in form.errors["name"][0]


def test_invalid_email_is_refused(form_data):
    assert "email" in bound(form_data(email="not-an-email")).errors


def test_unknown_preferred_contact_is_refused(form_data):
    assert "preferred_contact" in bound(form_data(preferred_contact="pigeon")).errors


def test_unknown_condition_is_refused(form_data):
    assert "condition" in bound(form_data(condition="no-such-condition")).errors


def test_condition_and_location_are_chosen_by_slug(form_data):
    condition = ConditionFactory(slug="back-pain")
    location = LocationFactory(slug="harbor")
    form = bound(form_data(condition="back-pain", location="harbor"))
    assert form.is_valid()
    assert form.cleaned_data["condition"] == condition
    assert form.cleaned_data["location"] == location


def test_condition_select_offers_other_or_not_sure():
    ConditionFactory(name="Sciatica", slug="sciatica")
    choices = [str(label) for _value, label in unbound().fields["condition"].choices]
    assert choices == ["Other / not sure", "Sciatica"]


def test_too_long_symptoms_duration_is_refused(form_data):
    assert "duration" in bound(form_data(duration="x" * 121)).errors


def test_honeypot_refuses(form_data):
    form = bound(form_data(website="http://spam.example"))
    assert not form.is_valid()
    assert form.is_refused


def test_time_trap_refuses_a_page_sent_too_quickly(form_data):
    form = bound(form_data(), cookie=page_shown_ago(0))
    assert not form.is_valid()
    assert form.has_error("__all__", "too_fast")


def test_without_the_page_shown_cookie_the_form_asks_to_send_it_again(form_data):
    form = bound(form_data(), cookie="")
    assert not form.is_valid()
    assert form.has_error("__all__", "tampered")
    assert "Your text is kept below: please send it again." in form.non_field_errors()[0]


def test_a_form_sent_back_is_timed_by_its_own_stamp_not_the_cookie(form_data):
    assert bound(form_data(started=started_ago(60)), cookie="").is_valid()
    assert not bound(form_data(started=started_ago(0)), cookie=page_shown_ago(60)).is_valid()


def test_time_trap_refuses_a_form_sent_back_too_quickly(form_data):
    form = bound(form_data(started=started_ago(0)))
    assert not form.is_valid()
    assert form.is_refused


def test_tampered_timestamp_is_refused(form_data):
    form = bound(form_data(started="12345"))
    assert not form.is_valid()
    assert form.is_refused


def test_expired_form_asks_to_send_again(form_data, settings):
    settings.INQUIRIES_MAX_FORM_AGE_SECONDS = 30
    form = bound(form_data(started=started_ago(60)))
    assert not form.is_valid()
    assert form.has_error("__all__", "expired")
    assert not form.is_refused


def test_every_visible_field_has_a_label_and_help_text():
    form = unbound()
    for name in ["name", "email", "phone", "preferred_contact", "location", "condition"]:
        assert form.fields[name].label, name
        assert form.fields[name].help_text, name
    for name in ["symptoms", "duration", "treatments_tried", "consent"]:
        assert form.fields[name].label, name
        assert form.fields[name].help_text, name


def test_prefill_from_article_takes_its_first_condition_and_remembers_it():
    first = ConditionFactory(slug="neck-pain", name="Neck pain", order=1)
    second = ConditionFactory(slug="headaches", name="Headaches", order=2)
    article = ArticleFactory(slug="desk-neck", conditions=[second, first])
    form = unbound(f"?article={article.slug}")
    assert form.initial["condition"] == "neck-pain"
    assert form.initial["article"] == "desk-neck"


def test_prefill_ignores_an_unpublished_article():
    condition = ConditionFactory(slug="neck-pain")
    ArticleFactory(slug="draft", status="draft", conditions=[condition])
    form = unbound("?article=draft")
    assert "article" not in form.initial
    assert "condition" not in form.initial


def test_prefill_from_condition():
    ConditionFactory(slug="sciatica")
    assert unbound("?condition=sciatica").initial["condition"] == "sciatica"


def test_prefill_ignores_an_unknown_condition():
    assert "condition" not in unbound("?condition=nothing-here").initial


def test_source_article_is_resolved_on_submit(form_data):
    article = ArticleFactory(slug="desk-neck")
    form = bound(form_data(article="desk-neck"))
    assert form.is_valid()
    assert form.submission()["source_article"] == article


def test_the_fresh_form_carries_nothing_of_one_reader():
    html = render_crispy_form(unbound())
    for name in ("csrfmiddlewaretoken", "started", "submission_token"):
        assert f'name="{name}"' not in html
    assert render_crispy_form(unbound()) == html


def test_a_form_sent_back_carries_a_fresh_time_stamp_of_its_own(form_data):
    form = bound(form_data(email="nope"))
    form.is_valid()
    form.refresh_timestamp()
    assert 'name="started"' in render_crispy_form(form)
    assert 'name="csrfmiddlewaretoken"' not in render_crispy_form(form)


def test_the_same_form_twice_from_one_page_view_has_one_submission_token(form_data):
    cookie = page_shown_ago(60)
    first, second = sent(form_data(), cookie), sent(form_data(), cookie)
    assert submission_token(first.POST, first) == submission_token(second.POST, second)
    assert len(submission_token(first.POST, first)) == 64  # the model's column


def test_another_inquiry_or_another_page_view_has_another_submission_token(form_data):
    cookie = page_shown_ago(60)
    one = sent(form_data(), cookie)
    other_text = sent(form_data(symptoms="A stiff knee"), cookie)
    other_view = sent(form_data(), page_shown_ago(60))
    tokens = {submission_token(request.POST, request) for request in (one, other_text, other_view)}
    assert len(tokens) == 3


def test_a_form_from_no_page_view_has_no_submission_token(form_data):
    request = sent(form_data(), cookie="")
    assert submission_token(request.POST, request) == ""


def test_phone_is_needed_when_asking_for_a_call(form_data):
    form = bound(form_data(preferred_contact="phone", phone=""))
    assert not form.is_valid()
    assert "phone" in form.errors


def test_phone_call_with_a_number_is_fine(form_data):
    assert bound(form_data(preferred_contact="phone", phone="(757) 555-0100")).is_valid()


@pytest.mark.parametrize("phone", ["call me maybe!!!", "555-12", "ext 42"])
def test_a_phone_without_a_number_in_it_is_refused_with_a_message(form_data, phone):
    form = bound(form_data(preferred_contact="phone", phone=phone))
    assert not form.is_valid()
    assert form.errors["phone"] == ["Please give a phone number we can call, with its area code."]


@pytest.mark.parametrize("phone", ["+34 600 000 000 after 5pm", "757.555.0100", "(757) 555-0100 ext. 4"])
def test_a_phone_written_as_people_write_them_is_fine(form_data, phone):
    assert bound(form_data(preferred_contact="phone", phone=phone)).is_valid()


def test_a_note_in_the_phone_box_is_fine_when_email_was_chosen(form_data):
    """'N/A' there must not stop a health inquiry sent to be answered by email."""
    assert bound(form_data(preferred_contact="email", phone="N/A")).is_valid()
