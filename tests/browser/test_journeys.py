"""What a patient and the staff do, end to end, in the browser."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ArticleFactory, StaffFactory, TOTPDeviceFactory

from .support import (
    SCREENSHOT_DIR,
    app_code,
    assert_no_axe_violations,
    key_on_enrolment_page,
    log_in_to_admin,
)


def test_patient_goes_from_home_through_the_blog_to_an_article(page, site_url):
    ArticleFactory(title="Myofascial release, explained", slug="myofascial-release")
    page.goto(site_url + reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Blog", exact=True).click()
    expect(page).to_have_url(site_url + reverse("blog:article_list"))
    page.get_by_role("link", name="Myofascial release, explained").click()
    expect(page).to_have_url(site_url + reverse("blog:article_detail", args=["myofascial-release"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Myofascial release, explained")


def test_staff_member_signs_in_to_the_admin_with_the_code_from_their_app(page, site_url):
    TOTPDeviceFactory(user=StaffFactory(username="moderator", is_superuser=True))
    log_in_to_admin(page, site_url, "moderator", "a-long-test-password")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_password_alone_stops_at_the_second_step(page, site_url):
    TOTPDeviceFactory(user=StaffFactory(username="moderator", is_superuser=True))
    page.goto(site_url + reverse("admin:login"))
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("signin:second_factor"))))
    page.goto(site_url + reverse("admin:comments_comment_changelist"))
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("signin:second_factor"))))
    expect(page.get_by_label("Code")).to_be_visible()


def test_the_sign_in_steps_pass_axe_and_are_kept_as_screenshots(axe_page, site_url):
    StaffFactory(username="newcomer")
    page = axe_page
    page.goto(site_url + reverse("admin:login"))
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("signin:enrol"))))
    # The URL changes as the navigation commits, before the page is there: axe must read the page.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "signin-enrol.png"), full_page=True)

    wrong = "000000" if app_code(key_on_enrolment_page(page)) != "000000" else "111111"
    page.get_by_label("Code from the app").fill(wrong)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("does not match")).to_be_visible()
    assert_no_axe_violations(page)

    page.wait_for_timeout(1100)  # django-otp's throttle after a wrong code
    page.get_by_label("Code from the app").fill(app_code(key_on_enrolment_page(page)))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_no_axe_violations(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "signin-recovery-codes.png"), full_page=True)
