"""Secure replies in a browser: a patient asks, a handler replies, the patient opens the link from
the email, reads the reply and answers, and the handler sees the answer; a patient asks for an
appointment and is told it is booked. No email of these journeys says what anyone wrote."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from post_office.models import Email

from inquiries.models import Inquiry
from inquiries.services import send_reply
from tests.factories import ArticleFactory, ConditionFactory, HandlerFactory, LocationFactory

from .support import VIEWPORTS, assert_no_axe_violations, log_in_to_admin, take_screenshots
from .test_inquiry_journey import fill_inquiry

REPLY = "Thank you for writing. Gentle walking helps; could you come in on Thursday?"
ANSWER = "Thursday afternoon is fine, the pain is worse after sitting."
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _no_time_trap(settings):
    settings.INQUIRIES_MIN_SECONDS = 0


@pytest.fixture
def handler(settings):
    settings.INQUIRIES_FALLBACK_USERNAME = "handler"
    return HandlerFactory(username="handler", email="handler@clinic.example")


@pytest.fixture
def article():
    back = ConditionFactory(slug="back-pain", name="Back pain", order=1)
    sciatica = ConditionFactory(slug="sciatica", name="Sciatica", order=2)
    article = ArticleFactory(
        title="Sciatica: first steps", slug="sciatica-first-steps", conditions=[back, sciatica]
    )
    article.primary_condition = sciatica
    article.save()
    return article


def ask(page, site_url, article=None, appointment=False) -> str:
    if article is not None:
        page.goto(site_url + article.get_absolute_url())
        page.get_by_role("link", name="Ask the clinic about this").click()
        expect(page.locator("#inquiry-article")).to_contain_text(f"About the article: {article.title}")
        expect(page.get_by_label("What is it about?")).to_have_value("sciatica")
    else:
        page.goto(site_url + reverse("inquiries:new"))
    fill_inquiry(page)
    if appointment:
        page.get_by_label("I would like an appointment").check()
        page.get_by_label("Tuesday").check()
        page.get_by_label("Morning").check()
        page.get_by_label("Returning patient").check()
        page.get_by_label("Paying myself").check()
        page.get_by_label("Not sure").check()
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page).to_have_url(site_url + reverse("inquiries:thanks"))
    return page.locator(".inquiry-reference").inner_text()


def open_in_admin(page, site_url, reference):
    page.goto(site_url + reverse("admin:inquiries_inquiry_changelist") + f"?q={reference}")
    page.get_by_role("link", name=reference).click()


def link_path_in_latest_email_to(address: str) -> str:
    email = Email.objects.filter(to=[address]).order_by("-id").first()
    link = re.search(r"https?://\S+/inquiries/thread/\?token=\S+", email.message).group(0)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def emails_text() -> str:
    return " ".join(f"{e.subject} {e.message} {e.html_message or ''}" for e in Email.objects.all())


def test_a_patient_asks_a_handler_replies_and_the_patient_answers(open_page, site_url, article, handler):
    patient, _ = open_page()
    reference = ask(patient, site_url, article)
    inquiry = Inquiry.objects.get(reference=reference)
    assert inquiry.source_article == article
    assert inquiry.condition.slug == "sciatica"

    staff, _ = open_page()
    log_in_to_admin(staff, site_url, "handler", PASSWORD)
    open_in_admin(staff, site_url, reference)
    staff.get_by_label("Reply to the patient").fill(REPLY)
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("the patient is emailed that there is news")

    patient.goto(site_url + link_path_in_latest_email_to("pat@example.com"))
    expect(patient.get_by_text(REPLY)).to_have_count(0)
    patient.get_by_role("button", name="Open my messages").click()
    expect(patient).to_have_url(site_url + reverse("inquiries:thread"))
    expect(patient.get_by_text(REPLY)).to_be_visible()
    expect(patient.get_by_text("A stiff lower back every morning.")).to_be_visible()
    patient.get_by_label("Your answer").fill(ANSWER)
    patient.get_by_role("button", name="Send my answer").click()
    expect(patient.get_by_text("Your answer is sent")).to_be_in_viewport()
    expect(patient.get_by_text(ANSWER)).to_be_visible()

    open_in_admin(staff, site_url, reference)  # saving went back to the list
    expect(staff.get_by_text(ANSWER)).to_be_visible()
    assert Email.objects.filter(to=["handler@clinic.example"], subject__contains=reference).count() == 2

    text = emails_text()
    for written in [REPLY, ANSWER, "stiff lower back", "Three weeks", "Sciatica", "Pat Example"]:
        assert written not in text


def test_a_patient_asks_for_an_appointment_and_is_told_it_is_booked(open_page, site_url, handler):
    LocationFactory(name="Harbor Point", street="12 Quay Street", city="Portsmouth")
    patient, _ = open_page()
    reference = ask(patient, site_url, appointment=True)

    staff, _ = open_page()
    log_in_to_admin(staff, site_url, "handler", PASSWORD)
    staff.goto(site_url + reverse("admin:inquiries_inquiry_changelist") + "?appointment=requested")
    expect(staff.get_by_text("Asked: Tuesday · Morning")).to_be_visible()
    open_in_admin(staff, site_url, reference)
    staff.get_by_label("Status").select_option("booked")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".errornote")).to_be_visible()  # date, time and clinic are needed
    staff.locator("#id_booked_for_0").fill("2031-03-04")
    staff.locator("#id_booked_for_1").fill("09:30")
    staff.get_by_label("Appointment at").select_option(label="Harbor Point")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("told of the appointment")

    patient.goto(site_url + link_path_in_latest_email_to("pat@example.com"))
    patient.get_by_role("button", name="Open my messages").click()
    expect(
        patient.get_by_text(re.compile("Your appointment is booked for Tuesday, March 4, 2031"))
    ).to_be_visible()
    expect(patient.get_by_text(re.compile("Harbor Point, 12 Quay Street"))).to_be_visible()

    text = emails_text()
    for written in ["Harbor Point", "March 4", "Paying", "Returning", "stiff lower back"]:
        assert written not in text


def test_a_used_up_link_offers_a_new_one_and_the_new_one_works(page, watch, site_url, handler):
    reference = ask(page, site_url)
    inquiry = Inquiry.objects.get(reference=reference)
    send_reply(inquiry=inquiry, author=handler, body="First")
    old = link_path_in_latest_email_to("pat@example.com")
    send_reply(inquiry=inquiry, author=handler, body="Second")
    watch.expect_status(site_url + old, 400)
    page.goto(site_url + old)
    expect(page.get_by_role("alert")).to_contain_text("replaced by a newer one")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Your reference").fill(reference.lower())
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(site_url + link_path_in_latest_email_to("pat@example.com"))
    page.get_by_role("button", name="Open my messages").click()
    expect(page.get_by_text("Second")).to_be_visible()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_secure_reply_pages_have_no_axe_violations(
    axe_page, axe_watch, site_url, article, handler, width
):
    axe_page.set_viewport_size(VIEWPORTS[width])
    axe_page.goto(site_url + reverse("inquiries:new") + f"?article={article.slug}")
    assert_no_axe_violations(axe_page)  # the form with its article and appointment questions
    reference = ask(axe_page, site_url, appointment=True)
    send_reply(inquiry=Inquiry.objects.get(reference=reference), author=handler, body=REPLY)
    axe_page.goto(site_url + link_path_in_latest_email_to("pat@example.com"))
    assert_no_axe_violations(axe_page)  # the page with the button
    axe_page.get_by_role("button", name="Open my messages").click()
    assert_no_axe_violations(axe_page)  # the conversation and the answer box
    broken = site_url + reverse("inquiries:thread") + "?token=broken"
    axe_watch.expect_status(broken, 400)
    axe_page.goto(broken)
    assert_no_axe_violations(axe_page)  # the link that does not work, with the new-link form
    axe_page.goto(site_url + reverse("inquiries:new_link"))
    assert_no_axe_violations(axe_page)
    axe_page.goto(site_url + reverse("inquiries:new_link_sent"))
    assert_no_axe_violations(axe_page)


def test_secure_reply_screenshots(page, site_url, article, handler):
    take_screenshots(
        page, "inquiry_form_from_article", site_url + reverse("inquiries:new") + f"?article={article.slug}"
    )
    reference = ask(page, site_url, appointment=True)
    send_reply(inquiry=Inquiry.objects.get(reference=reference), author=handler, body=REPLY)
    link = site_url + link_path_in_latest_email_to("pat@example.com")
    take_screenshots(page, "inquiry_thread_button", link)
    page.get_by_role("button", name="Open my messages").click()
    take_screenshots(page, "inquiry_thread", site_url + reverse("inquiries:thread"))
