"""English at the plain URLs, Spanish under /es/, the switcher, hreflang, the sitemap, the admin's
language (clinic_site/i18n.py)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from clinic_site.models import StaffLanguage
from tests.factories import ConditionFactory, LocationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def spanish(name, *args, **kwargs):
    with translation.override("es"):
        return reverse(name, args=args, kwargs=kwargs)


def english(name, *args, **kwargs):
    # A Spanish page leaves Spanish active in the test's thread, as a server's thread has it for the
    # rest of that request: URLs for the English pages are asked for in English.
    with translation.override("en"):
        return reverse(name, args=args, kwargs=kwargs)


PUBLIC_PAGES = [
    "home",
    "blog:article_list",
    "blog:condition_list",
    "team",
    "locations",
    "privacy",
    "inquiries:new",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_keeps_its_english_url_and_has_a_spanish_one_under_es(client, name):
    english = client.get(reverse(name))
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert spanish(name).startswith("/es/")
    page = client.get(spanish(name))
    assert page.status_code == 200
    assert '<html lang="es">' in page.content.decode()


def test_a_spanish_page_speaks_spanish(client):
    html = client.get(spanish("home")).content.decode()
    assert "Pregunte a la clínica" in html
    assert "Ask the clinic" not in html


def test_a_first_visit_to_the_home_page_follows_the_browsers_language(client):
    response = client.get("/", headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert "Accept-Language" in response["Vary"]


def test_a_reader_who_chose_english_on_our_switcher_stays_in_english(client):
    response = client.get("/", headers={"Accept-Language": "es", "Referer": "http://testserver/es/blog/"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_an_english_browser_and_a_link_from_elsewhere_get_english(client):
    assert client.get("/", headers={"Accept-Language": "en-US,en"}).status_code == 200
    elsewhere = client.get("/", headers={"Accept-Language": "es", "Referer": "https://search.example/"})
    assert elsewhere.status_code == 302


def test_only_the_home_page_redirects_deeper_english_urls_keep_their_language(client):
    response = client.get(reverse("blog:article_list"), headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_switcher_is_a_plain_link_to_the_same_page_in_the_other_language(client):
    english = client.get(reverse("blog:article_list"), {"q": "neck"}).content.decode()
    assert '<a class="site-language" href="/es/blog/?q=neck" hreflang="es" lang="es">Español</a>' in english
    back = client.get(spanish("blog:article_list")).content.decode()
    assert '<a class="site-language" href="/blog/" hreflang="en" lang="en">English</a>' in back
    # Nothing per reader in it: no form, no token.
    assert "csrfmiddlewaretoken" not in back.split("site-topbar")[1].split("</header>")[0]


def test_the_switcher_keeps_an_emailed_links_token_on_its_own_page_only(rf, settings):
    """The same page in the other language works as the link did; the versions named for search
    engines (hreflang) never carry the token."""
    from clinic_site import i18n

    settings.SITE_URL = "https://clinic.example"
    from django.urls import resolve

    request = rf.get(reverse("comments:unsubscribe"), {"token": "secret-token"})
    request.resolver_match = resolve(request.path)
    assert i18n.page_in(request, "es") == "/es/blog/comments/unsubscribe/?token=secret-token"
    versions = i18n.alternates(request)
    assert len(versions) == 3  # English, Spanish, x-default
    assert all("secret-token" not in url for _language, url in versions)


def test_every_page_names_its_versions_in_both_languages_for_search_engines(client, settings):
    settings.SITE_URL = "https://clinic.example"
    html = client.get(spanish("locations")).content.decode()
    assert '<link rel="alternate" hreflang="en" href="https://clinic.example/locations/">' in html
    assert '<link rel="alternate" hreflang="es" href="https://clinic.example/es/locations/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="https://clinic.example/locations/">' in html


def test_the_sitemap_lists_every_page_in_both_languages_with_its_alternates(client, settings):
    settings.SITE_URL = "https://clinic.example"
    ConditionFactory(slug="neck-pain")
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    assert {
        "https://clinic.example/conditions/neck-pain/",
        "https://clinic.example/es/conditions/neck-pain/",
    } <= locations
    assert {"https://clinic.example/privacy/", "https://clinic.example/es/privacy/"} <= locations
    hreflangs = {link.get("hreflang") for link in root.findall("s:url/x:link", ns)}
    assert {"en", "es", "x-default"} <= hreflangs


def test_condition_names_are_shown_in_the_readers_language_and_fall_back_to_english(client):
    ConditionFactory(slug="sciatica", name_en="Sciatica", name_es="Ciática", description_en="Leg pain.")
    ConditionFactory(slug="whiplash", name_en="Whiplash", name_es=None)
    html = client.get(spanish("blog:condition_list")).content.decode()
    assert "Ciática" in html
    assert "Whiplash" in html  # no Spanish name yet: the English one, not an empty heading
    assert "Ciática" not in client.get(english("blog:condition_list")).content.decode()


def test_location_notes_are_in_the_readers_language(client):
    location = LocationFactory(
        parking_en="Free lot in front.", parking_es="Estacionamiento gratuito enfrente."
    )
    assert (
        "Estacionamiento gratuito enfrente."
        in client.get(spanish("location", slug=location.slug)).content.decode()
    )
    assert "Free lot in front." in client.get(english("location", slug=location.slug)).content.decode()


def test_opening_hours_are_written_as_each_language_writes_time(client):
    from datetime import time

    from clinic_site.models import OpeningHours, Weekday

    location = LocationFactory()
    OpeningHours.objects.create(location=location, weekday=Weekday.MONDAY, opens=time(7), closes=time(19))
    english_page = client.get(english("location", slug=location.slug)).content.decode()
    assert "7:00 a.m. \N{EN DASH} 7:00 p.m." in english_page
    assert "7:00 \N{EN DASH} 19:00" in client.get(spanish("location", slug=location.slug)).content.decode()


def test_the_spanish_inquiry_pages_are_never_stored_by_a_cache(client):
    response = client.get(spanish("inquiries:new"))
    assert "no-store" in response["Cache-Control"]


def test_the_admin_is_in_the_language_a_staff_member_chose(client):
    staff = StaffFactory()
    StaffLanguage.objects.create(user=staff, language="es")
    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="es"' in html
    assert "Cerrar sesión" in html  # Django's own admin strings in Spanish


def test_the_admin_follows_the_browser_until_the_staff_member_chooses(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert (
        '<html lang="es"'
        in client.get(reverse("admin:index"), headers={"Accept-Language": "es"}).content.decode()
    )
    assert '<html lang="en"' in client.get(reverse("admin:index")).content.decode()


def test_a_staff_member_sets_their_own_admin_language(client):
    staff = StaffFactory()
    client.force_login(staff)
    page = client.get(reverse("signin:language")).content.decode()
    assert re.search(r'<select name="language"', page)
    response = client.post(reverse("signin:language"), {"language": "es", "next": reverse("admin:index")})
    assert response.status_code == 302
    assert StaffLanguage.objects.get(user=staff).language == "es"
    home = client.get(reverse("admin:index"), headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="es"' in home
    assert "Idioma guardado" in home  # said, in the language chosen


def test_a_public_page_ignores_a_staff_members_admin_language(client):
    staff = StaffFactory()
    StaffLanguage.objects.create(user=staff, language="es")
    client.force_login(staff)
    assert '<html lang="en">' in client.get(reverse("locations")).content.decode()


def test_the_home_page_introduction_is_in_the_readers_language(client):
    from clinic_site.models import Practice

    practice = Practice.get_solo()
    practice.introduction_en = "Physical therapy by the bay."
    practice.introduction_es = "Fisioterapia junto a la bahía."
    practice.save()
    assert "Physical therapy by the bay." in client.get(english("home")).content.decode()
    assert "Fisioterapia junto a la bahía." in client.get(spanish("home")).content.decode()


def test_a_new_practice_starts_with_the_default_introduction_in_each_language():
    from clinic_site.models import Practice

    practice = Practice()
    with translation.override("es"):
        assert practice.introduction.startswith("Fisioterapia y terapia de masaje")
    with translation.override("en"):
        assert practice.introduction.startswith("Physical therapy and massage therapy")


def test_the_practice_the_migrations_make_introduces_itself_in_spanish_too(client):
    # Migration 0005 makes the row with the default introduction; 0007 gives it its Spanish.
    assert "Fisioterapia y terapia de masaje" in client.get(spanish("home")).content.decode()


def test_the_spanish_admin_names_other_packages_records_in_spanish(admin_client):
    """django-axes left them in English, django-post-office said "Oficina de Correos"."""
    StaffLanguage.objects.create(user=User.objects.get(username="admin"), language="es")
    home = admin_client.get(reverse("admin:index")).content.decode()
    spanish = ["Intentos de inicio de sesión", "Correo saliente", "Plantillas de correo", "Llaves de acceso"]
    assert all(name in home for name in spanish)
    assert "Access attempts" not in home and "Oficina de Correos" not in home
