import gzip

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.comments import moderation
from clinic_site import practice
from tests.factories import (
    ArticleEditorFactory,
    ArticleFactory,
    ClinicianFactory,
    CommentFactory,
    ReferenceFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def read(client, article, **headers):
    return client.get(article.get_absolute_url(), headers={**READER, **headers})


def test_a_second_anonymous_reader_gets_the_page_without_a_database_query(client, django_assert_num_queries):
    article = ArticleFactory(title="Myofascial release, explained")
    read(Client(), article)
    with django_assert_num_queries(0):
        response = read(client, article)
    assert response.status_code == 200
    assert "Myofascial release, explained" in response.content.decode()


def test_every_anonymous_reader_gets_the_same_page():
    article = ArticleFactory()
    CommentFactory(article=article)
    first = read(Client(), article).content
    assert read(Client(), article).content == first


def test_the_cached_page_is_sent_compressed_to_browsers_that_accept_it(client):
    article = ArticleFactory(title="Neck pain at the desk")
    read(Client(), article)
    response = read(client, article, **{"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Neck pain at the desk" in gzip.decompress(response.content).decode()


def test_views_served_from_the_cache_are_counted(settings):
    settings.BLOG_VIEW_FLUSH_EVERY = 3
    article = ArticleFactory()
    for _ in range(3):
        read(Client(), article)
    article.refresh_from_db()
    assert article.view_count == 3


def test_an_approved_comment_shows_at_once(client):
    article = ArticleFactory()
    comment = CommentFactory(article=article, status="pending", body="Gentle and helpful.")
    assert "Gentle and helpful." not in read(client, article).content.decode()
    moderation.approve(comment, by=StaffFactory())
    assert "Gentle and helpful." in read(Client(), article).content.decode()


def test_an_edited_article_shows_at_once(client):
    article = ArticleFactory(title="Old title")
    read(client, article)
    article.title = "New title"
    article.save()
    assert "New title" in read(Client(), article).content.decode()


def test_a_like_shows_in_the_count_at_once():
    article = ArticleFactory()
    read(Client(), article)
    liker = Client()
    read(liker, article)
    liker.post(reverse("blog:article_like", args=[article.slug]))
    assert "1 like" in read(Client(), article).content.decode()


def test_a_reader_with_a_flash_message_gets_a_page_of_their_own():
    article = ArticleFactory()
    read(Client(), article)
    liker = Client()
    read(liker, article)
    response = liker.post(reverse("blog:article_like", args=[article.slug]), follow=True)
    assert "your like is counted" in response.content.decode()


def test_staff_previews_are_never_cached(client):
    draft = ArticleFactory(status="draft", title="Draft in progress")
    client.force_login(ArticleEditorFactory())
    assert read(client, draft).status_code == 200
    assert read(Client(), draft).status_code == 404


def test_the_page_cache_can_be_turned_off(settings, client):
    settings.BLOG_PAGE_CACHE_SECONDS = 0
    article = ArticleFactory()
    read(Client(), article)
    with CaptureQueriesContext(connection) as queries:
        response = read(client, article)
    assert response.status_code == 200
    assert len(queries) > 0


@pytest.mark.parametrize("host", ["127.0.0.1:6666", "localhost:8443", "localhost"])
def test_requests_naming_other_hosts_never_change_the_page_other_readers_get(settings, host):
    settings.SITE_URL = "https://pt.example"
    article = ArticleFactory()
    for _ in range(3):
        Client().get(article.get_absolute_url(), headers={**READER, "Host": host})
    page = read(Client(), article).content.decode()
    assert host not in page
    canonical = f"https://pt.example{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert f'"url": "{canonical}"' in page or f'"url":"{canonical}"' in page


@pytest.mark.parametrize("url_name", ["blog:feed", "sitemap", "robots"])
def test_feed_sitemap_and_robots_name_the_site_url_whatever_the_host(client, settings, url_name):
    settings.SITE_URL = "https://pt.example"
    ArticleFactory()
    content = client.get(reverse(url_name), headers={"Host": "127.0.0.1:6666"}).content.decode()
    assert "6666" not in content
    assert "https://pt.example/" in content


def test_requests_for_pages_that_do_not_exist_write_nothing_to_the_cache(client, monkeypatch):
    """Otherwise any number of made-up slugs would fill the cache and push out rate-limit counters."""
    from django.core.cache import cache

    practice.current()  # the practice's record is cached once, whatever the page
    writes = []
    for method in ("set", "add", "set_many", "incr"):
        original = getattr(cache, method)
        monkeypatch.setattr(
            cache, method, lambda *a, _o=original, _m=method, **k: writes.append(_m) or _o(*a, **k)
        )
    for n in range(5):
        assert (
            client.get(
                reverse("blog:article_detail", args=[f"no-such-article-{n}"]), headers=READER
            ).status_code
            == 404
        )
    assert writes == []


def test_a_renamed_clinician_shows_on_the_cached_page_at_once(client):
    article = ArticleFactory(author=ClinicianFactory(name="Maya Okafor"))
    read(client, article)
    article.author.name = "Maya Okafor-Lane"
    article.author.save()
    assert "Maya Okafor-Lane" in read(Client(), article).content.decode()


def test_a_new_reference_shows_on_the_cached_page_at_once(client):
    article = ArticleFactory()
    read(client, article)
    ReferenceFactory(article=article, title="Low back pain and sciatica in over 16s")
    assert "Low back pain and sciatica in over 16s" in read(Client(), article).content.decode()
