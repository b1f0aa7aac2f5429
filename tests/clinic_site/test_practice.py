import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog import pagecache
from clinic_site import practice as practice_module
from clinic_site.models import Practice
from clinic_site.practice import CACHE_KEY, current
from inquiries.services import email_context
from tests.factories import ArticleFactory, InquiryFactory

pytestmark = pytest.mark.django_db


def test_the_first_run_makes_the_row_from_the_environment(settings):
    practice = Practice.objects.get()
    assert practice.name == settings.CLINIC_NAME
    assert practice.email == settings.CLINIC_EMAIL
    assert practice.phone == settings.CLINIC_PHONE
    assert practice.reply_days == settings.INQUIRIES_RESPONSE_DAYS
    assert practice.emergency_number == "911"


def test_a_missing_row_reads_as_the_environment_and_is_not_written(settings, django_assert_num_queries):
    Practice.objects.all().delete()
    settings.CLINIC_NAME = "First Run Physio"
    with django_assert_num_queries(1):
        assert current().name == "First Run Physio"
    assert not Practice.objects.exists()


def test_there_is_only_ever_one_row():
    Practice(name="Another practice").save()  # django-solo saves over the one row
    assert Practice.objects.count() == 1
    assert Practice.objects.get().name == "Another practice"


def test_a_save_shows_at_once_without_a_restart(client):
    client.get(reverse("home"))
    practice = current()
    practice.name = "Riverbend Physio"
    practice.save()
    assert "Riverbend Physio" in client.get(reverse("home")).content.decode()


def test_saving_the_practice_retires_the_cached_article_pages(client, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    key = pagecache.key_for(article.slug)
    assert pagecache.get(key) is not None
    practice = current()
    practice.phone = "(757) 555-0100"
    practice.save()
    assert pagecache.key_for(article.slug) != key
    assert 'href="tel:7575550100"' in client.get(article.get_absolute_url()).content.decode()


def test_with_a_shared_cache_the_record_is_one_cache_read(settings, django_assert_num_queries):
    settings.PRACTICE_CACHED = True
    name = current().name  # fills the cache
    with django_assert_num_queries(0):
        assert current().name == name


def test_with_a_shared_cache_a_save_drops_the_cached_copy(settings):
    settings.PRACTICE_CACHED = True
    current()
    practice = Practice.objects.get()
    practice.name = "Renamed"
    practice.save()
    assert cache.get(CACHE_KEY) is None
    assert current().name == "Renamed"


class DownCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache is down")

        return fail


def test_a_cache_that_is_down_costs_a_database_read_not_the_page(settings, monkeypatch, client):
    settings.PRACTICE_CACHED = True
    monkeypatch.setattr(practice_module, "cache", DownCache())
    assert current().name == Practice.objects.get().name
    practice = Practice.objects.get()
    practice.name = "Saved while the cache was down"
    practice.save()  # the save's retirement does not fail either
    assert current().name == "Saved while the cache was down"


def test_the_emails_read_the_practice(settings):
    Practice.objects.filter(pk=1).update(name="Riverbend Physio", phone="(555) 123-4567", reply_days=3)
    context = email_context(InquiryFactory())
    assert context["clinic_name"] == "Riverbend Physio"
    assert context["clinic_phone"] == "(555) 123-4567"
    assert context["response_days"] == 3


def test_the_thank_you_page_promises_the_practice_reply_time(client):
    Practice.objects.filter(pk=1).update(reply_days=4, emergency_number="112")
    content = client.get(reverse("inquiries:thanks")).content.decode()
    assert "within 4 working days" in content
    assert "call 112" in content


def _png(width, height, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def test_the_admin_page_saves_a_reencoded_logo(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("admin:clinic_site_practice_change")
    assert admin_client.get(url).status_code == 200
    practice = Practice.objects.get()
    data = {
        "name": "Riverbend Physio",
        "introduction_en": practice.introduction,
        "phone": "(555) 123-4567",
        "email": "hello@riverbend.example",
        "reply_days": 2,
        "emergency_number": "911",
        "privacy_contact": "",
        "privacy_email": "",
        "logo": SimpleUploadedFile("logo.png", _png(400, 100), "image/png"),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.name == "Riverbend Physio"
    assert practice.logo.name.startswith("practice/") and practice.logo.name != "practice/logo.png"
    assert (practice.logo_width, practice.logo_height) == (400, 100)


def test_the_admin_refuses_a_logo_that_is_not_an_image(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = Practice.objects.get()
    data = {
        "name": practice.name,
        "introduction_en": practice.introduction,
        "phone": practice.phone,
        "email": practice.email,
        "reply_days": 2,
        "emergency_number": "911",
        "logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png"),
    }
    response = admin_client.post(reverse("admin:clinic_site_practice_change"), data)
    assert response.status_code == 200
    assert not Practice.objects.get().logo
