"""A commenter changes or deletes their own comment: from the same browser for a while, or by the link."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from blog.comments import authorship
from blog.comments.models import Comment
from tests.blog.comments.helpers import comment_data, confirm_address
from tests.factories import ArticleFactory, CommentFactory
from tests.landing import assert_said_where_reader_lands

pytestmark = pytest.mark.django_db


def post_comment(client, article, **overrides):
    response = client.post(reverse("comments:create", args=[article.slug]), comment_data(**overrides))
    assert response.status_code == 303
    return Comment.objects.latest("pk")


def edit_url(comment):
    return reverse("comments:edit", args=[comment.pk])


def delete_url(comment):
    return reverse("comments:delete", args=[comment.pk])


def edit_link_in_email():
    email = Email.objects.filter(subject__contains="Confirm your address").latest("pk")
    return re.search(r"https?://\S+(/blog/comments/\d+/edit/\?token=\S+)", email.message).group(1)


def test_the_browser_that_sent_a_comment_may_change_it_and_it_is_marked_edited(client):
    article = ArticleFactory()
    confirm_address(client, "ana@example.com")
    comment = post_comment(client, article, body="My neck feels btter.")
    assert comment.status == Comment.Status.APPROVED
    response = client.post(edit_url(comment), {"body": "My neck feels better."})
    assert response.status_code == 303
    assert_said_where_reader_lands(client, response, "Your comment is changed.")
    comment.refresh_from_db()
    assert comment.body == "My neck feels better."
    assert comment.edited_at is not None
    assert comment.status == Comment.Status.APPROVED  # a verified author in the same browser
    html = client.get(article.get_absolute_url()).content.decode()
    assert "My neck feels better." in html
    assert '<span class="comment-edited small text-muted">· edited</span>' in html


def test_the_article_page_offers_that_browser_its_recent_comments_to_change(client):
    article = ArticleFactory()
    comment = post_comment(client, article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{edit_url(comment)}"' in html
    assert f'href="{delete_url(comment)}"' in html


def test_another_browser_may_not_change_it_and_is_told_how(client):
    comment = post_comment(client, ArticleFactory())
    stranger = Client()
    response = stranger.get(edit_url(comment))
    assert response.status_code == 403
    assert "from the link in the email" in response.content.decode()
    assert stranger.post(edit_url(comment), {"body": "Defaced"}).status_code == 403
    assert stranger.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.body == comment_data()["body"]


def test_after_the_edit_window_the_browser_may_not_change_it_any_more(client, settings):
    comment = post_comment(client, ArticleFactory())
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.COMMENTS_EDIT_MINUTES, seconds=1)
    )
    assert client.get(edit_url(comment)).status_code == 403


def test_the_cookie_cannot_be_forged_for_another_comment(client):
    mine = post_comment(client, ArticleFactory())
    theirs = CommentFactory(article=mine.article)
    forged = client.cookies[authorship.COOKIE_NAME].value.replace(str(mine.pk), str(theirs.pk), 1)
    client.cookies[authorship.COOKIE_NAME] = forged
    assert client.get(edit_url(theirs)).status_code == 403


def test_the_emailed_link_changes_the_comment_from_any_browser_at_any_time(client):
    comment = post_comment(client, ArticleFactory(), body="Frist!")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=40))
    link = edit_link_in_email()
    elsewhere = Client()
    page = elsewhere.get(link)
    assert page.status_code == 200
    assert "Frist!" in page.content.decode()
    token = link.split("token=", 1)[1]
    response = elsewhere.post(edit_url(comment), {"body": "First!", "token": token})
    assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.body == "First!"


def test_a_link_for_one_comment_does_not_open_another(client):
    post_comment(client, ArticleFactory())
    token = edit_link_in_email().split("token=", 1)[1]
    other = CommentFactory()
    assert Client().get(edit_url(other), {"token": token}).status_code == 403
    assert Client().get(edit_url(other), {"token": "forged"}).status_code == 403


def test_an_edit_to_a_published_comment_of_an_unverified_author_goes_back_to_moderation(client, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["moderator@example.com"]
    article = ArticleFactory()
    comment = post_comment(client, article, body="Helpful article.")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)  # a moderator approved it
    Email.objects.all().delete()
    cache.clear()  # the moderators' quarter hour has passed
    response = client.post(edit_url(comment), {"body": "Visit my shop instead."})
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert_said_where_reader_lands(
        client, response, "Your comment is changed. It will appear once a moderator has read it."
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Visit my shop" not in Client().get(article.get_absolute_url()).content.decode()
    [notice] = Email.objects.all()
    assert "awaits moderation" in notice.subject
    assert "Visit my shop" not in notice.subject + notice.message


def test_an_edit_that_adds_a_blocked_word_holds_even_a_verified_author(client):
    confirm_address(client, "ana@example.com")
    comment = post_comment(client, ArticleFactory())
    client.post(edit_url(comment), {"body": "Try the casino"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "blocked words" in comment.held_reason


def test_an_edit_with_a_blocked_domain_is_refused_with_a_400(client):
    comment = post_comment(client, ArticleFactory())
    response = client.post(edit_url(comment), {"body": "see bit.ly/x"})
    assert response.status_code == 400
    assert "Links to bit.ly are not accepted" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == comment_data()["body"]


def test_an_empty_edit_is_a_400_with_the_form_again(client):
    comment = post_comment(client, ArticleFactory())
    response = client.post(edit_url(comment), {"body": ""})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()


def test_the_delete_page_asks_first_and_a_get_deletes_nothing(client):
    comment = post_comment(client, ArticleFactory())
    response = client.get(delete_url(comment))
    assert response.status_code == 200
    assert "Delete my comment" in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_deleted_comment_without_replies_disappears(client):
    article = ArticleFactory()
    confirm_address(client, "ana@example.com")
    comment = post_comment(client, article, body="Gone soon")
    client.get(article.get_absolute_url())  # cached thread
    response = client.post(delete_url(comment))
    assert response.status_code == 303
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert_said_where_reader_lands(client, response, "Your comment is deleted.")
    assert "Gone soon" not in Client().get(article.get_absolute_url()).content.decode()
    # The Back button, to the page it was deleted from: said plainly, not "Page not found".
    back = client.get(delete_url(comment))
    assert back.status_code == 404
    assert "This comment is no longer there" in back.content.decode()


def test_a_deleted_comment_with_replies_leaves_removed_by_its_author_without_name_or_words(client):
    article = ArticleFactory()
    confirm_address(client, "ana@example.com")
    comment = post_comment(client, article, name="Ana Lopez", body="My story")
    CommentFactory(article=article, parent=comment, name="Sam", body="Thanks for sharing")
    client.post(delete_url(comment))
    comment.refresh_from_db()
    assert comment.is_removed
    assert (comment.name, comment.email, comment.body) == ("", "", "")
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Removed by its author" in html
    assert "Ana Lopez" not in html
    assert "My story" not in html
    assert "Thanks for sharing" in html
    assert "Replying to a removed comment" in html
    assert "1 comment" in html


def test_a_placeholder_goes_when_its_last_reply_is_deleted(client):
    article = ArticleFactory()
    placeholder = CommentFactory(article=article, name="", email="", body="", removed_at=timezone.now())
    reply = post_comment(client, article, parent=str(CommentFactory(article=article).pk))
    reply.parent = placeholder
    reply.save()
    client.post(delete_url(reply))
    assert not Comment.objects.filter(pk__in=[placeholder.pk, reply.pk]).exists()


def test_a_removed_comment_cannot_be_replied_to_or_changed(client):
    article = ArticleFactory()
    placeholder = CommentFactory(article=article, name="", email="", body="", removed_at=timezone.now())
    CommentFactory(article=article, parent=placeholder)
    response = client.post(
        reverse("comments:create", args=[article.slug]), comment_data(parent=str(placeholder.pk))
    )
    assert response.status_code == 400
    assert not authorship.editable(placeholder)


def test_the_confirmation_email_holds_the_edit_link_and_not_the_words(client):
    post_comment(client, ArticleFactory(), body="About my sciatica")
    email = Email.objects.filter(subject__contains="Confirm your address").get()
    assert edit_link_in_email()
    assert "sciatica" not in email.subject + email.message


def test_a_browser_holding_the_edit_cookie_is_never_served_the_cached_page_nor_fills_it(client, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    article = ArticleFactory()
    comment = post_comment(client, article)
    client.cookies.pop("messages", None)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{edit_url(comment)}"' in html
    assert edit_url(comment) not in Client().get(article.get_absolute_url()).content.decode()
