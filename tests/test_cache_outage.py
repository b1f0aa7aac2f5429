"""With Redis down: pages are served uncached, posts still work, and every answer tells the truth:
what a reader is told was counted or saved is stored, nothing else is (clinic_site/cache.py)."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from blog.comments.models import Comment
from blog.models import Article, ArticleLike
from tests.blog.comments.helpers import comment_data
from tests.factories import ArticleFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_down")]

READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def test_the_article_page_is_served_uncached_and_its_view_counted_in_the_database():
    article = ArticleFactory()
    for _ in range(3):
        assert Client(headers=READER).get(article.get_absolute_url()).status_code == 200
    article.refresh_from_db()
    assert article.view_count == 3


def test_every_like_a_reader_is_told_was_counted_is_stored_and_no_other():
    article = ArticleFactory()
    told_counted = 0
    for _ in range(12):  # more than LIKES_RATE_LIMIT: without the cache the limit cannot count
        reader = Client(headers=READER)
        reader.get(article.get_absolute_url())
        response = reader.post(reverse("blog:article_like", args=[article.slug]), follow=True)
        assert response.status_code == 200
        told_counted += "your like is counted" in response.content.decode()
    article.refresh_from_db()
    assert told_counted == ArticleLike.objects.filter(article=article).count() == article.like_count == 12


def test_a_comment_is_taken_and_held_for_a_moderator():
    article = ArticleFactory()
    client = Client(headers=READER)
    response = client.post(reverse("comments:create", args=[article.slug]), comment_data())
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "cache was down" in comment.held_reason


def test_staff_sign_in_and_the_admin_work_on_database_sessions():
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_outage_is_logged_once_not_per_request(caplog):
    article = ArticleFactory()
    with caplog.at_level(logging.ERROR, logger="clinic_site.cache"):
        for _ in range(5):
            Client(headers=READER).get(article.get_absolute_url())
    assert len([r for r in caplog.records if r.name == "clinic_site.cache"]) == 1


def test_healthz_reports_the_cache_but_stays_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: unreachable\n"


def test_the_page_shows_the_view_count_the_database_holds():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(view_count=41)
    assert "41" in Client(headers=READER).get(article.get_absolute_url()).content.decode()
