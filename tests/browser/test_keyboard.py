"""The site can be used with the keyboard alone."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ArticleFactory, StaffFactory

from .support import app_code, key_on_enrolment_page


def test_tab_reaches_skip_link_then_main_navigation(page, site_url):
    page.goto(site_url + reverse("home"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    # The top bar comes first: the phone, then the switcher to the page in Spanish.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Español")).to_be_focused()

    nav = page.get_by_role("navigation", name="Main")
    for name in ["Blog", "Conditions", "Locations", "Ask the clinic"]:
        link = nav.get_by_role("link", name=name, exact=True)
        for _ in range(3):
            page.keyboard.press("Tab")
            if link.evaluate("el => el === document.activeElement"):
                break
        expect(link).to_be_focused()


def test_skip_link_moves_focus_to_main_content(page, site_url):
    page.goto(site_url + reverse("home"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_enter_on_blog_link_opens_the_blog(page, site_url):
    page.goto(site_url + reverse("home"))
    blog = page.get_by_role("navigation", name="Main").get_by_role("link", name="Blog", exact=True)
    for _ in range(5):
        page.keyboard.press("Tab")
        if blog.evaluate("el => el === document.activeElement"):
            break
    expect(blog).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_url + reverse("blog:article_list"))


def tab_to(page, locator, *, limit=25):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    expect(locator).to_be_focused()


def test_a_new_staff_member_signs_in_and_sets_up_the_app_with_the_keyboard_alone(page, site_url):
    StaffFactory(username="newcomer")
    page.goto(site_url + reverse("admin:login"))
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("newcomer")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("a-long-test-password")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("signin:enrol"))))
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    code = app_code(key_on_enrolment_page(page))
    tab_to(page, page.get_by_label("Code from the app"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    tab_to(page, page.get_by_role("link", name="I have kept them: continue"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(site_url + reverse("admin:index"))


def ring(locator) -> str:
    return locator.evaluate(
        "el => { const s = getComputedStyle(el); return `${s.outlineStyle} ${s.outlineWidth}`; }"
    )


def test_buttons_and_fields_show_the_sites_focus_ring(page, site_url):
    """Bootstrap turns their outline off for a pale glow, which forced colours do not show at all."""
    page.goto(site_url + reverse("inquiries:new"))
    name = page.get_by_label("Your name")
    tab_to(page, name, limit=40)
    assert ring(name) == "solid 3px"
    send = page.get_by_role("button", name="Send my inquiry")
    tab_to(page, send, limit=80)
    assert ring(send) == "solid 3px"
    ArticleFactory.create_batch(11)
    page.goto(site_url + reverse("blog:article_list"))
    next_page = page.get_by_role("link", name="Next page")
    tab_to(page, next_page, limit=120)
    assert ring(next_page) == "solid 3px"


def test_ticked_boxes_show_their_state_in_forced_colours(page, site_url):
    """Bootstrap's tick is white on the box's colour, which forced colours replace with the page's:
    the browser's own boxes are drawn instead."""
    page.emulate_media(forced_colors="active")
    page.goto(site_url + reverse("inquiries:new"))
    consent = page.locator("input[type=checkbox]").last
    assert consent.evaluate("el => getComputedStyle(el).appearance") == "auto"
    page.emulate_media(forced_colors="none")
    assert consent.evaluate("el => getComputedStyle(el).appearance") == "none"
