import time

import pytest
from django.contrib.auth.models import Group, Permission

from clinic_site import antispam, roles
from inquiries.forms import InquiryForm
from tests.factories import HandlerFactory, StaffFactory, UserFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
BROKEN = "tests.inquiries.backends.BrokenEmailBackend"


@pytest.fixture(autouse=True)
def _mail_settings(settings, tmp_path):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": LOCMEM}}
    settings.INQUIRIES_FALLBACK_USERNAME = "desk"  # the front desk, when a test asks for the desk fixture
    settings.SITE_URL = "https://clinic.example"


def started_ago(seconds: int) -> str:
    """The ``started`` field of a form sent back after a problem, rendered ``seconds`` ago."""
    return InquiryForm.guard.make_token(at=time.time() - seconds)


def page_shown_ago(seconds: int) -> str:
    """The page-shown cookie the (cached) form page set ``seconds`` ago."""
    return antispam.make_time_token(salt=antispam.PAGE_SHOWN_SALT, at=time.time() - seconds)


def open_form(client, seconds_ago: int = 60):
    """What a patient's browser holds after opening the form page ``seconds_ago``: its cookie."""
    client.cookies[antispam.PAGE_SHOWN_COOKIE] = page_shown_ago(seconds_ago)
    return client


@pytest.fixture
def patient(client):
    """A browser that opened the form a minute ago (a new page view: ``open_form`` again)."""
    return open_form(client)


@pytest.fixture
def form_data():
    """A valid submission, as the browser posts the form of the shared page (no token of its own:
    the browser sends the page-shown cookie, see ``patient``)."""

    def make(**overrides):
        data = {
            "name": "Pat Example",
            "email": "pat@example.com",
            "phone": "",
            "preferred_contact": "email",
            "location": "",
            "wants_appointment": "on",
            "preferred_days": ["mon", "thu"],
            "preferred_times": ["morning"],
            "patient_history": "new",
            "payment": "insurance",
            "insurance": "Harborside Mutual",
            "referral": "not_sure",
            "condition": "",
            "symptoms": "Sharp pain under the left shoulder blade when lifting",
            "duration": "about six weeks",
            "treatments_tried": "ibuprofen and a heat pack",
            "consent": "on",
            "website": "",
            "article": "",
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def handlers_group(db):
    return Group.objects.get(name=roles.INQUIRY_HANDLERS)  # made by the data migration


@pytest.fixture
def desk(db):
    """The fallback handler, given the inquiries no rule matches."""
    return HandlerFactory(username="desk", email="front-desk@clinic.example")


@pytest.fixture
def handler(handlers_group):
    user = StaffFactory(username="handler", email="handler@clinic.example")
    user.groups.add(handlers_group)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="owner", is_staff=True, is_superuser=True)


def _group_with(name, *codenames):
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return group


@pytest.fixture
def editor(db):
    user = StaffFactory(username="editor")
    user.groups.add(_group_with(roles.EDITORS, "add_article", "change_article", "view_article"))
    return user


@pytest.fixture
def moderator(db):
    user = StaffFactory(username="moderator")
    user.groups.add(_group_with(roles.COMMENT_MODERATORS, "view_article"))
    return user


@pytest.fixture
def plain_staff(db):
    return StaffFactory(username="plainstaff")
