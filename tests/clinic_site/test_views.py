import re
from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import permission_denied, server_error
from post_office.models import Email

from clinic_site.models import Clinician, OpeningHours, Practice, Weekday
from clinic_site.siteurl import absolute_url
from tests import jsonld
from tests.factories import ArticleFactory, ClinicianFactory, ConditionFactory, LocationFactory, photo_upload

pytestmark = pytest.mark.django_db

# Between the opening and closing times, and between days: the en dash of typeset ranges.
EN_DASH = "\u2013"


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_home_shows_latest_articles_conditions_locations_and_the_call_to_ask(client):
    ArticleFactory(title="Neck pain at the desk")
    ConditionFactory(name="Whiplash")
    LocationFactory(name="Riverside clinic")
    content = client.get(reverse("home")).content.decode()
    assert "Neck pain at the desk" in content
    assert "Whiplash" in content
    assert "Riverside clinic" in content
    assert f'href="{reverse("inquiries:new")}"' in content


def test_home_has_one_h1(client):
    content = client.get(reverse("home")).content.decode()
    assert len(re.findall(r"<h1[ >]", content)) == 1


def test_locations_show_address_phone_hours_and_clinicians(client):
    location = LocationFactory(phone="(555) 010-2040", hours_note="Closed on public holidays")
    for day in (Weekday.MONDAY, Weekday.TUESDAY):
        OpeningHours.objects.create(location=location, weekday=day, opens=time(7), closes=time(19))
    ClinicianFactory(name="Dana Reyes", credentials="PT, DPT").locations.add(location)
    content = client.get(reverse("locations")).content.decode()
    assert location.address in content
    assert 'href="tel:5550102040"' in content
    assert f"Monday {EN_DASH} Tuesday" in content
    assert f"7:00 a.m. {EN_DASH} 7:00 p.m." in content
    assert "Closed on public holidays" in content
    assert "Dana Reyes, PT, DPT" in content
    assert f'href="{location.get_absolute_url()}"' in content


def test_a_location_page_shows_its_phone_address_map_link_notes_and_hours(client):
    location = LocationFactory(
        slug="harbor",
        phone="(757) 555-0142",
        latitude=Decimal("36.846812"),
        longitude=Decimal("-76.291536"),
        parking="Validated parking in the garage across the road.",
        accessibility="Step-free entrance and a lift.",
    )
    OpeningHours.objects.create(location=location, weekday=Weekday.FRIDAY, opens=time(7), closes=time(15))
    response = client.get(reverse("location", args=["harbor"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="tel:7575550142"' in content
    assert location.street in content
    assert (
        'href="https://www.openstreetmap.org/?mlat=36.846812&amp;mlon=-76.291536#map=17/36.846812/-76.291536"'
        in content
    )
    assert "Validated parking in the garage across the road." in content
    assert "Step-free entrance and a lift." in content
    assert f"7:00 a.m. {EN_DASH} 3:00 p.m." in content
    assert re.search(r"<dt>Sunday</dt>\s*<dd>\s*Closed", content)


def test_a_location_page_embeds_no_map_and_loads_nothing_from_elsewhere(client):
    location = LocationFactory(latitude=Decimal("36.9"), longitude=Decimal("-76.1"))
    content = client.get(location.get_absolute_url()).content.decode()
    assert "<iframe" not in content
    # The one openstreetmap.org URL is a link's target, never an image, a script or a frame.
    assert re.findall(r'(?:src|srcset|action)="https?://', content) == []
    assert content.count("openstreetmap.org") == 2  # the link, and hasMap in the structured data


def test_an_unknown_location_is_a_404(client):
    assert client.get(reverse("location", args=["nowhere"])).status_code == 404


def test_every_page_shows_the_practice_phone_as_a_tel_link_in_the_header(client):
    Practice.objects.filter(pk=1).update(phone="(757) 555-0100")
    for url in (reverse("home"), reverse("blog:article_list"), reverse("privacy"), reverse("inquiries:new")):
        content = client.get(url).content.decode()
        header = content.split("</header>")[0]
        assert 'href="tel:7575550100"' in header, url


def test_every_page_footer_names_the_practice_emergency_number_as_a_tel_link(client):
    Practice.objects.filter(pk=1).update(emergency_number="112")
    for url in (reverse("home"), reverse("team"), reverse("locations"), reverse("inquiries:new")):
        footer = client.get(url).content.decode().split("<footer")[1]
        assert 'In a medical emergency, call <a href="tel:112">112</a>.' in footer, url


def test_the_home_page_says_what_the_practice_record_says(client):
    Practice.objects.filter(pk=1).update(
        name="Riverbend Physio", introduction="Hands-on care by the river since 1998.", phone="(555) 123-4567"
    )
    content = client.get(reverse("home")).content.decode()
    assert '<h1 id="home-title">Riverbend Physio</h1>' in content
    assert "Hands-on care by the river since 1998." in content
    assert "Tidewater" not in content


def test_the_privacy_notice_names_the_privacy_contact_in_the_pages_language(client):
    Practice.objects.filter(pk=1).update(
        privacy_contact_en="Dana Reyes, owner",
        privacy_contact_es="Dana Reyes, propietaria",
        privacy_email="privacy@pt.example",
    )
    content = client.get(reverse("privacy")).content.decode()
    assert "Your request goes to Dana Reyes, owner." in content
    assert 'href="mailto:privacy@pt.example"' in content
    spanish = client.get("/es" + reverse("privacy")).content.decode()
    assert "Su solicitud se envía a Dana Reyes, propietaria." in spanish


def test_the_spanish_privacy_notice_names_the_english_contact_until_one_is_written(client):
    Practice.objects.filter(pk=1).update(privacy_contact_en="Dana Reyes, owner", privacy_contact_es=None)
    assert "Dana Reyes, owner." in client.get("/es" + reverse("privacy")).content.decode()


def test_the_inquiry_form_names_the_practice_emergency_number(client):
    Practice.objects.filter(pk=1).update(emergency_number="112")
    assert "In an emergency, call 112" in client.get(reverse("inquiries:new")).content.decode()


def test_locations_leave_out_the_front_desk(client):
    location = LocationFactory()
    ClinicianFactory(name="Front Desker", role=Clinician.Role.FRONT_DESK).locations.add(location)
    assert "Front Desker" not in client.get(reverse("locations")).content.decode()


def test_privacy_notice_says_view_counts_store_no_ip(client):
    content = client.get(reverse("privacy")).content.decode()
    assert "we do not store your IP address" in content


@pytest.mark.parametrize(("days", "wording"), [(90, "after 90 days"), (1, "after 1 day")])
def test_privacy_notice_states_the_retention_purge_inquiries_applies(client, settings, days, wording):
    settings.INQUIRIES_RETENTION_DAYS = days
    assert wording in client.get(reverse("privacy")).content.decode()


def test_robots_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get(reverse("robots"))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/" in response.content.decode()
    assert f"Sitemap: {absolute_url(reverse('sitemap'))}" in response.content.decode()


def test_an_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")  # typed: no view may answer it
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_500_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert f'href="{static("css/site.css")}"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("blog:article_list", "q=%00"),
        ("blog:article_list", "q=back%00pain"),
        ("blog:article_list", "condition=%00"),
        ("inquiries:new", "article=%00"),
        ("inquiries:new", "condition=%00"),
        ("admin:login", "next=%00"),
    ],
)
def test_a_nul_character_in_the_query_string_is_a_400_not_a_500(client, name, query):
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_an_unknown_host_gets_the_400_page(client):
    response = client.get(reverse("home"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


# The team pages


def test_the_team_page_shows_only_the_clinicians_shown_on_it(client):
    ClinicianFactory(name="Maya Okafor", credentials="PT, DPT", show_on_team_page=True)
    ClinicianFactory(name="Hidden Person", show_on_team_page=False)
    content = client.get(reverse("team")).content.decode()
    assert "Maya Okafor, PT, DPT" in content
    assert "Hidden Person" not in content


def test_a_clinician_not_shown_has_no_page(client):
    clinician = ClinicianFactory(show_on_team_page=False)
    assert client.get(clinician.get_absolute_url()).status_code == 404


def test_a_clinicians_page_shows_their_bio_locations_and_published_articles(client):
    clinician = ClinicianFactory(
        name="Priya Raman", show_on_team_page=True, bio="Runner and physical therapist.\n\nShe reviews."
    )
    clinician.locations.add(LocationFactory(name="Bayside"))
    ArticleFactory(title="Written by her", author=clinician)
    ArticleFactory(title="Co-written by her", co_author=clinician)
    ArticleFactory(title="Reviewed by her", reviewer=clinician, reviewed_on=timezone.localdate())
    ArticleFactory(title="Her draft", author=clinician, status="draft")
    content = client.get(clinician.get_absolute_url()).content.decode()
    assert "<p>Runner and physical therapist.</p>" in content
    assert "Bayside" in content
    for title in ("Written by her", "Co-written by her", "Reviewed by her"):
        assert title in content
    assert "Her draft" not in content


def test_a_photo_is_shown_with_its_alt_text(client):
    clinician = ClinicianFactory(show_on_team_page=True, photo=photo_upload(), photo_alt="Priya, smiling.")
    content = client.get(clinician.get_absolute_url()).content.decode()
    assert 'alt="Priya, smiling."' in content


def test_the_header_links_to_the_team_page(client):
    assert f'href="{reverse("team")}"' in client.get(reverse("home")).content.decode()


def test_a_clinicians_page_describes_them_as_a_person_for_search_engines(client, settings):
    settings.SITE_URL = "https://pt.example"
    clinician = ClinicianFactory(
        name="Maya Okafor",
        slug="maya-okafor",
        credentials="PT, DPT",
        show_on_team_page=True,
        photo=photo_upload(),
        photo_alt="Maya.",
    )
    response = client.get(clinician.get_absolute_url())
    person = jsonld.block_of_type(response, "Person")
    assert person["name"] == "Maya Okafor"
    assert person["jobTitle"] == "Physical therapist"
    assert person["honorificSuffix"] == "PT, DPT"
    assert person["url"] == "https://pt.example/team/maya-okafor/"
    assert person["image"].startswith("https://pt.example/")
    assert person["worksFor"]["name"] == settings.CLINIC_NAME
    trail = jsonld.block_of_type(response, "BreadcrumbList")["itemListElement"]
    assert [item["item"] for item in trail] == [
        "https://pt.example/",
        "https://pt.example/team/",
        "https://pt.example/team/maya-okafor/",
    ]
    assert [item["position"] for item in trail] == [1, 2, 3]


def test_the_team_page_lists_its_people_for_search_engines(client):
    ClinicianFactory(name="Maya Okafor", show_on_team_page=True)
    response = client.get(reverse("team"))
    people = jsonld.block_of_type(response, "ItemList")["itemListElement"]
    assert [entry["item"]["@type"] for entry in people] == ["Person"]
    assert jsonld.block_of_type(response, "BreadcrumbList")["itemListElement"][-1]["name"] == "Our team"


def test_a_form_refused_by_the_csrf_check_says_so_in_the_site_layout_and_saves_nothing():
    Practice.objects.filter(pk=1).update(phone="(757) 555-0100")
    client = Client(enforce_csrf_checks=True)
    # The form that asks for a new secure link keeps Django's token (the inquiry form does not).
    response = client.post(
        reverse("inquiries:new_link"), {"email": "s@example.org", "reference": "INQ-2222-2222"}
    )
    content = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Your form was not sent</h1>" in content
    assert "Nothing you typed has been saved." in content
    assert '<a href="tel:7575550100">(757) 555-0100</a>' in content.split("<main")[1]
    assert not Email.objects.exists()


def test_a_page_refused_for_want_of_permission_is_in_the_site_layout(rf):
    request = rf.get("/")
    response = permission_denied(request, PermissionDenied())
    content = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This page is not open to you</h1>" in content
    assert 'rel="stylesheet"' in content


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_form_that_marks_required_fields_says_what_the_mark_means(client, language):
    """A lone "*" beside a label explains nothing (WCAG 3.3.2): the note comes before the first one."""
    from django.utils import translation

    from blog.comments import authorship
    from tests.factories import CommentFactory

    article = ArticleFactory(language=language)
    comment = CommentFactory(article=article)
    note = {"en": "Fields marked with * are required.", "es": "Los campos marcados con * son obligatorios."}
    with translation.override(language):
        pages = [
            reverse("inquiries:new"),
            reverse("inquiries:new_link"),
            article.get_absolute_url(),
            reverse("comments:edit", args=[comment.pk]) + "?token=" + authorship.token_for(comment),
        ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'class="asteriskField"' in html, url
        assert note[language] in html, url
        assert html.index(note[language]) < html.index('class="asteriskField"'), url
