import logging
import sys

import pytest
from django.urls import reverse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from inquiries.models import Inquiry
from inquiries.views import InquiryCreateView
from tests.factories import ArticleFactory, ConditionFactory
from tests.inquiries.conftest import started_ago

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


def test_success_redirects_with_303_to_a_url_with_nothing_personal(client, form_data):
    response = client.post(NEW, form_data())
    assert response.status_code == 303
    assert response["Location"] == THANKS
    assert Inquiry.objects.count() == 1


def test_thanks_page_shows_the_reference_and_no_health_details(client, form_data):
    data = form_data()
    client.post(NEW, data)
    inquiry = Inquiry.objects.get()
    html = client.get(THANKS).content.decode()
    assert inquiry.reference in html
    assert "What happens next" in html
    for field in ["name", "symptoms", "duration", "treatments_tried"]:
        assert data[field] not in html


def test_thanks_page_without_a_submission_still_renders(client):
    response = client.get(THANKS)
    assert response.status_code == 200


def test_article_is_remembered_on_the_inquiry(client, form_data):
    article = ArticleFactory(slug="jaw")
    client.post(NEW, form_data(article="jaw"))
    assert Inquiry.objects.get().source_article == article


def test_invalid_form_is_a_400_with_an_accessible_error_summary(client, form_data):
    response = client.post(NEW, form_data(email="nope", symptoms=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_symptoms"' in html
    assert Inquiry.objects.count() == 0


def test_field_errors_are_tied_to_their_inputs(client, form_data):
    html = client.post(NEW, form_data(email="nope")).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert '<div id="id_email_error" class="invalid-feedback">' in html


def test_invalid_form_keeps_what_was_typed(client, form_data):
    html = client.post(NEW, form_data(email="nope")).content.decode()
    assert "Sharp pain under the left shoulder blade" in html


def test_line_break_in_name_is_a_clear_400(client, form_data):
    response = client.post(NEW, form_data(name="Pat\r\nBcc: x@example.com"))
    assert response.status_code == 400
    assert "line breaks" in response.content.decode()


def test_honeypot_is_a_400_and_stores_nothing(client, form_data):
    response = client.post(NEW, form_data(website="buy now"))
    assert response.status_code == 400
    assert "leave the last field empty" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_time_trap_is_a_400_and_stores_nothing(client, form_data):
    response = client.post(NEW, form_data(started=started_ago(0)))
    assert response.status_code == 400
    assert "quicker than a person" in response.content.decode()
    assert Inquiry.objects.count() == 0


def test_double_submit_stores_one_inquiry_and_thanks_twice(client, form_data):
    first = client.post(NEW, form_data())
    second = client.post(NEW, form_data())
    assert first.status_code == second.status_code == 303
    assert Inquiry.objects.count() == 1
    assert Inquiry.objects.get().reference in client.get(THANKS).content.decode()


def test_rate_limit_is_a_429_that_keeps_the_form_data(client, form_data, settings):
    settings.INQUIRIES_RATE_LIMIT = "2/h"
    for i in range(2):
        assert client.post(NEW, form_data(submission_token=f"t{i}")).status_code == 303
    response = client.post(NEW, form_data(submission_token="t3"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many inquiries" in html
    assert "Sharp pain under the left shoulder blade" in html
    assert Inquiry.objects.count() == 2


def test_rate_limit_is_per_client(client, form_data, settings):
    settings.INQUIRIES_RATE_LIMIT = "1/h"
    assert client.post(NEW, form_data(submission_token="a"), REMOTE_ADDR="10.0.0.1").status_code == 303
    assert client.post(NEW, form_data(submission_token="b"), REMOTE_ADDR="10.0.0.2").status_code == 303
    assert client.post(NEW, form_data(submission_token="c"), REMOTE_ADDR="10.0.0.1").status_code == 429


@pytest.mark.parametrize("field", [*Inquiry.PATIENT_FIELDS, "article"])
def test_every_patient_field_is_masked_in_error_reports(rf, form_data, field):
    request = rf.post(NEW, form_data())
    request.session = {}
    InquiryCreateView.as_view()(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed[field] == SafeExceptionReporterFilter.cleansed_substitute


def test_nothing_the_patient_typed_is_logged(client, form_data, caplog):
    data = form_data()
    with caplog.at_level(logging.DEBUG):
        client.post(NEW, data)
        client.post(NEW, form_data(submission_token="x", email="broken"))
    for field in ["name", "symptoms", "duration", "treatments_tried"]:
        assert data[field] not in caplog.text


def test_an_error_report_from_a_failed_submission_carries_no_health_detail(rf, form_data, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr("inquiries.services.queue_emails", fail)
    data = form_data()
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


def test_behind_the_proxy_the_rate_limit_counts_each_client_apart(client, form_data, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.INQUIRIES_RATE_LIMIT = "1/h"
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    first = client.post(NEW, form_data(submission_token="a"), HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    second = client.post(NEW, form_data(submission_token="b"), HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    assert (first.status_code, second.status_code) == (303, 303)


def test_a_put_to_the_form_is_405(client):
    assert client.put(NEW).status_code == 405


@pytest.mark.parametrize("field", ["symptoms", "treatments_tried"])
def test_two_and_a_half_megabytes_of_symptoms_are_refused_with_a_message(client, form_data, field):
    """Before: 2.5 MB in one box was stored and shown to staff."""
    response = client.post(NEW, form_data(**{field: "x" * 2_400_000}))
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_five_thousand_characters_are_accepted_and_the_box_says_its_limit(client, form_data):
    assert 'maxlength="5000"' in client.get(NEW).content.decode()
    assert client.post(NEW, form_data(symptoms="x" * 5000)).status_code == 303


def test_the_database_refuses_overlong_symptoms_whatever_wrote_them(db):
    from django.db import IntegrityError, transaction

    from tests.factories import InquiryFactory

    inquiry = InquiryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Inquiry.objects.filter(pk=inquiry.pk).update(symptoms="x" * 5001)


def test_a_patient_who_mistypes_is_not_told_to_wait_an_hour(client, form_data, settings):
    """Before: every post counted, so two forms sent back with errors used up a 2/h allowance."""
    settings.INQUIRIES_RATE_LIMIT = "2/h"
    for i in range(3):
        mistyped = form_data(submission_token=f"bad{i}", email="not-an-address")
        assert client.post(NEW, mistyped).status_code == 400
    assert client.post(NEW, form_data(submission_token="good")).status_code == 303


def test_failed_submissions_have_a_limit_of_their_own(client, form_data, settings):
    settings.INQUIRIES_FAILED_RATE_LIMIT = "3/h"
    for i in range(3):
        assert client.post(NEW, form_data(submission_token=f"bad{i}", email="broken")).status_code == 400
    response = client.post(NEW, form_data(submission_token="good"))
    assert response.status_code == 429
    assert not Inquiry.objects.exists()


def test_an_inquiry_whose_acknowledgement_is_withheld_is_still_stored_and_thanked(
    client, form_data, settings
):
    from post_office.models import Email

    settings.INQUIRIES_ACKS_PER_ADDRESS_PER_DAY = 1
    client.post(NEW, form_data(submission_token="a"))
    response = client.post(NEW, form_data(submission_token="b"))
    assert response.status_code == 303
    assert Inquiry.objects.count() == 2
    assert Inquiry.objects.get(submission_token="b").reference in client.get(THANKS).content.decode()
    assert Email.objects.filter(to=["pat@example.com"]).count() == 1


@pytest.mark.usefixtures("cache_down")
def test_with_the_cache_down_every_inquiry_is_stored_and_thanked_but_no_acknowledgement_is_mailed(
    client, form_data, settings
):
    """The rate limit cannot count (a patient must still reach the clinic), and the per-address
    allowance cannot either, so no patient address is mailed while nothing counts."""
    from post_office.models import Email

    settings.INQUIRIES_RATE_LIMIT = "2/h"
    references = []
    for i in range(4):
        response = client.post(NEW, form_data(submission_token=f"down{i}"))
        assert response.status_code == 303
        references.append(client.get(THANKS).content.decode())
    assert Inquiry.objects.count() == 4
    assert all(
        inquiry.reference in page
        for inquiry, page in zip(Inquiry.objects.order_by("pk"), references, strict=True)
    )
    assert not Email.objects.filter(to=["pat@example.com"]).exists()
