"""The site can be used with the keyboard alone."""

from django.urls import reverse
from playwright.sync_api import expect


def test_tab_reaches_skip_link_then_main_navigation(page, site_url):
    page.goto(site_url + reverse("home"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

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
