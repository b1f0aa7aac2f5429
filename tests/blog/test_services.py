from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.utils import timezone

from blog import services
from blog.models import Article
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
HEADLESS_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36"
)


def reader_request(user_agent=FIREFOX, user=None, method="get", **headers):
    request = getattr(RequestFactory(), method)("/", headers={"user-agent": user_agent, **headers})
    request.user = user or AnonymousUser()
    return request


def stored_views(article):
    return Article.objects.values_list("view_count", flat=True).get(pk=article.pk)


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp)",
        "Baiduspider/2.0",
        "Screaming Frog SEO Spider/19.0",
        "Mozilla/5.0 (compatible; archive.org_bot) crawler",
        "facebookexternalhit/1.1",
        "Google Web Preview",
        "curl/8.5.0",
        "python-requests/2.32",
    ],
)
def test_crawlers_and_scripts_are_bots(user_agent):
    assert services.is_bot(user_agent)


@pytest.mark.parametrize("user_agent", [FIREFOX, HEADLESS_CHROME])
def test_browsers_are_not_bots_even_headless_ones(user_agent):
    assert not services.is_bot(user_agent)


def test_a_readers_view_is_pending_not_stored():
    article = ArticleFactory()
    assert services.record_view(article, reader_request())
    assert services.pending_views(article) == 1
    assert stored_views(article) == 0


def test_a_view_does_not_touch_the_database_below_the_threshold(django_assert_num_queries):
    article = ArticleFactory()
    with django_assert_num_queries(0):
        services.record_view(article, reader_request())


def test_a_headless_browser_view_counts():
    article = ArticleFactory()
    assert services.record_view(article, reader_request(HEADLESS_CHROME))


def test_a_bot_view_does_not_count():
    article = ArticleFactory()
    assert not services.record_view(article, reader_request("Googlebot/2.1"))
    assert services.pending_views(article) == 0


def test_a_view_without_user_agent_does_not_count():
    article = ArticleFactory()
    assert not services.record_view(article, reader_request(""))


def test_a_staff_view_does_not_count():
    article = ArticleFactory()
    assert not services.record_view(article, reader_request(user=StaffFactory()))


def test_a_preview_of_a_draft_does_not_count():
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert not services.record_view(article, reader_request())


def test_a_preview_of_a_scheduled_article_does_not_count():
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    assert not services.record_view(article, reader_request())


def test_a_browser_prefetch_does_not_count():
    article = ArticleFactory()
    assert not services.record_view(article, reader_request(sec_purpose="prefetch;prerender"))


def test_a_head_request_does_not_count():
    article = ArticleFactory()
    assert not services.record_view(article, reader_request(method="head"))


def test_views_reach_the_database_at_the_threshold(settings):
    settings.BLOG_VIEW_FLUSH_EVERY = 3
    article = ArticleFactory()
    for _ in range(3):
        services.record_view(article, reader_request())
    assert stored_views(article) == 3
    assert services.pending_views(article) == 0


def test_the_flush_updates_the_article_in_hand(settings):
    settings.BLOG_VIEW_FLUSH_EVERY = 2
    article = ArticleFactory()
    services.record_view(article, reader_request())
    services.record_view(article, reader_request())
    assert article.view_count == 2


def test_the_displayed_count_adds_stored_and_pending(settings):
    settings.BLOG_VIEW_FLUSH_EVERY = 3
    article = ArticleFactory()
    for _ in range(4):
        services.record_view(article, reader_request())
    article.refresh_from_db()
    assert (article.view_count, services.displayed_view_count(article)) == (3, 4)


def test_flush_view_counts_moves_every_pending_view():
    first, second = ArticleFactory(), ArticleFactory()
    services.record_view(first, reader_request())
    services.record_view(second, reader_request())
    services.record_view(second, reader_request())
    assert services.flush_view_counts() == 3
    assert (stored_views(first), stored_views(second)) == (1, 2)
    assert services.pending_views(second) == 0


def test_flush_view_counts_twice_does_not_double_count():
    article = ArticleFactory()
    services.record_view(article, reader_request())
    services.flush_view_counts()
    services.flush_view_counts()
    assert stored_views(article) == 1


def test_two_flushes_of_the_same_views_move_them_once():
    """A threshold flush and the command racing over the same pending views."""
    article = ArticleFactory()
    for _ in range(5):
        services.record_view(article, reader_request())
    assert services._flush(article, 5) == 5
    assert services._flush(Article.objects.get(pk=article.pk), 5) == 0
    assert stored_views(article) == 5
    assert services.pending_views(article) == 0


def _fail_updates(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("UPDATE"):
        raise OperationalError("the database went away mid-flush (test)")
    return execute(sql, params, many, context)


def test_a_flush_the_database_refuses_keeps_the_views_in_the_cache_for_the_next():
    article = ArticleFactory()
    for _ in range(4):
        services.record_view(article, reader_request())
    with connection.execute_wrapper(_fail_updates), pytest.raises(OperationalError):
        services.flush_view_counts()
    assert (stored_views(article), services.pending_views(article)) == (0, 4)
    assert services.flush_view_counts() == 4
    assert (stored_views(article), services.pending_views(article)) == (4, 0)


def test_a_threshold_flush_the_database_refuses_still_counts_the_view(settings):
    settings.BLOG_VIEW_FLUSH_EVERY = 3
    article = ArticleFactory()
    services.record_view(article, reader_request())
    services.record_view(article, reader_request())
    with connection.execute_wrapper(_fail_updates):
        assert services.record_view(article, reader_request()) is True
    assert (stored_views(article), services.pending_views(article)) == (0, 3)


@pytest.mark.usefixtures("cache_down")
def test_with_the_cache_down_a_flush_moves_nothing_and_loses_nothing():
    article = ArticleFactory()
    services.record_view(article, reader_request())  # straight to the database
    assert services.flush_view_counts() == 0
    assert stored_views(article) == 1
