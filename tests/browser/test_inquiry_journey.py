"""A patient asks the clinic privately from an article; a handler finds the inquiry in the admin."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ArticleFactory, HandlerFactory

from .support import VIEWPORTS, assert_no_axe_violations, log_in_to_admin, take_screenshots

REFERENCE = re.compile(r"INQ-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture(autouse=True)
def _no_time_trap(settings):
    # The form refuses submissions faster than a person types; a test types instantly.
    settings.INQUIRIES_MIN_SECONDS = 0


@pytest.fixture
def article():
    return ArticleFactory(title="Myofascial release, explained", slug="myofascial-release")


def fill_inquiry(page):
    page.get_by_label("Your name").fill("Pat Example")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("What are your symptoms?").fill("A stiff lower back every morning.")
    page.get_by_label("How long have you had them?").fill("Three weeks")
    page.get_by_label(re.compile("I agree that the clinic stores")).check()


def test_patient_asks_from_an_article_and_a_handler_finds_it(page, site_url, article):
    page.goto(site_url + article.get_absolute_url())
    page.get_by_role("link", name=re.compile("Ask the clinic")).first.click()
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("inquiries:new"))))
    fill_inquiry(page)
    page.get_by_role("button", name="Send my inquiry").click()

    expect(page).to_have_url(site_url + reverse("inquiries:thanks"))
    reference = page.locator(".inquiry-reference").inner_text()
    assert REFERENCE.fullmatch(reference)

    page.context.clear_cookies()
    HandlerFactory(username="handler")
    log_in_to_admin(page, site_url, "handler", "a-long-test-password")
    page.goto(site_url + reverse("admin:inquiries_inquiry_changelist") + f"?q={reference}")
    expect(page.get_by_role("link", name=reference)).to_be_visible()


def test_inquiry_with_errors_says_what_to_fix(page, watch, site_url):
    url = site_url + reverse("inquiries:new")
    watch.expect_status(url, 400)
    page.goto(url)
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check the form")


def test_an_error_summary_link_shows_the_field_with_its_label_on_a_phone(page, watch, site_url):
    url = site_url + reverse("inquiries:new")
    watch.expect_status(url, 400)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.emulate_media(reduced_motion="reduce")
    page.goto(url)
    page.get_by_role("button", name="Send my inquiry").click()
    page.get_by_role("alert").get_by_role("link", name=re.compile("What are your symptoms")).click()
    expect(page.locator("label[for=id_symptoms]")).to_be_in_viewport(ratio=1)


def test_the_shared_form_page_tells_a_browser_without_cookies_and_keeps_what_it_typed(
    page, watch, site_url, settings
):
    """The form page comes from the shared page cache; the time trap is the cookie set with it. A
    browser that keeps no cookies is told so, keeps what it typed, and the form it gets back sends."""
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    url = site_url + reverse("inquiries:new")
    page.goto(url)  # the first reader's request renders it and stores it
    page.context.clear_cookies()
    page.goto(url)  # the next reader gets the stored page
    fill_inquiry(page)
    page.context.clear_cookies()  # as if the browser had kept none
    watch.expect_status(url, 400)
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page.get_by_role("alert")).to_contain_text("Your text is kept below: please send it again.")
    expect(page.get_by_label("What are your symptoms?")).to_have_value("A stiff lower back every morning.")
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page).to_have_url(site_url + reverse("inquiries:thanks"))
    expect(page.locator(".inquiry-reference")).to_have_text(REFERENCE)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_inquiry_pages_have_no_axe_violations(axe_page, axe_watch, site_url, width):
    axe_page.set_viewport_size(VIEWPORTS[width])
    url = site_url + reverse("inquiries:new")
    axe_page.goto(url)
    assert_no_axe_violations(axe_page)

    axe_watch.expect_status(url, 400)
    axe_page.get_by_role("button", name="Send my inquiry").click()
    expect(axe_page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(axe_page)

    fill_inquiry(axe_page)
    axe_page.get_by_role("button", name="Send my inquiry").click()
    expect(axe_page).to_have_url(site_url + reverse("inquiries:thanks"))
    assert_no_axe_violations(axe_page)


def test_inquiry_screenshots(page, watch, site_url):
    take_screenshots(page, "inquiry_form", site_url + reverse("inquiries:new"))
    fill_inquiry(page)
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page).to_have_url(site_url + reverse("inquiries:thanks"))
    take_screenshots(page, "inquiry_thanks", site_url + reverse("inquiries:thanks"))


def test_inquiry_can_be_sent_with_the_keyboard_alone(page, site_url):
    page.goto(site_url + reverse("home"))
    ask = page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask the clinic")
    for _ in range(10):
        page.keyboard.press("Tab")
        if ask.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("inquiries:new"))))

    def tab_to(locator, limit=30):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    tab_to(page.get_by_label("Your name"))
    page.keyboard.type("Pat Example")
    tab_to(page.get_by_label("Email address"))
    page.keyboard.type("pat@example.com")
    tab_to(page.get_by_role("radio").first)
    page.keyboard.press("Space")
    tab_to(page.get_by_label("What are your symptoms?"))
    page.keyboard.type("A stiff lower back every morning.")
    tab_to(page.get_by_label("How long have you had them?"))
    page.keyboard.type("Three weeks")
    tab_to(page.get_by_label(re.compile("I agree that the clinic stores")))
    page.keyboard.press("Space")
    tab_to(page.get_by_role("button", name="Send my inquiry"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_url + reverse("inquiries:thanks"))
    expect(page.locator(".inquiry-reference")).to_have_text(REFERENCE)
