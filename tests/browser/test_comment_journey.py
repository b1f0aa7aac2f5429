"""A patient comments on an article; a moderator approves it; replies and likes."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect
from post_office.models import Email

from clinic_site import roles
from tests.factories import ArticleFactory, CommentFactory, StaffFactory

from .support import VIEWPORTS, assert_no_axe_violations, log_in_to_admin, take_screenshots


@pytest.fixture(autouse=True)
def _instant_people(settings):
    # The form refuses submissions faster than a person types; a test types instantly.
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_AUTO_APPROVE_VERIFIED = False


@pytest.fixture
def article():
    return ArticleFactory(title="Myofascial release, explained", slug="myofascial-release")


@pytest.fixture
def moderator():
    user = StaffFactory(username="moderator")
    user.groups.add(Group.objects.get(name=roles.COMMENT_MODERATORS))
    return user


def send_comment(page, name, body, button="Send comment"):
    page.get_by_label("Name").fill(name)
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill(f"{name.split()[0].lower()}@example.com")
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill(body)
    page.get_by_role("button", name=button).click()


def approve_all_pending(page, site_url):
    page.goto(site_url + reverse("admin:comments_comment_changelist") + "?status__exact=pending")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Approve")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("approved")


def test_comment_is_moderated_then_shown_replied_to_and_liked(page, open_page, site_url, article, moderator):
    page.goto(site_url + reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Blog", exact=True).click()
    page.get_by_role("link", name="Myofascial release, explained").click()
    send_comment(page, "Pat Example", "Does the pressure have to hurt to help?")
    expect(page.get_by_role("status").filter(has_text="awaiting moderation").first).to_be_visible()
    expect(page.get_by_text("Does the pressure have to hurt to help?")).to_have_count(0)

    staff, _ = open_page()
    log_in_to_admin(staff, site_url, "moderator", "a-long-test-password")
    approve_all_pending(staff, site_url)

    page.goto(site_url + article.get_absolute_url())
    expect(page.get_by_text("Does the pressure have to hurt to help?")).to_be_visible()

    page.get_by_role("link", name="Reply to Pat Example").click()
    send_comment(page, "Sam Reader", "I wondered the same.", button="Send reply")
    expect(page.get_by_role("status").filter(has_text="awaiting moderation").first).to_be_visible()

    page.get_by_role("button", name=re.compile("Like the comment by Pat Example")).click()
    liked = page.get_by_role("button", name=re.compile(r"Like the comment by Pat Example \(1\)"))
    expect(liked).to_be_visible()


def confirmation_link_for(address):
    email = Email.objects.filter(to__contains=address, subject__contains="Confirm your address").latest("pk")
    return re.search(r"https?://\S+/blog/comments/confirm/\?token=\S+", email.message).group(0)


def test_a_new_commenter_confirms_by_email_and_is_then_published_in_that_browser_only(
    page, open_page, site_url, article, settings
):
    settings.COMMENTS_AUTO_APPROVE_VERIFIED = True
    page.goto(site_url + article.get_absolute_url())
    send_comment(page, "Robin Example", "My first comment here.")
    expect(page.get_by_role("status").filter(has_text="awaiting moderation").first).to_be_visible()

    # The link from the email, opened in the same browser: a page with a button, then the button.
    link = confirmation_link_for("robin@example.com")
    link = link.replace(settings.SITE_URL.rstrip("/"), site_url)
    take_screenshots(page, "comment_confirm", link)
    page.goto(link)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Your address is confirmed")).to_be_in_viewport()

    send_comment(page, "Robin Example", "And a second one, published at once.")
    expect(page.get_by_text("And a second one, published at once.")).to_be_visible()

    other, _ = open_page()
    other.goto(site_url + article.get_absolute_url())
    send_comment(other, "Robin Example", "Typed in another browser.")
    expect(other.get_by_role("status").filter(has_text="awaiting moderation").first).to_be_visible()
    expect(other.get_by_text("Typed in another browser.")).to_have_count(0)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_article_with_a_comment_thread_has_no_axe_violations(axe_page, site_url, article, width):
    parent = CommentFactory(article=article, name="Pat Example")
    CommentFactory(article=article, parent=parent, name="The clinic", is_staff_reply=True)
    CommentFactory(article=article)
    axe_page.set_viewport_size(VIEWPORTS[width])
    axe_page.goto(site_url + article.get_absolute_url())
    assert_no_axe_violations(axe_page)


def test_article_with_comments_screenshots(page, site_url, article):
    CommentFactory(article=article, name="Pat Example")
    take_screenshots(page, "article_comments", site_url + article.get_absolute_url())
