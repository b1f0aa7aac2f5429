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


def hours_formset(location, rows):
    from django.forms import inlineformset_factory

    from clinic_site.admin import OpeningHoursFormSet

    FormSet = inlineformset_factory(
        Location, OpeningHours, formset=OpeningHoursFormSet, fields=["weekday", "opens", "closes"], extra=0
    )
    data = {"opening_hours-TOTAL_FORMS": str(len(rows)), "opening_hours-INITIAL_FORMS": "0"}
    for index, (weekday, opens, closes) in enumerate(rows):
        data |= {
            f"opening_hours-{index}-weekday": str(weekday),
            f"opening_hours-{index}-opens": opens,
            f"opening_hours-{index}-closes": closes,
        }
    return FormSet(data, instance=location, prefix="opening_hours")


def test_the_admin_refuses_a_short_period_inside_a_long_one_and_says_how_to_give_a_break():
    formset = hours_formset(
        LocationFactory(), [(Weekday.MONDAY, "07:00", "19:00"), (Weekday.MONDAY, "12:00", "13:00")]
    )
    assert not formset.is_valid()
    [error] = formset.non_form_errors()
    assert error.startswith("Monday: 07:00-19:00 and 12:00-13:00 overlap.")
    assert "7:00-12:00 and 13:00-19:00" in error


def test_the_admin_takes_a_break_as_two_periods_and_the_same_hours_on_two_days():
    rows = [
        (Weekday.MONDAY, "07:00", "12:00"),
        (Weekday.MONDAY, "13:00", "19:00"),
        (Weekday.TUESDAY, "07:00", "19:00"),
    ]
    assert hours_formset(LocationFactory(), rows).is_valid()
