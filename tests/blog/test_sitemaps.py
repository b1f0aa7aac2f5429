import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from clinic_site.siteurl import absolute_url
from tests.factories import ArticleFactory, ClinicianFactory, ConditionFactory, LocationFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_urls(client):
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}


def test_sitemap_lists_the_static_pages(client):
    urls = sitemap_urls(client)
    for name in ("home", "blog:article_list", "blog:condition_list", "locations", "privacy"):
        assert absolute_url(reverse(name)) in urls


def test_sitemap_lists_published_articles_with_lastmod(client):
    article = ArticleFactory()
    lastmod = sitemap_urls(client)[absolute_url(article.get_absolute_url())]
    assert lastmod == timezone.localdate(article.updated_at).isoformat()


def test_sitemap_leaves_out_drafts(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert absolute_url(draft.get_absolute_url()) not in sitemap_urls(client)


def test_sitemap_lists_conditions(client):
    condition = ConditionFactory()
    assert absolute_url(condition.get_absolute_url()) in sitemap_urls(client)


def test_sitemap_lists_the_team_page_and_only_the_clinicians_shown_on_it(client):
    shown = ClinicianFactory(show_on_team_page=True)
    hidden = ClinicianFactory(show_on_team_page=False)
    urls = sitemap_urls(client)
    assert absolute_url(reverse("team")) in urls
    assert absolute_url(shown.get_absolute_url()) in urls
    assert absolute_url(hidden.get_absolute_url()) not in urls


def test_sitemap_lists_each_location_page(client):
    location = LocationFactory(slug="bayside")
    assert absolute_url(location.get_absolute_url()) in sitemap_urls(client)
