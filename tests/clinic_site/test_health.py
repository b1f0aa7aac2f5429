"""/healthz, and what readers get while the database does not answer (clinic_site/health.py)."""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client

from clinic_site import health
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def refuse(execute, sql, params, many, context):
    raise OperationalError("the database is down (test)")


@pytest.fixture
def database_down():
    """Every query fails, as with PostgreSQL stopped (the connection itself is left alone)."""
    with connection.execute_wrapper(refuse):
        yield


def test_healthz_answers_200_and_names_only_the_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\n"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode() == "database: unreachable\ncache: ok\n"


def test_healthz_answers_a_probe_by_address_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client(headers={"host": "10.0.0.7:8000"}).get("/healthz")
    assert response.status_code == 200


def test_healthz_leaves_no_django_log_line(client, database_down, caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_healthz_is_not_rate_limited(client):
    assert {client.get("/healthz").status_code for _ in range(50)} == {200}


def test_a_cached_article_page_is_served_while_the_database_is_down(settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    article = ArticleFactory()
    Client(headers=READER).get(article.get_absolute_url())  # cached by the first reader
    with connection.execute_wrapper(refuse):
        response = Client(headers=READER).get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_a_page_that_needs_the_database_gets_the_sites_503_page(database_down, caplog, monkeypatch):
    monkeypatch.setattr(health._log_database_down, "logged_at", -health.LOG_EVERY_SECONDS)
    article = ArticleFactory.build(slug="not-cached")
    with caplog.at_level(logging.ERROR):
        response = Client(headers=READER, raise_request_exception=False).get(f"/blog/{article.slug}/")
        Client(headers=READER, raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "it was not saved" in response.content.decode()
    assert len([r for r in caplog.records if r.name == "clinic_site.health"]) == 1


def test_a_form_post_meeting_a_database_outage_is_told_it_was_not_saved(database_down):
    from django.urls import reverse

    response = Client(raise_request_exception=False).post(reverse("inquiries:new"), {"name": "Pat"})
    assert response.status_code == 503
    assert "it was not saved" in response.content.decode()
