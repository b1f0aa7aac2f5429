import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from clinic_site.siteurl import absolute_url
from tests.factories import ArticleFactory, ClinicianFactory, ConditionFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client):
    response = client.get(reverse("blog:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_holds_published_articles_only(client):
    ArticleFactory(title="Out now")
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    assert [entry.findtext(f"{ATOM}title") for entry in feed_entries(client)] == ["Out now"]


def test_feed_entry_has_link_summary_author_and_dates(client):
    author = ClinicianFactory(name="Dana Reyes", credentials="PT")
    article = ArticleFactory(summary="In short.", author=author)
    (entry,) = feed_entries(client)
    assert entry.find(f"{ATOM}link").get("href") == absolute_url(article.get_absolute_url())
    assert entry.findtext(f"{ATOM}summary") == "In short."
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Dana Reyes, PT"
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}updated")


def test_feed_entry_names_the_co_author(client):
    ArticleFactory(
        author=ClinicianFactory(name="Dana Reyes", credentials="PT"),
        co_author=ClinicianFactory(name="Sam Okafor", credentials="PTA"),
    )
    (entry,) = feed_entries(client)
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Dana Reyes, PT with Sam Okafor, PTA"


def test_feed_entry_carries_its_conditions_as_categories(client):
    ArticleFactory(conditions=[ConditionFactory(name="Sciatica")])
    (entry,) = feed_entries(client)
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Sciatica"]
