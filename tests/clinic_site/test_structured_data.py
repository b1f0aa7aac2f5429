import json
import re
from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from clinic_site import structured_data
from clinic_site.models import OpeningHours, Practice, Weekday
from clinic_site.siteurl import absolute_url
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def json_ld(content: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture
def harbor():
    location = LocationFactory(
        slug="harbor",
        name="Harbor Point",
        street="410 Mariner Street",
        city="Norfolk",
        region="VA",
        postal_code="23510",
        phone="(757) 555-0142",
        latitude=Decimal("36.846812"),
        longitude=Decimal("-76.291536"),
    )
    for day in (Weekday.MONDAY, Weekday.TUESDAY):
        OpeningHours.objects.create(location=location, weekday=day, opens=time(7), closes=time(19))
    OpeningHours.objects.create(location=location, weekday=Weekday.FRIDAY, opens=time(7), closes=time(15))
    return location


def assert_clinic(data: dict, location):
    assert data["@type"] == "MedicalClinic"
    assert data["medicalSpecialty"] == "https://schema.org/Physiotherapy"
    assert data["url"] == absolute_url(location.get_absolute_url())
    assert data["telephone"] == "(757) 555-0142"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "410 Mariner Street",
        "addressLocality": "Norfolk",
        "addressRegion": "VA",
        "postalCode": "23510",
    }
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 36.846812, "longitude": -76.291536}
    assert data["logo"]["url"].startswith(absolute_url("/"))
    assert sorted(data["openingHoursSpecification"], key=lambda s: s["closes"]) == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["https://schema.org/Friday"],
            "opens": "07:00",
            "closes": "15:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["https://schema.org/Monday", "https://schema.org/Tuesday"],
            "opens": "07:00",
            "closes": "19:00",
        },
    ]


def test_the_location_page_describes_the_clinic(client, harbor):
    (data,) = json_ld(client.get(harbor.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert_clinic(data, harbor)
    assert data["name"] == f"{Practice.objects.get().name}, Harbor Point"
    assert data["parentOrganization"]["@id"] == absolute_url("/") + "#practice"


def test_the_home_page_describes_the_practice_with_its_clinics(client, harbor):
    Practice.objects.filter(pk=1).update(name="Riverbend Physio", phone="(555) 123-4567")
    (data,) = json_ld(client.get(reverse("home")).content.decode())
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Riverbend Physio"
    assert data["url"] == absolute_url("/")
    assert data["telephone"] == "(555) 123-4567"
    assert data["logo"]["@type"] == "ImageObject"
    (department,) = data["department"]
    assert_clinic(department, harbor)


def test_the_publisher_carries_the_practice_name_and_logo():
    Practice.objects.filter(pk=1).update(name="Riverbend Physio")
    publisher = structured_data.publisher()
    assert publisher["name"] == "Riverbend Physio"
    assert publisher["logo"]["url"] == absolute_url(
        reverse("icon", args=[Practice.objects.get().icons_version, "icon-512.png"])
    )


def test_a_location_without_coordinates_has_no_geo(client):
    location = LocationFactory()
    (data,) = json_ld(client.get(location.get_absolute_url()).content.decode())
    assert "geo" not in data and "hasMap" not in data
    assert data["openingHoursSpecification"] == []
