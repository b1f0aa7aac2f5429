"""Each public page in a real browser: screenshots at both widths and axe-core at both widths."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    ClinicianFactory,
    LocationFactory,
    ReferenceFactory,
    photo_upload,
)

from .support import VIEWPORTS, assert_no_axe_violations, take_screenshots

# name -> expected status; the URL comes from url_of().
PAGES = {
    "home": 200,
    "article_list": 200,
    "article": 200,
    "team": 200,
    "clinician": 200,
    "inquiry_new": 200,
    "locations": 200,
    "location": 200,
    "not_found": 404,
}


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def article():
    location = LocationFactory(name="Harbor clinic", slug="harbor")
    maya = ClinicianFactory(
        name="Maya Okafor",
        slug="maya-okafor",
        bio="Maya treats spine and jaw problems.",
        show_on_team_page=True,
        photo=photo_upload(size=(200, 200)),
        photo_alt="Maya Okafor, smiling.",
    )
    maya.locations.add(location)
    ClinicianFactory(name="Daniel Reyes", credentials="PTA", role="pta", show_on_team_page=True)
    article = ArticleFactory(
        title="Myofascial release, explained",
        slug="myofascial-release",
        summary="What a therapist's hands are doing, and what you should feel.",
        body="<p>Fascia wraps every muscle.</p><h2>What a session is like</h2><p>Slow, steady pressure.</p>",
        author=maya,
        reviewer=maya,
        reviewed_on=date(2026, 3, 3),
    )
    ReferenceFactory(article=article)
    ReferenceFactory(article=article, doi="", url="https://www.nice.org.uk/guidance/ng59", title="NG59")
    return article


def url_of(name, site_url, article):
    path = {
        "home": reverse("home"),
        "article_list": reverse("blog:article_list"),
        "article": article.get_absolute_url(),
        "team": reverse("team"),
        "clinician": article.author.get_absolute_url(),
        "inquiry_new": reverse("inquiries:new"),
        "locations": reverse("locations"),
        "location": reverse("location", args=["harbor"]),
        "not_found": "/no-such-page/",  # typed: no view may answer it
    }[name]
    return site_url + path


@pytest.mark.parametrize("name", PAGES)
def test_page_screenshots_at_phone_and_desktop_width(page, watch, site_url, article, name):
    url = url_of(name, site_url, article)
    watch.expect_status(url, PAGES[name])
    paths = take_screenshots(page, name, url)
    assert all(path.stat().st_size > 0 for path in paths)


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(axe_page, axe_watch, site_url, article, name, width):
    url = url_of(name, site_url, article)
    axe_watch.expect_status(url, PAGES[name])
    axe_page.set_viewport_size(VIEWPORTS[width])
    response = axe_page.goto(url)
    assert response.status == PAGES[name]
    assert_no_axe_violations(axe_page)


def test_article_page_loads_only_from_the_site(page, watch, site_url, article):
    page.goto(site_url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert any(url.endswith(".css") for url in watch.requests)
    assert not watch.foreign_requests


def test_a_search_for_one_very_long_word_stays_the_width_of_a_phone(page, watch, site_url, article):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site_url + reverse("blog:article_list") + "?q=" + "a" * 600)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
