"""The admin answers only requests its own pages make, and no GET there changes anything."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import URLPattern, reverse
from post_office.models import STATUS

from tests.factories import EmailFactory, StaffFactory
from tests.test_admin import an_instance

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"

# What Chromium sends, by what the request is.
LINK_FROM_ANOTHER_SITE = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
}
FORM_POSTED_FROM_ANOTHER_SITE = LINK_FROM_ANOTHER_SITE  # a navigation too, but a POST
FRAMED_BY_ANOTHER_SITE = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "iframe",
}
IMAGE_ON_ANOTHER_SITE = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "image",
}
FETCH_FROM_A_SIBLING_SITE = {
    "Sec-Fetch-Site": "same-site",
    "Sec-Fetch-Mode": "cors",
    "Sec-Fetch-Dest": "empty",
}
OWN_PAGE = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
TYPED_ADDRESS = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


@pytest.fixture
def owner(client):
    user = StaffFactory(username="owner", is_superuser=True)
    client.force_login(user)
    return user


def test_a_link_in_a_staff_email_still_opens_the_admin(client, owner):
    response = client.get(reverse("admin:index"), secure=True, headers=LINK_FROM_ANOTHER_SITE)
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [OWN_PAGE, TYPED_ADDRESS, {}], ids=["own page", "typed", "no browser"])
def test_requests_from_the_admins_own_pages_are_served(client, owner, headers):
    assert client.get(reverse("admin:index"), secure=True, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [FRAMED_BY_ANOTHER_SITE, IMAGE_ON_ANOTHER_SITE, FETCH_FROM_A_SIBLING_SITE],
    ids=["framed", "image", "sibling fetch"],
)
def test_another_site_cannot_load_an_admin_page_into_its_own(client, owner, headers):
    url = reverse("admin:inquiries_inquiry_changelist")
    assert client.get(url, secure=True, headers=headers).status_code == 403


def test_a_login_form_posted_from_another_site_is_refused(client):
    """Login CSRF: another site signs the victim's browser in to an account the attacker controls."""
    StaffFactory(username="attacker")
    response = client.post(
        reverse("admin:login"),
        {"username": "attacker", "password": PASSWORD},
        secure=True,
        headers=FORM_POSTED_FROM_ANOTHER_SITE,
    )
    assert response.status_code == 403
    assert not Session.objects.exists()


def test_an_older_browser_is_judged_by_its_origin(client, owner):
    url = reverse("admin:index")
    assert client.post(url, secure=True, headers={"Origin": "https://attacker.example"}).status_code == 403
    assert client.get(url, secure=True, headers={"Origin": "https://testserver"}).status_code == 200


def test_the_public_site_is_not_affected(client):
    response = client.get(reverse("home"), secure=True, headers=IMAGE_ON_ANOTHER_SITE)
    assert response.status_code == 200


def test_a_cross_site_link_to_resend_an_email_sends_nothing(client, owner):
    """post_office's "send again" is a GET: a link on another site would mail a patient again."""
    email = EmailFactory(status=STATUS.sent)
    response = client.get(
        reverse("admin:resend", args=[email.pk]), secure=True, headers=LINK_FROM_ANOTHER_SITE
    )
    assert response.status_code == 405
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert not email.logs.exists()


def test_resend_is_not_a_get_from_the_admins_own_page_either(client, owner):
    email = EmailFactory(status=STATUS.failed)
    response = client.get(reverse("admin:resend", args=[email.pk]), secure=True, headers=OWN_PAGE)
    assert response.status_code == 405
    email.refresh_from_db()
    assert email.status == STATUS.failed


# Every GET the admin routes, model by model: the only writes it may make are the session's renewed
# expiry and the record of who looked at patient data.
WRITES = ("INSERT", "UPDATE", "DELETE")
WRITES_A_GET_MAY_MAKE = ("django_session", "inquiries_inquiryaccesslog")
ARGUMENTS = {"object_id": None, "pk": None, "id": None, "content_id": "0" * 32}  # None: the instance's key
ADMIN_GETS = sorted(
    (model._meta.label, pattern.name)
    for model, model_admin in admin.site._registry.items()
    for pattern in model_admin.get_urls()
    if isinstance(pattern, URLPattern) and pattern.name
)


def url_arguments(pattern: URLPattern, obj) -> dict:
    names = getattr(pattern.pattern, "converters", None) or pattern.pattern.regex.groupindex
    return {name: obj.pk if ARGUMENTS[name] is None else ARGUMENTS[name] for name in names}


@pytest.mark.parametrize(("label", "name"), ADMIN_GETS)
def test_no_admin_get_changes_anything(client, owner, settings, tmp_path, label, name):
    settings.MEDIA_ROOT = tmp_path
    model = apps.get_model(label)
    pattern = next(p for p in admin.site._registry[model].get_urls() if getattr(p, "name", None) == name)
    url = reverse(f"admin:{name}", kwargs=url_arguments(pattern, an_instance(model)))
    writes = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES) and not any(t in sql for t in WRITES_A_GET_MAY_MAKE):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url, secure=True, headers=OWN_PAGE)
    assert response.status_code < 500
    assert writes == [], f"GET {url} wrote to the database"
