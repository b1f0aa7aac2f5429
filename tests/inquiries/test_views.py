import logging
import re
import sys
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from blog.models import Article
from clinic_site import antispam
from inquiries.models import Inquiry, InquiryAccessLog, InquiryMessage
from inquiries.services import send_reply
from inquiries.views import InquiryCreateView, ThreadView
from tests.factories import ArticleFactory, ConditionFactory, InquiryFactory, LocationFactory
from tests.inquiries.conftest import open_form, page_shown_ago, started_ago
from tests.landing import assert_form_comes_back_to_its_message, assert_said_where_reader_lands

pytestmark = pytest.mark.django_db

NEW = reverse("inquiries:new")
THANKS = reverse("inquiries:thanks")


def test_form_page_renders(client):
    response = client.get(NEW)
    assert response.status_code == 200
    assert 'name="symptoms"' in response.content.decode()


def test_form_page_warns_what_not_to_include_and_links_privacy(client):
    html = client.get(NEW).content.decode()
    assert "medical records" in html
    assert f'href="{reverse("privacy")}"' in html


def test_form_page_has_no_inline_style_or_script(client):
    html = client.get(NEW).content.decode()
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_article_link_prefills_the_form(client):
    condition = ConditionFactory(slug="tmj", name="Jaw pain")
    ArticleFactory(slug="jaw", conditions=[condition])
    html = client.get(NEW, {"article": "jaw"}).content.decode()
    assert '<option value="tmj" selected>' in html
    assert 'name="article" value="jaw"' in html


def test_condition_link_prefills_the_form(client):
    ConditionFactory(slug="sciatica")
    html = client.get(NEW, {"condition": "sciatica"}).content.decode()
    assert '<option value="sciatica" selected>' in html


def test_success_redirects_with_303_to_a_url_with_nothing_personal(patient, form_data):
    response = patient.post(NEW, form_data())
    assert response.status_code == 303
    assert response["Location"] == THANKS
    assert Inquiry.objects.count() == 1


def test_thanks_page_shows_the_reference_and_no_health_details(patient, form_data):
    data = form_data()
    patient.post(NEW, data)
    inquiry = Inquiry.objects.get()
    html = patient.get(THANKS).content.decode()
    assert inquiry.reference in html
    assert "What happens next" in html
    for field in ["name", "symptoms", "duration", "treatments_tried"]:
        assert data[field] not in html


def test_thanks_page_without_a_submission_still_renders(client):
    response = client.get(THANKS)
    assert response.status_code == 200


def test_article_is_remembered_on_the_inquiry(patient, form_data):
    article = ArticleFactory(slug="jaw")
    patient.post(NEW, form_data(article="jaw"))
    assert Inquiry.objects.get().source_article == article


def test_invalid_form_is_a_400_with_an_accessible_error_summary(patient, form_data):
    response = patient.post(NEW, form_data(email="nope", symptoms=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Ask the clinic" in html  # what a screen reader says first
    assert 'role="alert"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_symptoms"' in html
    assert Inquiry.objects.count() == 0


def test_a_call_without_a_number_is_asked_for_under_a_label_that_does_not_say_optional(patient, form_data):
    html = patient.post(NEW, form_data(preferred_contact="phone", phone="")).content.decode()
    assert "You asked us to call you: please give a phone number." in html
    assert "Phone number (if you would like a call)" in html
    assert "Phone number (optional)" not in html


def test_field_errors_are_tied_to_their_inputs(patient, form_data):
    html = patient.post(NEW, form_data(email="nope")).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert '<div id="id_email_error" class="invalid-feedback">' in html


def test_a_whole_form_error_is_shown_once_in_the_error_summary(client, form_data):
    # No page-shown cookie: the form asks to be sent again, an error of the whole form.
    response = client.post(NEW, form_data())
    html = response.content.decode()
    summary = html[html.index('id="form-problem"') : html.index("</div>", html.index('id="form-problem"'))]
    assert "please send it again" in summary
    assert html.count("please send it again") == 1


def test_invalid_form_keeps_what_was_typed(patient, form_data):
    html = patient.post(NEW, form_data(email="nope")).content.decode()
    assert "Sharp pain under the left shoulder blade" in html


def test_line_break_in_name_is_a_clear_400(patient, form_data):
    response = patient.post(NEW, form_data(name="Pat\r\nBcc: x@example.com"))
    assert response.status_code == 400
    assert "line breaks" in response.content.decode()


@pytest.mark.parametrize("form", [NEW, reverse("inquiries:new_link")])
def test_the_honeypot_is_hidden_from_screen_readers_too(client, form):
    html = client.get(form).content.decode()
    trap = re.search(r'<div\s+class="inquiry-trap"\s+aria-hidden="true">.*?</div>', html, re.S)
    assert trap and 'name="website"' in html[trap.start() : trap.end() + 400]


def test_honeypot_is_a_400_and_stores_nothing(patient, form_data):
    response = patient.post(NEW, form_data(website="buy now"))
    assert response.status_code == 400
    assert "leave the last field empty" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_time_trap_is_a_400_and_stores_nothing(client, form_data):
    response = open_form(client, seconds_ago=0).post(NEW, form_data())
    assert response.status_code == 400
    assert "quicker than a person" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_double_submit_stores_one_inquiry_and_thanks_twice(patient, form_data):
    first = patient.post(NEW, form_data())
    second = patient.post(NEW, form_data())
    assert first.status_code == second.status_code == 303
    assert Inquiry.objects.count() == 1
    assert Inquiry.objects.get().reference in patient.get(THANKS).content.decode()


def test_rate_limit_is_a_429_that_keeps_the_form_data(patient, form_data, settings):
    settings.INQUIRIES_RATE_LIMIT = "2/h"
    for i in range(2):
        assert patient.post(NEW, form_data(name=f"Pat {i}")).status_code == 303
    response = patient.post(NEW, form_data(name="Pat 3"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many inquiries" in html
    assert "Sharp pain under the left shoulder blade" in html
    assert Inquiry.objects.count() == 2


def test_rate_limit_is_per_client(patient, form_data, settings):
    settings.INQUIRIES_RATE_LIMIT = "1/h"
    assert patient.post(NEW, form_data(name="Pat A"), REMOTE_ADDR="10.0.0.1").status_code == 303
    assert patient.post(NEW, form_data(name="Pat B"), REMOTE_ADDR="10.0.0.2").status_code == 303
    assert patient.post(NEW, form_data(name="Pat C"), REMOTE_ADDR="10.0.0.1").status_code == 429


@pytest.mark.parametrize("field", [*Inquiry.PATIENT_FIELDS, "article"])
def test_every_patient_field_is_masked_in_error_reports(rf, form_data, field):
    rf.cookies[antispam.PAGE_SHOWN_COOKIE] = page_shown_ago(60)
    request = rf.post(NEW, form_data())
    request.session = {}
    InquiryCreateView.as_view()(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed[field] == SafeExceptionReporterFilter.cleansed_substitute


def test_nothing_the_patient_typed_is_logged(patient, form_data, caplog):
    data = form_data()
    with caplog.at_level(logging.DEBUG):
        patient.post(NEW, data)
        patient.post(NEW, form_data(email="broken"))
    for field in ["name", "symptoms", "duration", "treatments_tried"]:
        assert data[field] not in caplog.text


def test_an_error_report_from_a_failed_submission_carries_no_health_detail(rf, form_data, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr("inquiries.services.queue_emails", fail)
    data = form_data()
    rf.cookies[antispam.PAGE_SHOWN_COOKIE] = page_shown_ago(60)
    request = rf.post(NEW, data)
    with pytest.raises(RuntimeError):
        try:
            InquiryCreateView.as_view()(request)
        except RuntimeError:
            error_type, error, traceback = sys.exc_info()
            # From the view down: this test's own frame holds the data it posted.
            report = ExceptionReporter(request, error_type, error, traceback.tb_next).get_traceback_html()
            raise
    for field in ("name", "symptoms", "duration", "treatments_tried"):
        assert data[field] not in report


def test_behind_the_proxy_the_rate_limit_counts_each_client_apart(patient, form_data, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.INQUIRIES_RATE_LIMIT = "1/h"
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    first = patient.post(NEW, form_data(name="Pat A"), HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    second = patient.post(NEW, form_data(name="Pat B"), HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    assert (first.status_code, second.status_code) == (303, 303)


def test_a_put_to_the_form_is_405(client):
    assert client.put(NEW).status_code == 405


@pytest.mark.parametrize("field", ["symptoms", "treatments_tried"])
def test_two_and_a_half_megabytes_of_symptoms_are_refused_with_a_message(patient, form_data, field):
    """Before: 2.5 MB in one box was stored and shown to staff."""
    response = patient.post(NEW, form_data(**{field: "x" * 2_400_000}))
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_five_thousand_characters_are_accepted_and_the_box_says_its_limit(patient, form_data):
    assert 'maxlength="5000"' in Client().get(NEW).content.decode()
    assert patient.post(NEW, form_data(symptoms="x" * 5000)).status_code == 303


def test_the_database_refuses_overlong_symptoms_whatever_wrote_them(db):
    from django.db import IntegrityError, transaction

    from tests.factories import InquiryFactory

    inquiry = InquiryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Inquiry.objects.filter(pk=inquiry.pk).update(symptoms="x" * 5001)


def test_a_patient_who_mistypes_is_not_told_to_wait_an_hour(patient, form_data, settings):
    """Before: every post counted, so two forms sent back with errors used up a 2/h allowance."""
    settings.INQUIRIES_RATE_LIMIT = "2/h"
    for _attempt in range(3):
        mistyped = form_data(email="not-an-address")
        assert patient.post(NEW, mistyped).status_code == 400
    assert patient.post(NEW, form_data()).status_code == 303


def test_failed_submissions_have_a_limit_of_their_own(patient, form_data, settings):
    settings.INQUIRIES_FAILED_RATE_LIMIT = "3/h"
    for _attempt in range(3):
        assert patient.post(NEW, form_data(email="broken")).status_code == 400
    response = patient.post(NEW, form_data())
    assert response.status_code == 429
    assert not Inquiry.objects.exists()


def test_an_inquiry_whose_acknowledgement_is_withheld_is_still_stored_and_thanked(
    patient, form_data, settings
):
    from post_office.models import Email

    settings.INQUIRIES_ACKS_PER_ADDRESS_PER_DAY = 1
    patient.post(NEW, form_data(name="Pat A"))
    response = patient.post(NEW, form_data(name="Pat B"))
    assert response.status_code == 303
    assert Inquiry.objects.count() == 2
    assert Inquiry.objects.get(name="Pat B").reference in patient.get(THANKS).content.decode()
    assert Email.objects.filter(to=["pat@example.com"]).count() == 1


@pytest.mark.usefixtures("cache_down")
def test_with_the_cache_down_every_inquiry_is_stored_and_thanked_but_no_acknowledgement_is_mailed(
    patient, form_data, settings
):
    """The rate limit cannot count (a patient must still reach the clinic), and the per-address
    allowance cannot either, so no patient address is mailed while nothing counts."""
    from post_office.models import Email

    settings.INQUIRIES_RATE_LIMIT = "2/h"
    references = []
    for i in range(4):
        response = patient.post(NEW, form_data(name=f"Pat {i}"))
        assert response.status_code == 303
        references.append(patient.get(THANKS).content.decode())
    assert Inquiry.objects.count() == 4
    assert all(
        inquiry.reference in page
        for inquiry, page in zip(Inquiry.objects.order_by("pk"), references, strict=True)
    )
    assert not Email.objects.filter(to=["pat@example.com"]).exists()


# The form page is shared like the other public pages: nothing of one reader in it (issue 16).


@pytest.fixture
def shared_pages(settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60


def queries_for(url):
    """A new reader's GET of ``url``: the response and the number of queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return response, len(queries)


@pytest.mark.usefixtures("shared_pages")
def test_a_second_reader_of_the_form_costs_no_query_and_gets_the_same_page():
    LocationFactory()
    ConditionFactory()
    first, first_queries = queries_for(NEW)
    second, second_queries = queries_for(NEW)
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content


@pytest.mark.usefixtures("shared_pages")
def test_the_shared_form_holds_no_token_but_each_reader_gets_a_page_shown_cookie():
    first, _ = queries_for(NEW)
    second, _ = queries_for(NEW)
    for response in (first, second):
        html = response.content.decode()
        for name in ("csrfmiddlewaretoken", "started", "submission_token"):
            assert f'name="{name}"' not in html
        assert "no-store" in response["Cache-Control"]
    assert first.cookies[antispam.PAGE_SHOWN_COOKIE].value != second.cookies[antispam.PAGE_SHOWN_COOKIE].value


@pytest.mark.usefixtures("shared_pages")
def test_the_spanish_form_is_cached_apart_from_the_english_one():
    with translation.override("es"):
        spanish_form = reverse("inquiries:new")
    english, _ = queries_for(NEW)
    spanish, _ = queries_for(spanish_form)
    spanish_again, queries = queries_for(spanish_form)
    assert queries == 0
    assert '<html lang="es">' in spanish_again.content.decode()
    assert spanish_again.content == spanish.content != english.content
    assert '<html lang="en">' in queries_for(NEW)[0].content.decode()


@pytest.mark.usefixtures("shared_pages")
def test_a_link_that_prefills_the_form_still_gets_a_form_of_its_own():
    ConditionFactory(slug="tmj")
    queries_for(NEW)
    queries_for(f"{NEW}?condition=tmj")
    prefilled, queries = queries_for(f"{NEW}?condition=tmj")
    assert queries > 0
    assert '<option value="tmj" selected>' in prefilled.content.decode()
    assert '<option value="tmj">' in queries_for(NEW)[0].content.decode()


def test_the_form_is_sent_from_its_own_page_without_a_csrf_token(settings, form_data):
    settings.INQUIRIES_MIN_SECONDS = 0
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(NEW).status_code == 200
    response = browser.post(NEW, form_data(), headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert Inquiry.objects.count() == 1


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://elsewhere.example"}]
)
def test_a_form_sent_from_another_site_is_refused_and_stores_nothing(patient, form_data, headers):
    response = patient.post(NEW, form_data(), headers=headers)
    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def hidden_started(html: str) -> str:
    return re.search(r'name="started" value="([^"]+)"', html)[1]


def test_without_the_page_shown_cookie_the_patient_is_told_and_can_send_again(client, form_data, settings):
    """A browser that keeps no cookies: the form comes back with what was typed and a time stamp
    of its own, so sending it again works."""
    response = client.post(NEW, form_data())
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your text is kept below: please send it again." in html
    assert "Sharp pain under the left shoulder blade" in html
    assert not Inquiry.objects.exists()
    settings.INQUIRIES_MIN_SECONDS = 0  # a person reads the message first
    again = client.post(NEW, form_data(started=hidden_started(html)))
    assert again.status_code == 303
    assert Inquiry.objects.count() == 1


def test_a_form_sent_too_fast_keeps_what_was_typed_and_can_be_sent_a_moment_later(client, form_data):
    response = open_form(client, seconds_ago=0).post(NEW, form_data())
    html = response.content.decode()
    assert response.status_code == 400
    assert "quicker than a person" in html
    assert "Sharp pain under the left shoulder blade" in html
    assert "ibuprofen and a heat pack" in html
    assert hidden_started(html)
    # The same form sent again half a minute later: its own stamp is that old by then.
    assert client.post(NEW, form_data(started=started_ago(30))).status_code == 303


def test_a_box_put_right_may_be_sent_again_at_once(patient, form_data, settings):
    """The patient spent their time on the form; ticking the forgotten consent box and sending
    again a second later is not "too fast"."""
    assert settings.INQUIRIES_MIN_SECONDS > 1
    html = patient.post(NEW, form_data(consent="")).content.decode()
    assert "quicker than a person" not in html
    again = patient.post(NEW, form_data(started=hidden_started(html)))
    assert again.status_code == 303
    assert Inquiry.objects.count() == 1


def test_a_form_sent_back_too_fast_is_refused_by_its_own_stamp(patient, form_data):
    response = patient.post(NEW, form_data(started=started_ago(0)))
    assert response.status_code == 400
    assert "quicker than a person" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_two_different_inquiries_from_one_page_view_are_both_stored(patient, form_data):
    assert patient.post(NEW, form_data()).status_code == 303
    assert patient.post(NEW, form_data(symptoms="A stiff knee since Sunday")).status_code == 303
    assert Inquiry.objects.count() == 2


def test_a_form_sent_back_and_then_sent_twice_stores_one_inquiry(client, form_data, settings):
    html = client.post(NEW, form_data()).content.decode()  # no cookie: sent back with a stamp
    settings.INQUIRIES_MIN_SECONDS = 0
    again = form_data(started=hidden_started(html))
    assert client.post(NEW, again).status_code == client.post(NEW, again).status_code == 303
    assert Inquiry.objects.count() == 1


# The patient's side of secure replies: /inquiries/thread/


THREAD = reverse("inquiries:thread")
NEW_LINK = reverse("inquiries:new_link")


@pytest.fixture
def replied(handler):
    """An inquiry the clinic has answered once, and the link from the patient's email."""
    inquiry = InquiryFactory(symptoms="Pins and needles in two fingers", assignee=handler)
    send_reply(inquiry=inquiry, author=handler, body="Could you come in on Thursday morning?")
    link = inquiry.emails.get().message.split("https://clinic.example", 1)[1].split()[0]
    return inquiry, link


def open_thread(client, link):
    token = link.split("token=", 1)[1]
    return client.post(THREAD, {"token": token})


def test_the_link_shows_one_button_and_opens_nothing(client, replied):
    _inquiry, link = replied
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Open my messages" in html
    assert "Pins and needles" not in html
    assert "Thursday morning" not in html
    assert not InquiryAccessLog.objects.exists()


def test_the_button_opens_the_thread_and_drops_the_token_from_the_address(client, replied):
    _inquiry, link = replied
    response = open_thread(client, link)
    assert response.status_code == 303
    assert response["Location"] == THREAD
    html = client.get(THREAD).content.decode()
    assert "Pins and needles in two fingers" in html
    assert "Could you come in on Thursday morning?" in html
    assert 'name="body"' in html
    # The reference is kept whole on a phone (it broke after its first hyphen).
    assert f'<h1>Your inquiry <span class="inquiry-reference">{_inquiry.reference}</span></h1>' in html


def as_a_browser_sends_cookies(client, url):
    """A client holding only the cookies a browser sends to ``url``: those whose path it is under
    (Django's test client sends every cookie it holds)."""
    browser = Client()
    for name, morsel in client.cookies.items():
        if url.startswith(morsel["path"] or "/") and morsel.value:
            browser.cookies[name] = morsel.value
    return browser


@pytest.mark.parametrize(("opened_in", "switched_to"), [("es", "en"), ("en", "es")])
def test_the_open_thread_follows_the_patient_to_the_other_language(client, replied, opened_in, switched_to):
    _inquiry, link = replied
    token = link.split("token=", 1)[1]
    with translation.override(opened_in):
        client.post(reverse("inquiries:thread"), {"token": token})
    with translation.override(switched_to):
        url = reverse("inquiries:thread")
    html = as_a_browser_sends_cookies(client, url).get(url).content.decode()
    assert "Could you come in on Thursday morning?" in html
    assert 'name="body"' in html


def test_each_patient_opening_and_view_is_in_the_access_log_as_the_patient(client, replied):
    inquiry, link = replied
    open_thread(client, link)
    client.get(THREAD)
    entries = list(
        InquiryAccessLog.objects.order_by("id").values_list("actor", "user", "action", "reference")
    )
    assert entries == [
        ("patient", None, "opened", inquiry.reference),
        ("patient", None, "viewed", inquiry.reference),
    ]


def test_the_patients_answer_is_stored_and_the_assignee_told(client, replied):
    inquiry, link = replied
    open_thread(client, link)
    response = client.post(THREAD, {"body": "Thursday at nine works for me."})
    assert response.status_code == 303
    answer = inquiry.messages.get(sender=InquiryMessage.Sender.PATIENT)
    assert answer.body == "Thursday at nine works for me."
    told = inquiry.emails.get(to=["handler@clinic.example"])
    assert "Thursday at nine" not in told.message
    assert_said_where_reader_lands(client, response, "Your answer is sent")
    assert InquiryAccessLog.objects.filter(action="answered", actor="patient").count() == 1


def test_an_answer_typed_while_the_clinic_replies_still_goes_through(client, replied, handler):
    inquiry, link = replied
    open_thread(client, link)
    send_reply(inquiry=inquiry, author=handler, body="One more thing")  # a newer link goes out
    response = client.post(THREAD, {"body": "Thursday at nine works for me."})
    assert response.status_code == 303
    assert inquiry.messages.filter(sender="patient", body="Thursday at nine works for me.").exists()


def test_too_many_answers_from_one_client_get_a_429_that_keeps_the_text(client, replied, settings):
    settings.INQUIRIES_ANSWER_RATE_LIMIT = "2/h"
    inquiry, link = replied
    open_thread(client, link)
    for n in range(2):
        assert client.post(THREAD, {"body": f"Answer {n}"}).status_code == 303
    response = client.post(THREAD, {"body": "My third answer, typed with care"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many answers" in html
    assert "My third answer, typed with care" in html
    assert inquiry.messages.filter(sender="patient").count() == 2


def test_answers_are_limited_per_conversation_whatever_the_client(client, replied, settings):
    settings.INQUIRIES_ANSWER_RATE_LIMIT = "2/h"
    inquiry, link = replied
    open_thread(client, link)
    statuses = [
        client.post(THREAD, {"body": f"Answer {n}"}, REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [303, 303, 429]
    assert inquiry.messages.filter(sender="patient").count() == 2


def test_an_empty_answer_is_sent_back_with_a_message(client, replied):
    inquiry, link = replied
    open_thread(client, link)
    response = client.post(THREAD, {"body": "   "})
    assert response.status_code == 400
    assert "Please write your answer" in response.content.decode()
    assert not inquiry.messages.filter(sender="patient").exists()


def test_an_answer_sent_back_lands_the_patient_on_the_box_and_its_message(client, replied):
    """Below a long conversation, a message at the top of the page would be out of view (a phone
    showed the page from its top, and the answer seemed sent)."""
    _inquiry, link = replied
    open_thread(client, link)
    page = client.get(THREAD).content.decode()
    assert_form_comes_back_to_its_message(
        page, client.post(THREAD, {"body": " "}), "Please check your answer"
    )


def test_an_overlong_answer_is_refused_not_a_500(client, replied):
    _inquiry, link = replied
    open_thread(client, link)
    assert client.post(THREAD, {"body": "x" * 5001}).status_code == 400


def test_without_the_button_nothing_opens_and_nothing_can_be_answered(client, replied):
    inquiry, _link = replied
    assert client.get(THREAD).status_code == 403
    assert client.post(THREAD, {"body": "Hello"}).status_code == 403
    assert not inquiry.messages.filter(sender="patient").exists()


def test_an_answer_sent_after_the_thread_closed_is_given_back_to_copy_not_kept(client, replied):
    """Before: a patient who wrote for over half an hour lost their answer (WCAG 2.2.1)."""
    inquiry, link = replied
    open_thread(client, link)
    for name in list(client.cookies):
        del client.cookies[name]  # half an hour later: the browser has dropped the thread's cookie
    response = client.post(THREAD, {"body": "The tingling <is> worse at night & in the morning"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your answer was not sent" in html
    assert (
        'readonly aria-describedby="unsent-help">The tingling &lt;is&gt; worse at night &amp; in the' in html
    )
    assert "no-store" in response["Cache-Control"]
    assert not inquiry.messages.filter(body__contains="tingling").exists()
    too_long = "x" * 5050  # given back whole: the answer box will say it is too long
    assert too_long in client.post(THREAD, {"body": too_long}).content.decode()


def test_a_staff_session_opens_no_thread(client, replied, superuser):
    client.force_login(superuser)
    response = client.get(THREAD)
    assert response.status_code == 403
    assert "Pins and needles" not in response.content.decode()


def test_the_thread_of_one_inquiry_shows_nothing_of_another(client, replied, handler):
    _inquiry, link = replied
    other = InquiryFactory(symptoms="A clicking jaw")
    send_reply(inquiry=other, author=handler, body="About the jaw")
    open_thread(client, link)
    html = client.get(THREAD).content.decode()
    assert "A clicking jaw" not in html
    assert "About the jaw" not in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_up_link_offers_a_new_one(client, replied, handler, method):
    inquiry, link = replied
    send_reply(inquiry=inquiry, author=handler, body="A second reply")
    response = client.get(link) if method == "get" else open_thread(client, link)
    html = response.content.decode()
    assert response.status_code == 400
    assert "replaced by a newer one" in html
    assert f'action="{NEW_LINK}"' in html


def test_an_expired_link_says_so(client, replied, settings, monkeypatch):
    _inquiry, link = replied
    settings.INQUIRIES_LINK_DAYS = 0
    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + 5)
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()


def test_a_broken_link_is_a_400_with_a_way_on(client):
    response = client.get(THREAD + "?token=nonsense")
    assert response.status_code == 400
    assert "Send me a new link" in response.content.decode()


@pytest.mark.parametrize("url", ["link", THREAD, NEW_LINK, reverse("inquiries:new_link_sent")])
def test_thread_pages_are_private_no_store_noindex_no_referrer_elsewhere(client, replied, url):
    _inquiry, link = replied
    response = client.get(link if url == "link" else url)
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_opened_thread_page_is_private_too(client, replied):
    _inquiry, link = replied
    for response in (open_thread(client, link), client.get(THREAD)):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"


def test_the_thread_page_has_no_inline_script_or_style(client, replied):
    _inquiry, link = replied
    open_thread(client, link)
    html = client.get(THREAD).content.decode()
    assert "<script" not in html
    assert "style=" not in html


def test_the_token_and_answer_are_masked_in_error_reports(rf, replied):
    _inquiry, link = replied
    token = link.split("token=", 1)[1]
    request = rf.post(THREAD, {"token": token, "body": "secret answer"})
    ThreadView.as_view()(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["token"] == cleansed["body"] == SafeExceptionReporterFilter.cleansed_substitute


def test_the_same_answer_whether_or_not_the_address_and_reference_match(client, desk):
    inquiry = InquiryFactory(email="pat@example.com")
    matching = client.post(NEW_LINK, {"email": "pat@example.com", "reference": inquiry.reference})
    wrong = client.post(NEW_LINK, {"email": "pat@example.com", "reference": "INQ-2222-2222"})
    assert matching.status_code == wrong.status_code == 303
    assert matching["Location"] == wrong["Location"] == reverse("inquiries:new_link_sent")
    assert inquiry.emails.count() == 1


def test_a_reference_typed_loosely_still_brings_a_new_link(client, desk):
    inquiry = InquiryFactory(email="pat@example.com")
    loosely = inquiry.reference.removeprefix("INQ-").replace("-", " ").lower()  # "8pkd jkmr"
    assert client.post(NEW_LINK, {"email": "pat@example.com", "reference": loosely}).status_code == 303
    assert inquiry.emails.count() == 1


def test_asking_for_new_links_is_rate_limited_per_client(client, settings):
    settings.INQUIRIES_LINK_RATE_LIMIT = "2/h"
    data = {"email": "pat@example.com", "reference": "INQ-2222-2222"}
    assert [client.post(NEW_LINK, data).status_code for _ in range(3)] == [303, 303, 429]


def test_a_malformed_new_link_request_is_a_400(client):
    response = client.post(NEW_LINK, {"email": "not an address", "reference": "hello"})
    assert response.status_code == 400
    assert "A reference looks like INQ-7KQ2-M9XD." in response.content.decode()


def test_the_honeypot_sends_nothing(client):
    inquiry = InquiryFactory()
    data = {"email": inquiry.email, "reference": inquiry.reference, "website": "http://spam.example"}
    assert client.post(NEW_LINK, data).status_code == 303
    assert not inquiry.emails.exists()


# The article-to-inquiry handoff and the appointment questions


def test_the_article_link_pre_selects_its_primary_condition_not_its_first(client):
    back = ConditionFactory(slug="back-pain", name="Back pain", order=1)
    sciatica = ConditionFactory(slug="sciatica", name="Sciatica", order=2)
    article = ArticleFactory(slug="sciatica-steps", conditions=[back, sciatica])
    Article.objects.filter(pk=article.pk).update(primary_condition=sciatica)
    html = client.get(NEW, {"article": "sciatica-steps"}).content.decode()
    assert '<option value="sciatica" selected>' in html


def test_the_form_names_the_article_and_offers_to_remove_it(client):
    sciatica = ConditionFactory(slug="sciatica")
    ArticleFactory(slug="sciatica-steps", title="Sciatica: first steps", conditions=[sciatica])
    html = client.get(NEW, {"article": "sciatica-steps"}).content.decode()
    assert "About the article: <cite>Sciatica: first steps</cite>" in html
    assert f'<a href="{NEW}?condition=sciatica">Remove the article</a>' in html


def test_without_an_article_the_form_names_none(client):
    assert "About the article" not in client.get(NEW).content.decode()


def test_the_inquiry_stores_the_article_it_came_from(patient, form_data):
    article = ArticleFactory(slug="jaw")
    patient.post(NEW, form_data(article="jaw"))
    assert Inquiry.objects.get().source_article == article


def test_the_appointment_answers_are_stored(patient, form_data):
    harbor = LocationFactory(slug="harbor")
    patient.post(
        NEW,
        form_data(location="harbor", preferred_days=["thu", "mon"], preferred_times=["evening", "morning"]),
    )
    inquiry = Inquiry.objects.get()
    assert inquiry.wants_appointment
    assert inquiry.location == harbor
    assert (inquiry.preferred_days, inquiry.preferred_times) == ("mon,thu", "morning,evening")
    assert (inquiry.patient_history, inquiry.payment, inquiry.insurance, inquiry.referral) == (
        "new",
        "insurance",
        "Harborside Mutual",
        "not_sure",
    )


def test_the_appointment_questions_are_all_optional(patient, form_data):
    data = form_data()
    for name in (
        "wants_appointment",
        "preferred_days",
        "preferred_times",
        "patient_history",
        "payment",
        "insurance",
        "referral",
    ):
        data.pop(name)
    assert patient.post(NEW, data).status_code == 303
    inquiry = Inquiry.objects.get()
    assert not inquiry.asks_about_appointment


def test_an_unknown_day_is_refused_with_a_message(patient, form_data):
    response = patient.post(NEW, form_data(preferred_days=["sun"]))
    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_the_form_says_most_states_need_no_referral(client):
    assert "without a referral" in client.get(NEW).content.decode()


def test_no_email_carries_the_appointment_answers(patient, form_data, desk):
    patient.post(NEW, form_data())
    for email in Inquiry.objects.get().emails.all():
        assert "Harborside" not in email.message
        assert "Monday" not in email.message


def test_the_comment_forms_health_note_links_to_the_inquiry_form_with_the_article(client):
    article = ArticleFactory(slug="neck-at-the-desk")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{NEW}?article=neck-at-the-desk">Ask the clinic privately instead' in html


def test_the_thread_names_the_practices_emergency_number(client, replied):
    from clinic_site.models import Practice

    practice = Practice.objects.get()
    practice.emergency_number = "112"
    practice.save()
    _inquiry, link = replied
    open_thread(client, link)
    assert "In an emergency, call 112." in client.get(THREAD).content.decode()
