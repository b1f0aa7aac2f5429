import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clinic_site.admin import PHOTO_MAX_SIDE, ClinicianAdminForm
from tests.factories import ClinicianFactory, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_data(**overrides):
    return {"name": "Priya Raman", "slug": "priya-raman", "role": "pt", "order": 0, **overrides}


def test_a_photo_is_stored_re_encoded_and_scaled_down_under_a_random_name():
    form = ClinicianAdminForm(
        data=form_data(photo_alt_en="Priya, smiling."),
        files={"photo": photo_upload("me.png", size=(3000, 2000))},
    )
    assert form.is_valid(), form.errors
    clinician = form.save()
    assert not clinician.photo.name.endswith("me.png")
    with Image.open(io.BytesIO(clinician.photo.read())) as image:
        assert max(image.size) == PHOTO_MAX_SIDE
    assert (clinician.photo_width, clinician.photo_height) == (1200, 800)


def test_a_photo_needs_alt_text_in_the_admin_form():
    form = ClinicianAdminForm(data=form_data(), files={"photo": photo_upload()})
    assert "photo_alt_en" in form.errors


def test_a_file_that_is_not_an_image_is_refused_as_a_photo():
    upload = SimpleUploadedFile("me.png", b"<svg onload=alert(1)>", "image/png")
    form = ClinicianAdminForm(data=form_data(photo_alt_en="x"), files={"photo": upload})
    assert "photo" in form.errors


def test_view_on_site_only_for_clinicians_on_the_team_page(admin_client):
    shown, hidden = ClinicianFactory(show_on_team_page=True), ClinicianFactory(show_on_team_page=False)
    assert (
        shown.get_absolute_url()
        in admin_client.get(reverse("admin:clinic_site_clinician_change", args=[shown.pk])).content.decode()
    )
    page = admin_client.get(reverse("admin:clinic_site_clinician_change", args=[hidden.pk])).content.decode()
    assert "View on site" not in page


def test_every_admin_page_is_headed_with_the_practices_name(admin_client):
    from clinic_site.models import Practice

    Practice.objects.filter(pk=1).update(name="Riverside PT")
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<a href="/admin/">Riverside PT administration</a>' in html
    assert "| Riverside PT administration</title>" in html
    assert "Django" not in html


def test_opening_hours_show_hours_and_minutes_and_no_view_on_site_a_row(admin_client):
    from datetime import time

    from clinic_site.models import OpeningHours, Weekday
    from tests.factories import LocationFactory

    location = LocationFactory()
    OpeningHours.objects.create(location=location, weekday=Weekday.MONDAY, opens=time(7), closes=time(19))
    html = admin_client.get(reverse("admin:clinic_site_location_change", args=[location.pk])).content.decode()
    assert 'value="07:00"' in html and 'value="19:00"' in html
    assert html.count("View on site") == 1  # the location's own, not one a row
