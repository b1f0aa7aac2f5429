"""The admin works under the strict policy; only the article editor pages relax it, and need to."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from clinic_site.models import StaffLanguage
from tests.factories import (
    ArticleFactory,
    ClinicianFactory,
    DeliveryFactory,
    EmailFactory,
    InquiryFactory,
    InquiryMessageFactory,
    StaffFactory,
)

from .support import DESKTOP, log_in_to_admin, take_screenshots

PASSWORD = "a-long-test-password"


@pytest.fixture
def owner():
    return StaffFactory(username="owner", is_superuser=True)


def test_the_admin_renders_and_runs_without_inline_script_or_style(page, site_url, owner):
    """Every page here gets `script-src 'self'; style-src 'self'`: a violation would be a console
    error, which fails the test (the page fixture's watch)."""
    article = ArticleFactory()
    inquiry = InquiryFactory(wants_appointment=True, preferred_days="tue,thu", preferred_times="morning")
    InquiryMessageFactory(inquiry=inquiry, author=owner, body="Could you come in on Thursday morning?")
    InquiryMessageFactory(inquiry=inquiry, sender="patient", body="Yes, Thursday at nine suits me.")
    email = EmailFactory()
    held = DeliveryFactory().email  # on hold, as after a restore
    log_in_to_admin(page, site_url, "owner", PASSWORD)
    pages = {
        "admin-index": reverse("admin:index"),
        "admin-article-list": reverse("admin:blog_article_changelist"),
        "admin-inquiry-list": reverse("admin:inquiries_inquiry_changelist"),
        "admin-inquiry-change": reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]),
        "admin-email-change": reverse("admin:post_office_email_change", args=[email.pk]),
        "admin-email-list-held": reverse("admin:post_office_email_changelist"),
        "admin-email-held": reverse("admin:post_office_email_change", args=[held.pk]),
        "admin-article-history": reverse("admin:blog_article_history", args=[article.pk]),
    }
    for name, url in pages.items():
        take_screenshots(page, name, site_url + url)
        expect(page.locator("#header")).to_be_visible()
    # The admin's own scripts run: the dark-mode toggle and the "select all" box on a list.
    page.goto(site_url + reverse("admin:blog_article_changelist"))
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()


def test_the_login_page_looks_right_under_the_strict_policy(page, site_url, owner):
    take_screenshots(page, "admin-login", site_url + reverse("admin:login"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


@pytest.mark.parametrize("which", ["add", "change"])
def test_the_article_editor_loads_on_its_pages(page, site_url, owner, which):
    article = ArticleFactory()
    log_in_to_admin(page, site_url, "owner", PASSWORD)
    url = (
        reverse("admin:blog_article_add")
        if which == "add"
        else reverse("admin:blog_article_change", args=[article.pk])
    )
    page.goto(site_url + url)
    editor = page.frame_locator("iframe.cke_wysiwyg_frame")
    expect(editor.locator("body")).to_be_visible()
    page.locator(".cke_button__bold").click()  # the toolbar's inline handlers run
    page.screenshot(path=f"var/screenshots/admin-article-{which}.png", full_page=True)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_long_lists_fit_a_laptop_screen_with_their_titles_readable(page, site_url, owner, language):
    """At 1280 pixels every column of the article list and the mail queue is in view (no scrolling
    the table sideways to reach the last ones), in each staff language, and a title or subject keeps
    room for a few words a line: dates, names and headings wrap instead."""
    author = ClinicianFactory(name="Grace Lindqvist", credentials="LMT")
    reviewer = ClinicianFactory(name="Priya Raman", credentials="PT, DPT, OCS")
    ArticleFactory(
        title="Sciatica: why your leg hurts when the problem is in your back",
        author=author,
        reviewer=reviewer,
        reviewed_on=date(2026, 3, 3),
    )
    page.set_viewport_size(DESKTOP)
    log_in_to_admin(page, site_url, "owner", PASSWORD)
    StaffLanguage.objects.create(user=owner, language=language)  # as chosen under "Language"
    page.goto(site_url + reverse("admin:blog_article_changelist"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    table = page.locator("#changelist .results")
    assert table.evaluate("element => element.scrollWidth <= element.clientWidth")
    title = page.locator("#result_list th.column-title").bounding_box()
    assert title["width"] >= 12 * 16
    # The mail queue too: the Spanish dates ("7 de diciembre de 2026 a las 9:28") squeezed each
    # subject to one word a line and pushed the last column out of view.
    for _ in range(3):
        EmailFactory(to=["jane.patient@example.com"], subject="[Tidewater] Confirm your address for comments")
    page.goto(site_url + reverse("admin:post_office_email_changelist"))
    table = page.locator("#changelist .results")
    assert table.evaluate("element => element.scrollWidth <= element.clientWidth")
    subject = page.locator("#result_list td.field-shortened_subject").first.bounding_box()
    assert subject["width"] >= 12 * 16
    page.screenshot(path=f"var/screenshots/admin-mail-queue-{language}.png", full_page=True)
