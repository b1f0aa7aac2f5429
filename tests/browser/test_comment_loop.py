"""Commenters hear back, fix their words and find their way through long threads; the article prints clean."""

import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from post_office.models import Email

from blog.comments.models import Comment
from clinic_site import roles
from tests.factories import ArticleFactory, ClinicianFactory, CommentFactory, StaffFactory

from .support import (
    PHONE,
    SCREENSHOT_DIR,
    VIEWPORTS,
    assert_no_axe_violations,
    log_in_to_admin,
    take_screenshots,
)


@pytest.fixture(autouse=True)
def _instant_people(settings):
    # The form refuses submissions faster than a person types; a test types instantly.
    settings.COMMENTS_MIN_SECONDS = 0


@pytest.fixture
def article():
    reviewer = ClinicianFactory(name="Maya Okafor", slug="maya-okafor")
    return ArticleFactory(
        title="Myofascial release, explained",
        slug="myofascial-release",
        reviewer=reviewer,
        reviewed_on=date(2026, 3, 3),
    )


@pytest.fixture
def moderator():
    user = StaffFactory(username="moderator")
    user.groups.add(Group.objects.get(name=roles.COMMENT_MODERATORS))
    return user


def local(link, site_url, settings):
    return link.replace(settings.SITE_URL.rstrip("/"), site_url)


def send_comment(page, name, email, body, *, ask_for_replies=False):
    page.get_by_label("Name").fill(name)
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill(email)
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill(body)
    if ask_for_replies:
        page.get_by_label("Tell me by email when someone replies").check()
    page.get_by_role("button", name=re.compile("^Send")).click()


def confirm_in_browser(page, site_url, settings, email):
    """Open the confirmation link from the email in this browser and press its button."""
    message = Email.objects.filter(to__contains=email, subject__contains="Confirm your address").latest("pk")
    link = re.search(r"https?://\S+/blog/comments/confirm/\?token=\S+", message.message).group(0)
    page.goto(local(link, site_url, settings))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Your address is confirmed")).to_be_in_viewport()


def test_a_verified_commenter_hears_of_the_clinics_reply_and_unsubscribes_in_one_click(
    page, open_page, site_url, settings, article, moderator
):
    page.goto(site_url + article.get_absolute_url())
    send_comment(page, "Robin Example", "robin@example.com", "Is it normal to be sore the next day?")
    confirm_in_browser(page, site_url, settings, "robin@example.com")
    # From the confirmed browser the box is offered; the comment is published at once.
    send_comment(
        page,
        "Robin Example",
        "robin@example.com",
        "And how long does the soreness last?",
        ask_for_replies=True,
    )
    expect(page.get_by_text("And how long does the soreness last?")).to_be_visible()
    comment = Comment.objects.get(body="And how long does the soreness last?")
    assert comment.notify_replies

    staff, _ = open_page()
    log_in_to_admin(staff, site_url, "moderator", "a-long-test-password")
    staff.goto(site_url + reverse("admin:comments_comment_change", args=[comment.pk]))
    staff.get_by_role("textbox", name=re.compile("^Reply as the clinic")).fill(
        "Usually a day or two. Gentle walking helps."
    )
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("published as the clinic")

    email = Email.objects.get(to__contains="robin@example.com", subject__contains="A reply to your comment")
    assert "Myofascial release, explained" in email.subject
    assert "soreness" not in email.subject + email.message
    assert "Gentle walking" not in email.subject + email.message
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The link to the reply opens the article at the reply.
    reply_link = re.search(r"https?://\S+/blog/comments/\d+/", email.message).group(0)
    page.goto(local(reply_link, site_url, settings))
    expect(page.get_by_text("Gentle walking helps.")).to_be_visible()
    assert re.search(r"#comment-\d+$", page.url)

    # The link for this article: a page with a button (a scanner's GET changes nothing), then the button.
    stop_here = re.search(r"https?://\S+/blog/comments/unsubscribe/\?token=\S+", email.message).group(0)
    take_screenshots(page, "comment_unsubscribe", local(stop_here, site_url, settings))
    comment.refresh_from_db()
    assert comment.notify_replies
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("status")).to_contain_text("no more emails about replies")
    comment.refresh_from_db()
    assert not comment.notify_replies


def test_a_commenter_changes_then_deletes_their_comment(page, site_url, settings, article):
    CommentFactory(article=article, name="Pat Example", body="Pressure should never be sharp.")
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone, the comments are far down
    page.emulate_media(reduced_motion="reduce")  # a jump to #comments, not a smooth scroll to wait for
    page.goto(site_url + article.get_absolute_url())
    send_comment(page, "Sam Reader", "sam@example.com", "I tried it last weak.")
    expect(page.get_by_role("note").filter(has_text="change or delete")).to_be_visible()

    page.get_by_role("link", name="Change your comment").click()
    expect(page.get_by_role("heading", name="Change your comment")).to_be_visible()
    page.get_by_label("Your comment").fill("I tried it last week.")
    page.get_by_role("button", name="Save the change").click()
    # Said where the reader lands (the comments section), not under the header out of view.
    expect(page.get_by_role("status").filter(has_text="Your comment is changed")).to_be_in_viewport()
    assert Comment.objects.get(name="Sam Reader").body == "I tried it last week."

    page.get_by_role("link", name="Delete your comment").click()
    expect(page.get_by_role("heading", name="Delete your comment?")).to_be_visible()
    page.get_by_role("button", name="Delete my comment").click()
    expect(page.get_by_role("status").filter(has_text="Your comment is deleted")).to_be_in_viewport()
    assert not Comment.objects.filter(name="Sam Reader").exists()
    expect(page.get_by_text("Pressure should never be sharp.")).to_be_visible()


def test_a_deleted_comment_with_a_reply_leaves_a_placeholder(page, site_url, settings, article):
    page.goto(site_url + article.get_absolute_url())
    send_comment(page, "Sam Reader", "sam@example.com", "Mine, to be deleted.")
    mine = Comment.objects.get(name="Sam Reader")
    mine.status = Comment.Status.APPROVED
    mine.save()
    CommentFactory(article=article, parent=mine, name="Pat Example", body="A reply that stays.")
    page.goto(site_url + reverse("comments:delete", args=[mine.pk]))
    page.get_by_role("button", name="Delete my comment").click()
    expect(page.get_by_text("Removed by its author")).to_be_visible()
    expect(page.get_by_text("A reply that stays.")).to_be_visible()
    expect(page.get_by_text("Mine, to be deleted.")).to_have_count(0)


def thread_of(article, roots):
    start = timezone.now() - timedelta(days=20)
    for n in range(roots):
        root = CommentFactory(
            article=article, name=f"Reader {n}", created_at=start + timedelta(minutes=2 * n)
        )
        if n % 3 == 0:
            CommentFactory(article=article, parent=root, created_at=start + timedelta(minutes=2 * n + 1))


def test_a_160_comment_thread_is_paginated_on_a_phone(page, site_url, article):
    thread_of(article, 120)  # 120 threads, 40 of them with a reply: 160 comments
    assert Comment.objects.filter(article=article).count() == 160
    page.set_viewport_size(PHONE)
    page.goto(site_url + article.get_absolute_url())
    expect(page.get_by_role("heading", name="160 comments")).to_be_visible()
    expect(page.get_by_text("Page 1 of 4")).to_be_visible()
    expect(page.locator(".comment-list > .comment")).to_have_count(30)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 20_000, height
    page.screenshot(path=str(SCREENSHOT_DIR / "comments_page1-390.png"), full_page=True)

    page.get_by_role("navigation", name="Pages of comments").get_by_role("link", name="Next comments").click()
    expect(page.get_by_text("Page 2 of 4")).to_be_visible()
    assert "cpage=2" in page.url
    page.get_by_role("link", name="Newest first").click()
    expect(page.locator(".comment-list > .comment").first).to_contain_text("Reader 119")
    take_screenshots(page, "comments_page2", site_url + article.get_absolute_url() + "?cpage=2")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_new_comment_pages_have_no_axe_violations(
    axe_page, axe_watch, site_url, settings, article, width
):
    from blog.comments import authorship, subscriptions
    from blog.comments.models import VerifiedAddress

    thread_of(article, 40)
    mine = CommentFactory(article=article, email="sam@example.com", notify_replies=True)
    removed = CommentFactory(article=article, name="", email="", body="", removed_at=timezone.now())
    CommentFactory(article=article, parent=removed)
    address = VerifiedAddress.objects.create(email="sam@example.com")
    token = authorship.token_for(mine)
    pages = [
        article.get_absolute_url(),
        article.get_absolute_url() + "?cpage=2&comments=newest",
        reverse("comments:edit", args=[mine.pk]) + f"?token={token}",
        reverse("comments:delete", args=[mine.pk]) + f"?token={token}",
        local(subscriptions.unsubscribe_link(address, article.pk), "", settings),
        reverse("comments:edit", args=[mine.pk]),  # without a proof: the 403 page
    ]
    axe_watch.expect_status(site_url + pages[-1], 403)
    axe_page.set_viewport_size(VIEWPORTS[width])
    for url in pages:
        axe_page.goto(site_url + url)
        assert_no_axe_violations(axe_page)


def test_the_edit_pages_screenshots(page, site_url, article):
    from blog.comments import authorship

    mine = CommentFactory(article=article, email="sam@example.com", body="I tried it last weak.")
    token = authorship.token_for(mine)
    take_screenshots(
        page, "comment_edit", site_url + reverse("comments:edit", args=[mine.pk]) + f"?token={token}"
    )
    take_screenshots(
        page, "comment_delete", site_url + reverse("comments:delete", args=[mine.pk]) + f"?token={token}"
    )


def test_a_printed_article_carries_the_clinic_and_leaves_out_what_cannot_be_pressed(
    page, site_url, settings, article
):
    CommentFactory(
        article=article,
        name="Pat Example",
        body="Printed with the article.",
        created_at=timezone.now() - timedelta(days=60),
    )
    thread_of(article, 35)
    page.goto(site_url + article.get_absolute_url())
    page.emulate_media(media="print")
    source = page.locator(".print-source")
    expect(source).to_be_visible()
    expect(source).to_contain_text(settings.CLINIC_NAME)
    expect(source).to_contain_text(settings.CLINIC_PHONE)
    expect(source).to_contain_text(f"{settings.SITE_URL.rstrip('/')}/blog/myofascial-release/")
    expect(page.get_by_text("Clinically reviewed by")).to_be_visible()
    expect(page.get_by_text("Printed with the article.")).to_be_visible()
    for hidden in [
        page.get_by_role("link", name=re.compile("^Reply")),
        page.get_by_role("button", name=re.compile("^Like")),
        page.locator("form"),
        page.locator(".comment-pages"),
        page.get_by_role("heading", name="Leave a comment"),
    ]:
        for index in range(hidden.count()):
            expect(hidden.nth(index)).to_be_hidden()

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 816, "height": 1056})  # a Letter page at 96 dpi
    page.screenshot(path=str(SCREENSHOT_DIR / "article_print-media.png"), full_page=True)
    pdf = SCREENSHOT_DIR / "article_print.pdf"
    page.pdf(path=str(pdf), format="Letter", print_background=False)
    assert pdf.stat().st_size > 0
    if shutil.which("pdftoppm"):  # a picture of the first page, for a person to look at
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "2",
                str(pdf),
                str(SCREENSHOT_DIR / "article_print"),
            ],
            check=True,
        )
