"""Verified commenters who ask hear of replies (one email an hour per thread) and stop it in one click."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from post_office.models import Email

from blog.comments import moderation, subscriptions
from blog.comments.models import Comment, VerifiedAddress
from tests.blog.comments.helpers import comment_data, confirm_address
from tests.factories import ArticleFactory, CommentFactory, StaffFactory

pytestmark = pytest.mark.django_db

SECRET_WORDS = "my private knee story"


def post_comment(client, article, **overrides):
    response = client.post(reverse("comments:create", args=[article.slug]), comment_data(**overrides))
    assert response.status_code == 303
    return Comment.objects.latest("pk")


def reply_emails():
    return list(Email.objects.filter(subject__contains="A reply to your comment").order_by("pk"))


def subscribed_comment(article, email="ana@example.com", **overrides):
    """A comment sent from a browser that confirmed ``email``, with the box ticked."""
    browser = Client()
    confirm_address(browser, email)
    return post_comment(browser, article, email=email, notify_replies="on", body=SECRET_WORDS, **overrides)


@pytest.fixture
def staff():
    return StaffFactory()


def test_the_box_is_offered_only_to_a_browser_that_confirmed_an_address(client):
    article = ArticleFactory()
    assert 'name="notify_replies"' not in client.get(article.get_absolute_url()).content.decode()
    confirm_address(client, "ana@example.com")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Tell me by email when someone replies" in html


def test_a_first_comments_author_asks_to_hear_of_replies_where_they_confirm_their_address(staff):
    """The form offers the box only to a browser that confirmed an address: a first comment's
    author (a patient whose first comment is a question) asks on the confirmation link's page."""
    from blog.comments import verification

    browser = Client()
    article = ArticleFactory()
    first = post_comment(browser, article, email="new@example.com", body=SECRET_WORDS)
    assert not first.notify_replies
    [confirmation] = Email.objects.filter(to=["new@example.com"])
    assert "ask to be told by email when someone replies" in confirmation.message
    token = verification.confirmation_link(first).split("token=", 1)[1]
    page = browser.get(reverse("comments:confirm"), {"token": token}).content.decode()
    assert "Tell me by email when someone replies to this comment" in page
    browser.post(reverse("comments:confirm"), {"token": token, "notify_replies": "1"})
    first.refresh_from_db()
    assert first.notify_replies
    moderation.approve(first, by=staff)
    moderation.reply_as_clinic(first, by=staff, body="Thanks, here is our answer.")
    assert [email.to for email in reply_emails()] == [["new@example.com"]]


def test_confirming_without_the_box_asks_for_no_reply_emails(staff):
    from blog.comments import verification

    comment = CommentFactory(email="new@example.com", status="pending")
    token = verification.confirmation_link(comment).split("token=", 1)[1]
    Client().post(reverse("comments:confirm"), {"token": token})
    comment.refresh_from_db()
    assert not comment.notify_replies


def test_a_clinic_reply_emails_the_subscriber_the_title_and_a_link_only(staff):
    article = ArticleFactory(title="Knee pain on stairs")
    comment = subscribed_comment(article)
    assert comment.notify_replies
    reply = moderation.reply_as_clinic(comment, by=staff, body="We answered your knee question here.")
    [email] = reply_emails()
    assert email.to == ["ana@example.com"]
    assert "Knee pain on stairs" in email.subject
    assert "Tidewater Physical Therapy replied" in email.message
    assert f"/blog/comments/{reply.pk}/" in email.message
    text = email.subject + email.message + (email.html_message or "")
    assert SECRET_WORDS not in text
    assert "knee question" not in text


def test_the_email_carries_one_click_unsubscribe_headers(staff):
    comment = subscribed_comment(ArticleFactory())
    moderation.reply_as_clinic(comment, by=staff, body="Hello")
    [email] = reply_emails()
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http\S+/blog/comments/unsubscribe/\?token=\S+>", email.headers["List-Unsubscribe"])


def test_a_readers_reply_is_emailed_only_once_published_and_without_the_repliers_name(staff):
    article = ArticleFactory()
    comment = subscribed_comment(article)
    reply = post_comment(
        Client(), article, name="Sam Whitfield", email="sam@example.com", parent=str(comment.pk)
    )
    assert reply.status == Comment.Status.PENDING
    assert reply_emails() == []
    moderation.approve(reply, by=staff)
    [email] = reply_emails()
    assert "Someone replied" in email.message
    assert "Sam" not in email.subject + email.message


def test_an_edit_that_goes_back_to_moderation_does_not_email_again(staff):
    article = ArticleFactory()
    comment = subscribed_comment(article)
    reply = CommentFactory(article=article, parent=comment, status=Comment.Status.PENDING)
    moderation.approve(reply, by=staff)
    cache.clear()  # an hour later
    moderation.edit_by_author(reply, body="Changed", trusted=False)
    moderation.approve(reply, by=staff)
    assert len(reply_emails()) == 1


def test_at_most_one_email_an_hour_per_thread_per_subscriber(staff):
    article = ArticleFactory()
    comment = subscribed_comment(article)
    moderation.reply_as_clinic(comment, by=staff, body="One")
    moderation.reply_as_clinic(comment, by=staff, body="Two")
    assert len(reply_emails()) == 1
    other = subscribed_comment(ArticleFactory())
    moderation.reply_as_clinic(other, by=staff, body="Another article")
    assert len(reply_emails()) == 2


def test_the_box_ticked_in_a_browser_that_did_not_confirm_the_address_is_not_kept(staff):
    article = ArticleFactory()
    VerifiedAddress.objects.create(email="ana@example.com")
    comment = post_comment(Client(), article, email="ana@example.com", notify_replies="on")
    assert not comment.notify_replies
    moderation.approve(comment, by=staff)
    moderation.reply_as_clinic(comment, by=staff, body="Hello")
    assert reply_emails() == []


def test_nothing_goes_to_an_address_no_longer_verified(staff):
    comment = subscribed_comment(ArticleFactory())
    VerifiedAddress.objects.all().delete()
    moderation.reply_as_clinic(comment, by=staff, body="Hello")
    assert reply_emails() == []


def test_nobody_is_told_of_their_own_reply():
    article = ArticleFactory()
    browser = Client()
    confirm_address(browser, "ana@example.com")
    comment = post_comment(browser, article, notify_replies="on")
    post_comment(browser, article, parent=str(comment.pk), body="Adding to my own comment")
    assert reply_emails() == []


def unsubscribe_links(email):
    return re.findall(r"https?://\S+(/blog/comments/unsubscribe/\?token=\S+)", email.message)


def test_a_get_of_the_link_only_shows_a_button(staff):
    comment = subscribed_comment(ArticleFactory())
    moderation.reply_as_clinic(comment, by=staff, body="Hello")
    thread_off, _all_off = unsubscribe_links(reply_emails()[0])
    response = Client().get(thread_off)
    assert response.status_code == 200
    assert "Stop these emails" in response.content.decode()
    comment.refresh_from_db()
    assert comment.notify_replies


def test_the_one_click_post_stops_the_emails_for_that_thread_without_a_csrf_token(staff):
    article, elsewhere = ArticleFactory(), ArticleFactory()
    comment = subscribed_comment(article)
    other = subscribed_comment(elsewhere)
    moderation.reply_as_clinic(comment, by=staff, body="Hello")
    thread_off, _all_off = unsubscribe_links(reply_emails()[0])
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        thread_off, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "no more emails about replies" in response.content.decode()
    comment.refresh_from_db()
    other.refresh_from_db()
    assert not comment.notify_replies
    assert other.notify_replies


def test_the_header_link_stops_them_for_all_threads(staff):
    comment = subscribed_comment(ArticleFactory())
    other = subscribed_comment(ArticleFactory())
    moderation.reply_as_clinic(comment, by=staff, body="Hello")
    [email] = reply_emails()
    header = email.headers["List-Unsubscribe"].strip("<>")
    Client(enforce_csrf_checks=True).post(header, {"List-Unsubscribe": "One-Click"})
    assert not Comment.objects.filter(notify_replies=True).exists()
    assert subscriptions.subscribed(other.email).count() == 0
    cache.clear()
    other.refresh_from_db()
    moderation.reply_as_clinic(other, by=staff, body="After unsubscribing")
    assert len(reply_emails()) == 1


@pytest.mark.parametrize("token", ["", "forged", "W1sxLDJdXQ:1abc:xyz"])
def test_a_forged_link_is_a_400_and_changes_nothing(client, token):
    comment = subscribed_comment(ArticleFactory())
    response = client.post(reverse("comments:unsubscribe"), {"token": token})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.notify_replies


def test_a_removed_comment_gets_no_reply_emails(client, staff):
    article = ArticleFactory()
    comment = subscribed_comment(article)
    CommentFactory(article=article, parent=comment)
    moderation.remove_by_author(comment)
    comment.refresh_from_db()
    assert not comment.notify_replies
