"""The admin's two long lists, comments and inquiries: the same queries at any size, filters and
the date drill-down that still work, and the indexes they read (clinic_site/admin_lists.py)."""

from datetime import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from blog.comments.models import Comment
from clinic_site.admin_lists import EstimatedCountPaginator
from inquiries.models import Inquiry
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    ConditionFactory,
    InquiryFactory,
    LocationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

COMMENTS = reverse("admin:comments_comment_changelist")
INQUIRIES = reverse("admin:inquiries_inquiry_changelist")
COMMENT_PAGES = [
    "",
    "?status__exact=pending",
    "?language__exact=es",
    "?is_staff_reply__exact=1",
    "?q=helpful",
    "?o=-7",
    "?created_at__year=2026&created_at__month=3",
]
INQUIRY_PAGES = [
    "",
    "?open=yes",
    "?appointment=requested",
    "?assigned=nobody",
    "?q=Pat",
    "?o=-8",
    "?received_at__year=2026",
]


@pytest.fixture
def owner_client(client):
    client.force_login(StaffFactory(username="owner-of-the-lists", is_superuser=True))
    return client


def add_comments(count):
    articles = ArticleFactory.create_batch(3)
    for number in range(count):
        parent = CommentFactory(article=articles[number % 3], status=Comment.Status.PENDING)
        CommentFactory(article=parent.article, parent=parent)


def add_inquiries(count):
    locations, conditions = LocationFactory.create_batch(2), ConditionFactory.create_batch(2)
    for number in range(count):
        InquiryFactory(location=locations[number % 2], condition=conditions[number % 2])


def queries_of(client, url):
    client.get(url)  # what every admin page reads once, then from the cache (the practice's name)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("query", COMMENT_PAGES)
def test_a_comment_list_page_costs_the_same_queries_for_2_or_40_comments(owner_client, query):
    add_comments(1)
    few = queries_of(owner_client, COMMENTS + query)
    add_comments(20)
    assert queries_of(owner_client, COMMENTS + query) == few


@pytest.mark.parametrize("query", INQUIRY_PAGES)
def test_an_inquiry_list_page_costs_the_same_queries_for_1_or_30_inquiries(owner_client, query):
    add_inquiries(1)
    few = queries_of(owner_client, INQUIRIES + query)
    add_inquiries(29)
    assert queries_of(owner_client, INQUIRIES + query) == few


def test_the_article_filter_offers_articles_with_comments_waiting_and_filters_by_any(owner_client):
    waiting = CommentFactory(status=Comment.Status.PENDING, body="Does this help sciatica?")
    quiet = CommentFactory(body="Only approved words here.")
    html = owner_client.get(COMMENTS).content.decode()
    assert f"?article__id__exact={waiting.article_id}" in html
    # A row's article links to the list of that article's comments, offered in the filter or not.
    html = owner_client.get(COMMENTS, {"article__id__exact": quiet.article_id}).content.decode()
    assert "Only approved words here." in html
    assert "Does this help sciatica?" not in html
    assert owner_client.get(COMMENTS, {"article__id__exact": "nine"}).status_code == 200


def test_a_rows_article_link_keeps_the_lists_other_filters(owner_client):
    waiting = CommentFactory(status=Comment.Status.PENDING, body="Does this help sciatica?")
    CommentFactory(status=Comment.Status.PENDING, article=waiting.article, body="And for a knee?")
    CommentFactory(article=waiting.article, body="Approved already, sciatica.")
    # On page 1 of the waiting comments that mention sciatica.
    html = owner_client.get(
        COMMENTS, {"status__exact": "pending", "q": "sciatica", "p": "1"}
    ).content.decode()
    # The row's link keeps the status and the search, not the page.
    link = f"?status__exact=pending&amp;q=sciatica&amp;article__id__exact={waiting.article_id}"
    assert f'<a href="{link}">' in html
    followed = owner_client.get(COMMENTS + link.replace("&amp;", "&")).content.decode()
    assert "Does this help sciatica?" in followed
    assert "And for a knee?" not in followed
    assert "Approved already, sciatica." not in followed
    # There, the article is named once in each row's link.
    assert f'<a href="{link}">' in followed


def test_the_date_drill_down_lists_the_months_and_days_that_have_comments(owner_client):
    for moment in (datetime(2025, 3, 4, 12), datetime(2026, 5, 6, 12), datetime(2026, 5, 20, 12)):
        CommentFactory(created_at=timezone.make_aware(moment))
    years = owner_client.get(COMMENTS).content.decode()
    assert "created_at__year=2025" in years and "created_at__year=2026" in years
    months = owner_client.get(COMMENTS, {"created_at__year": 2026}).content.decode()
    assert "created_at__month=5" in months and "created_at__month=3" not in months
    days = owner_client.get(COMMENTS, {"created_at__year": 2026, "created_at__month": 5}).content.decode()
    assert "created_at__day=6" in days and "created_at__day=20" in days and "created_at__day=7" not in days


def test_the_comment_list_shows_the_newest_first(owner_client):
    older = CommentFactory(created_at=timezone.make_aware(datetime(2026, 5, 6, 12)))
    newer = CommentFactory(created_at=timezone.make_aware(datetime(2026, 5, 7, 12)))
    assert list(owner_client.get(COMMENTS).context["cl"].result_list) == [newer, older]


def test_the_inquiry_filters_still_narrow_the_list(owner_client):
    add_inquiries(4)
    location = Inquiry.objects.first().location
    response = owner_client.get(INQUIRIES, {"location__id__exact": location.pk})
    assert response.context["cl"].result_count == 2


def test_an_unfiltered_list_is_counted_exactly_on_sqlite_and_on_a_small_table():
    CommentFactory.create_batch(3)
    assert EstimatedCountPaginator(Comment.objects.all(), 50).count == 3


@pytest.mark.parametrize(
    ("table", "names"),
    [
        (
            "comments_comment",
            {"comment_created_idx", "comment_language_created_idx", "comment_staff_created_idx"},
        ),
        (
            "inquiries_inquiry",
            {
                "inquiry_received_idx",
                "inquiry_location_recv_idx",
                "inquiry_condition_recv_idx",
                "inquiry_assignee_recv_idx",
                "inquiry_language_recv_idx",
            },
        ),
    ],
)
def test_the_lists_filters_and_order_have_their_indexes(table, names):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert names <= set(constraints)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_the_search_boxes_have_trigram_indexes_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('comment_search_trgm_idx', 'comment_name_key_trgm_idx', 'inquiry_search_trgm_idx',"
            " 'inquiry_reference_upper_idx')"
        )
        assert len(cursor.fetchall()) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics are PostgreSQL's")
def test_an_unfiltered_list_on_postgresql_is_counted_from_the_statistics():
    CommentFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    paginator = EstimatedCountPaginator(Comment.objects.all(), 50)
    paginator.exact_below = 0
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    assert "COUNT(" not in queries[0]["sql"].upper()
    assert EstimatedCountPaginator(Comment.objects.filter(status="spam"), 50).count == 0


@pytest.mark.parametrize(("url", "add"), [(COMMENTS, add_comments), (INQUIRIES, add_inquiries)])
def test_each_row_has_the_selection_checkbox_django_would_render(owner_client, url, add):
    add(2)
    response = owner_client.get(url)
    model_admin = response.context["cl"].model_admin
    html = response.content.decode()
    for obj in response.context["cl"].result_list:
        # Django's own rendering of the same row's checkbox, through the form renderer.
        expected = admin.ModelAdmin.action_checkbox(model_admin, obj)
        assertContains(response, expected, html=True)
    assert html.count('class="action-select"') == len(response.context["cl"].result_list)


def test_the_inquiry_list_shows_50_a_page(owner_client):
    add_inquiries(51)
    first = owner_client.get(INQUIRIES)
    assert len(first.context["cl"].result_list) == 50
    assert len(owner_client.get(INQUIRIES, {"p": 2}).context["cl"].result_list) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics are PostgreSQL's")
def test_the_comment_list_unfiltered_is_counted_from_the_statistics(owner_client, monkeypatch):
    add_comments(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 0)
    with CaptureQueriesContext(connection) as queries:
        assert owner_client.get(COMMENTS).status_code == 200
    # The paginator's count of the whole list (a filter's own counts of waiting comments aside).
    assert not [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "comments_comment"')
    ]
