import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from clinic_site.models import Clinician
from tests.factories import ClinicianFactory, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("role", "credentials", "may_review"),
    [
        (Clinician.Role.PHYSICAL_THERAPIST, "PT, DPT", True),
        (Clinician.Role.PHYSICAL_THERAPIST, "DPT, OCS", True),
        (Clinician.Role.PHYSICAL_THERAPIST, "pt", True),
        (Clinician.Role.PHYSICAL_THERAPIST, "", False),
        (Clinician.Role.PHYSICAL_THERAPIST, "PTA", False),
        (Clinician.Role.PT_ASSISTANT, "PTA", False),
        (Clinician.Role.PT_ASSISTANT, "PT", False),
        (Clinician.Role.MASSAGE_THERAPIST, "LMT", False),
    ],
)
def test_only_physical_therapists_with_a_pt_or_dpt_licence_review_clinically(role, credentials, may_review):
    clinician = ClinicianFactory(role=role, credentials=credentials)
    assert clinician.is_clinical_reviewer is may_review
    # The database's version of the rule (the admin's choices) agrees with the Python one.
    assert Clinician.objects.clinical_reviewers().filter(pk=clinician.pk).exists() is may_review


def test_a_photo_needs_alt_text():
    clinician = ClinicianFactory.build(photo=photo_upload(), photo_alt=" ")
    with pytest.raises(ValidationError) as error:
        clinician.full_clean()
    assert "photo_alt_en" in error.value.message_dict


def test_the_database_refuses_a_photo_without_alt_text():
    with pytest.raises(IntegrityError):
        ClinicianFactory(photo=photo_upload(), photo_alt="")


def test_the_team_page_lists_only_those_shown_on_it():
    shown = ClinicianFactory(show_on_team_page=True)
    ClinicianFactory(show_on_team_page=False)
    assert list(Clinician.objects.on_team_page()) == [shown]


def test_a_clinicians_page_is_under_team():
    assert ClinicianFactory(slug="maya-okafor").get_absolute_url() == "/team/maya-okafor/"
