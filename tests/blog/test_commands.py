from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory

from blog import services
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_flush_view_counts_command_stores_pending_views():
    article = ArticleFactory()
    request = RequestFactory().get("/", headers={"user-agent": "Mozilla/5.0 Firefox/132.0"})
    request.user = AnonymousUser()
    services.record_view(article, request)
    out = StringIO()
    call_command("flush_view_counts", stdout=out)
    article.refresh_from_db()
    assert article.view_count == 1
    assert "Flushed 1" in out.getvalue()
