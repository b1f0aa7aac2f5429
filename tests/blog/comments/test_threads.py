"""Long threads come a page at a time: COMMENTS_PER_PAGE top-level threads, replies with their thread."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from blog.comments import moderation, threads
from blog.comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_threads_a_page(settings):
    settings.COMMENTS_PER_PAGE = 3


def conversation(article, count, replies=1):
    """``count`` top-level comments an hour apart, oldest first, each with ``replies`` replies."""
    start = timezone.now() - timedelta(days=30)
    roots = []
    for n in range(count):
        at = start + timedelta(hours=n)
        root = CommentFactory(article=article, name=f"Root {n}", created_at=at)
        for r in range(replies):
            CommentFactory(
                article=article, parent=root, name=f"Reply {n}.{r}", created_at=at + timedelta(minutes=r + 1)
            )
        roots.append(root)
    return roots


def names_on(html):
    return re.findall(r'id="comment-\d+-by">([^<]+)<', html)


def get(client, article, query=""):
    return client.get(article.get_absolute_url() + query)


def test_the_first_page_holds_the_oldest_threads_with_their_replies(client):
    article = ArticleFactory()
    conversation(article, 7)
    html = get(client, article).content.decode()
    assert names_on(html) == ["Root 0", "Reply 0.0", "Root 1", "Reply 1.0", "Root 2", "Reply 2.0"]
    assert "14 comments" in html  # the whole thread's count, not the page's


def test_cpage_gives_the_next_threads_and_the_last_page_what_is_left(client):
    article = ArticleFactory()
    conversation(article, 7)
    assert names_on(get(client, article, "?cpage=2").content.decode())[::2] == ["Root 3", "Root 4", "Root 5"]
    assert names_on(get(client, article, "?cpage=3").content.decode()) == ["Root 6", "Reply 6.0"]


def test_newest_first_turns_the_threads_round_but_not_their_replies(client):
    article = ArticleFactory()
    conversation(article, 4, replies=2)
    html = get(client, article, "?comments=newest").content.decode()
    assert names_on(html) == [
        "Root 3",
        "Reply 3.0",
        "Reply 3.1",
        "Root 2",
        "Reply 2.0",
        "Reply 2.1",
        "Root 1",
        "Reply 1.0",
        "Reply 1.1",
    ]
    assert names_on(get(client, article, "?comments=newest&cpage=2").content.decode()) == [
        "Root 0",
        "Reply 0.0",
        "Reply 0.1",
    ]


def test_page_links_are_plain_links_with_rel_next_and_prev(client):
    article = ArticleFactory()
    conversation(article, 7)
    url = article.get_absolute_url()
    html = get(client, article, "?cpage=2").content.decode()
    assert f'<a class="page-link" rel="prev" href="{url}#comments">' in html
    assert f'<a class="page-link" rel="next" href="{url}?cpage=3#comments">' in html
    assert f'<link rel="prev" href="{url}">' in html
    assert f'<link rel="next" href="{url}?cpage=3">' in html
    assert (
        '<span class="page-link" aria-current="page"><span class="visually-hidden">Page </span>2</span>'
        in html
    )


def test_newest_first_pages_keep_their_order_in_the_links(client):
    article = ArticleFactory()
    conversation(article, 7)
    html = get(client, article, "?comments=newest").content.decode()
    assert f'rel="next" href="{article.get_absolute_url()}?cpage=2&amp;comments=newest#comments"' in html


def test_a_short_thread_has_no_page_links(client):
    article = ArticleFactory()
    conversation(article, 3)
    html = get(client, article).content.decode()
    assert 'aria-label="Pages of comments"' not in html
    assert 'rel="next"' not in html


@pytest.mark.parametrize("query", ["?cpage=0", "?cpage=abc", "?cpage=4", "?cpage=%C2%B2", "?comments=random"])
def test_a_page_that_does_not_exist_is_a_404(client, query):
    article = ArticleFactory()
    conversation(article, 7)
    assert get(client, article, query).status_code == 404


def test_a_thread_whose_root_was_rejected_keeps_its_public_replies():
    article = ArticleFactory()
    [root] = conversation(article, 1)
    root.status = Comment.Status.REJECTED
    root.save()
    html = threads.page(article).html
    assert names_on(html) == ["Reply 0.0"]


def test_the_comment_address_redirects_to_the_page_and_anchor_that_hold_it(client):
    article = ArticleFactory()
    roots = conversation(article, 7)
    reply = roots[4].replies.get()
    response = client.get(reverse("comments:show", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#comment-{reply.pk}"
    first = client.get(reverse("comments:show", args=[roots[0].pk]))
    assert first["Location"] == f"{article.get_absolute_url()}#comment-{roots[0].pk}"


def test_the_comment_address_in_the_other_language_keeps_to_the_page_that_shows_its_thread(client):
    """A Spanish reader (or staff with the admin in Spanish) sent to a comment on an English article
    with a Spanish translation gets the English page: the Spanish one has its own thread."""
    original = ArticleFactory(slug="neck")
    ArticleFactory(slug="cuello", language="es", translation_of=original)
    comment = CommentFactory(article=original)
    with translation.override("es"):
        url = reverse("comments:show", args=[comment.pk])
    assert client.get(url)["Location"] == f"/blog/neck/#comment-{comment.pk}"


def test_the_comment_address_of_an_untranslated_article_stays_in_the_readers_language(client):
    comment = CommentFactory(article=ArticleFactory(slug="neck"))
    with translation.override("es"):
        url = reverse("comments:show", args=[comment.pk])
    assert client.get(url)["Location"] == f"/es/blog/neck/#comment-{comment.pk}"


def test_the_comment_address_of_a_comment_readers_cannot_see_is_a_404(client):
    pending = CommentFactory(status=Comment.Status.PENDING)
    assert client.get(reverse("comments:show", args=[pending.pk])).status_code == 404
    assert client.get(reverse("comments:show", args=[999999])).status_code == 404


def test_every_page_and_order_is_retired_by_a_change():
    article = ArticleFactory()
    roots = conversation(article, 7)
    before = [threads.page(article, n, order) for n in (1, 2) for order in threads.Order.values]
    CommentFactory(article=article, parent=roots[4], name="Late reply")
    threads.retire(article)
    after = [threads.page(article, n, order) for n in (1, 2) for order in threads.Order.values]
    assert all(old.count + 1 == new.count for old, new in zip(before, after, strict=True))
    assert "Late reply" in threads.page(article, 2).html


def test_a_second_reader_of_a_later_page_gets_it_from_the_cache(django_assert_num_queries):
    article = ArticleFactory()
    conversation(article, 7)
    first_reader = get(Client(), article, "?cpage=3").content
    with django_assert_num_queries(0):
        assert get(Client(), article, "?cpage=3").content == first_reader
    assert names_on(first_reader.decode()) == ["Root 6", "Reply 6.0"]


def test_each_page_and_order_is_stored_apart():
    article = ArticleFactory()
    conversation(article, 7)
    for query in ("", "?cpage=2", "?cpage=2&comments=newest", "?comments=newest"):
        get(Client(), article, query)
    second = get(Client(), article, "?cpage=2").content.decode()
    assert names_on(second)[::2] == ["Root 3", "Root 4", "Root 5"]
    assert names_on(get(Client(), article, "?cpage=2&comments=newest").content.decode())[::2] == [
        "Root 3",
        "Root 2",
        "Root 1",
    ]
    assert names_on(get(Client(), article, "?comments=newest").content.decode())[0] == "Root 6"


def test_a_comment_approved_on_a_later_page_shows_there_at_once():
    article = ArticleFactory()
    roots = conversation(article, 7)
    get(Client(), article, "?cpage=2")
    late = CommentFactory(article=article, parent=roots[4], name="Late reply", status="pending")
    moderation.approve(late, by=StaffFactory())
    assert "Late reply" in names_on(get(Client(), article, "?cpage=2").content.decode())


@pytest.mark.parametrize("query", ["?cpage=2&utm_source=mail", "?comments=newest&cpage=2", "?cpage=02"])
def test_other_query_strings_are_rendered_for_their_reader(query):
    article = ArticleFactory()
    conversation(article, 7)
    get(Client(), article, query)
    with CaptureQueriesContext(connection) as captured:
        assert get(Client(), article, query).status_code == 200
    assert len(captured) > 0


def _count_queries(article, query):
    with CaptureQueriesContext(connection) as captured:
        assert get(Client(), article, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["?cpage=1", "?cpage=2", "?comments=newest&cpage=2"])
def test_a_page_takes_as_many_queries_for_a_long_thread_as_for_a_short_one(django_assert_num_queries, query):
    warm_up, short, long = ArticleFactory(), ArticleFactory(), ArticleFactory()
    conversation(short, 4)
    conversation(long, 60, replies=3)
    _count_queries(warm_up, "")
    with django_assert_num_queries(_count_queries(short, query)):
        assert get(Client(), long, query).status_code == 200
