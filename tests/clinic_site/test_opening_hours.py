from datetime import time
from decimal import Decimal

import pytest
from django.db import IntegrityError

from clinic_site.models import Location, OpeningHours, Weekday
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def test_a_location_page_is_its_own_url():
    assert LocationFactory(slug="bayside").get_absolute_url() == "/locations/bayside/"


def test_the_map_link_is_openstreetmap_at_the_coordinates():
    location = LocationFactory(latitude=Decimal("36.9086"), longitude=Decimal("-76.0923"))
    assert location.map_url == (
        "https://www.openstreetmap.org/?mlat=36.908600&mlon=-76.092300#map=17/36.908600/-76.092300"
    )
    assert LocationFactory().map_url == ""


def test_the_week_summary_joins_days_with_the_same_hours():
    location = LocationFactory()
    for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY):
        OpeningHours.objects.create(location=location, weekday=day, opens=time(8), closes=time(18))
    OpeningHours.objects.create(location=location, weekday=Weekday.SATURDAY, opens=time(8), closes=time(12))
    summary = [(run.first, run.last, run.is_closed) for run in location.week_summary()]
    assert summary == [
        (Weekday.MONDAY, Weekday.WEDNESDAY, False),
        (Weekday.THURSDAY, Weekday.FRIDAY, True),
        (Weekday.SATURDAY, Weekday.SATURDAY, False),
        (Weekday.SUNDAY, Weekday.SUNDAY, True),
    ]


def test_a_period_must_close_after_it_opens():
    with pytest.raises(IntegrityError):
        OpeningHours.objects.create(location=LocationFactory(), weekday=1, opens=time(18), closes=time(8))


def test_a_photo_needs_its_description():
    location = LocationFactory()
    with pytest.raises(IntegrityError):
        Location.objects.filter(pk=location.pk).update(photo="locations/x.jpg", photo_alt="")


def test_coordinates_come_in_pairs():
    with pytest.raises(IntegrityError):
        LocationFactory(latitude=Decimal("36.9"), longitude=None)
