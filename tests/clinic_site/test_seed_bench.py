"""seed_bench: the benchmark's content in bulk, and pages that cost the same at any size."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from blog.comments.models import Comment
from blog.models import Article
from inquiries.models import Inquiry

pytestmark = pytest.mark.django_db(transaction=True)


def test_adds_articles_comments_and_inquiries_in_bulk_on_top_of_the_demo():
    call_command("seed_bench", size="small", articles=30, comments=300, inquiries=40)
    bench = Article.objects.filter(slug__startswith="bench-")
    assert bench.count() == 30
    assert bench.filter(language="es").count() == 3
    assert all(article.conditions.count() == 2 for article in bench[:5])
    assert Comment.objects.filter(name__startswith="Bench reader ").count() == 300
    assert Inquiry.objects.count() == 40
    assert len(set(Inquiry.objects.values_list("reference", flat=True))) == 40


def test_a_second_run_adds_nothing_and_a_larger_size_tops_the_first_up():
    def counts():
        return Article.objects.count(), Comment.objects.count(), Inquiry.objects.count()

    call_command("seed_bench", size="small", articles=12, comments=50, inquiries=8)
    first = counts()
    call_command("seed_bench", size="small", articles=12, comments=50, inquiries=8)
    assert counts() == first
    call_command("seed_bench", size="small", articles=20, comments=80, inquiries=10)
    assert counts() == (first[0] + 8, first[1] + 30, first[2] + 2)
    assert Comment.objects.filter(name__startswith="Bench reader ").count() == 80
    assert len(set(Inquiry.objects.values_list("reference", flat=True))) == 10


def test_the_blog_list_costs_the_same_queries_whatever_the_number_of_articles(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.BLOG_PAGE_CACHE_SECONDS = 0  # every request rendered: its own queries are counted

    def list_queries(page):
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(reverse("blog:article_list"), {"page": page}).status_code == 200
        return len(queries)

    call_command("seed_bench", size="small", articles=25, comments=0, inquiries=0)
    few = list_queries(2)
    call_command("seed_bench", size="small", articles=200, comments=0, inquiries=0)
    assert list_queries(2) == few
    assert list_queries(15) == few


def test_every_public_page_costs_the_same_queries_whatever_the_size(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.BLOG_PAGE_CACHE_SECONDS = 0  # every request rendered: its own queries are counted
    article = "/blog/myofascial-release-explained/"
    paths = [
        reverse("home"),
        reverse("blog:article_list") + "?q=pain",
        article,
        article + "?cpage=2",
        reverse("blog:condition_list"),
        reverse("blog:feed"),
        reverse("sitemap"),
        reverse("inquiries:new"),
    ]

    def queries_per_page():
        cache.clear()  # the comment threads' fragments too: each page's full cost, both times
        counts = {}
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert Client().get(path).status_code == 200, path
            counts[path] = len(queries)
        return counts

    call_command("seed_bench", size="small", articles=20, comments=20, inquiries=10)
    few = queries_per_page()
    call_command("seed_bench", size="small", articles=300, comments=600, inquiries=300)
    assert queries_per_page() == few
