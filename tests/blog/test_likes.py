"""Likes of articles and comments: one mechanism (blog.likes) for both."""

import pytest
from django.test import Client
from django.urls import reverse

from blog import likes
from blog.comments import moderation
from blog.models import ArticleLike
from clinic_site import generations
from tests.factories import ArticleFactory, CommentFactory, StaffFactory

pytestmark = pytest.mark.django_db

READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


@pytest.fixture(params=["article", "comment"])
def target(request):
    return ArticleFactory() if request.param == "article" else CommentFactory()


def like_url(target):
    if hasattr(target, "slug"):
        return reverse("blog:article_like", args=[target.slug])
    return reverse("comments:like", args=[target.pk])


def article_of(target):
    return getattr(target, "article", target)


def reader_likes(target, client=None):
    """A reader opens the article page, then presses the like button."""
    client = client or Client(headers=READER)
    client.get(article_of(target).get_absolute_url())
    return client.post(like_url(target))


def test_a_browser_counts_once(target):
    assert likes.add(target, browser_key="a" * 64)
    assert not likes.add(target, browser_key="a" * 64)
    assert likes.add(target, browser_key="b" * 64)
    target.refresh_from_db()
    assert target.like_count == 2


def test_a_like_already_stored_is_not_counted_again(target):
    """The unique constraint decides, as when two clicks race past any earlier check."""
    target.likes.create(browser_key="a" * 64)
    assert not likes.add(target, browser_key="a" * 64)
    target.refresh_from_db()
    assert target.like_count == 0


def test_has_liked_knows_the_browser(target):
    likes.add(target, browser_key="a" * 64)
    assert likes.has_liked(target, browser_key="a" * 64)
    assert not likes.has_liked(target, browser_key="b" * 64)
    assert not likes.has_liked(target, browser_key=None)


def test_a_browser_asked_about_before_its_like_is_known_to_like_it_after(target):
    assert not likes.has_liked(target, browser_key="a" * 64)  # kept in the cache: no
    likes.add(target, browser_key="a" * 64)
    assert likes.has_liked(target, browser_key="a" * 64)


def test_every_like_view_answers_see_other(target):
    response = reader_likes(target)
    assert response.status_code == 303
    target.refresh_from_db()
    assert target.like_count == 1


def test_a_like_from_a_browser_never_shown_the_page_is_not_counted(target):
    response = Client(headers=READER).post(like_url(target), follow=True)
    assert "could not be counted" in response.content.decode()
    target.refresh_from_db()
    assert target.like_count == 0
    assert not target.likes.exists()


def test_a_burst_of_likes_from_one_client_counts_only_up_to_the_limit(settings, target):
    settings.LIKES_RATE_LIMIT = "3/h"
    # Each press from a fresh browser (new cookies), all from the same address.
    responses = [reader_likes(target) for _ in range(10)]
    target.refresh_from_db()
    assert target.like_count == 3
    assert all(response.status_code == 303 for response in responses)


def test_the_limit_is_per_article(settings):
    settings.LIKES_RATE_LIMIT = "1/h"
    first, second = ArticleFactory(), ArticleFactory()
    reader_likes(first)
    reader_likes(second)
    assert [ArticleLike.objects.filter(article=a).count() for a in (first, second)] == [1, 1]


def test_one_like_retires_the_caches_once_and_only_its_own_article(monkeypatch, target):
    client = Client(headers=READER)
    client.get(article_of(target).get_absolute_url())
    retired = []
    monkeypatch.setattr(generations, "retire", lambda *scopes: retired.append(scopes))
    client.post(like_url(target))
    assert len(retired) == 1
    slug = article_of(target).slug
    assert all(scope != "pages" for scope in retired[0])
    assert f"article-page:{slug}" in retired[0]


def test_one_approval_retires_the_caches_once(monkeypatch):
    comment = CommentFactory(status="pending")
    retired = []
    monkeypatch.setattr(generations, "retire", lambda *scopes: retired.append(scopes))
    moderation.approve(comment, by=StaffFactory())
    assert retired == [(f"thread:{comment.article_id}", f"article-page:{comment.article.slug}")]
