"""Staff sign-in: the password, then a second factor, before any admin page (clinic_site/signin/).

Each test is an attack the sign-in stops, or a step a staff member depends on. Codes are real:
computed from the device's key as an authenticator app would.
"""

import io
import time

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from blog.models import Article
from clinic_site import roles
from clinic_site.signin import devices
from clinic_site.signin.middleware import SIGNED_IN_AT_SESSION_KEY
from clinic_site.signin.models import Passkey
from tests.factories import (
    ArticleFactory,
    InquiryFactory,
    PasskeyFactory,
    StaffFactory,
    TOTPDeviceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fast_passwords_and_tmp_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def owner():
    return UserFactory(username="owner", is_staff=True, is_superuser=True)


@pytest.fixture
def app(owner):
    return TOTPDeviceFactory(user=owner)


def type_password(client, username="owner", password=PASSWORD, next_url=None):
    data = {"username": username, "password": password, "next": next_url or reverse("admin:index")}
    return client.post(reverse("admin:login"), data)


def type_code(client, token, next_url=None):
    url = reverse("signin:second_factor")
    return client.post(url, {"otp_token": token, "next": next_url or reverse("admin:index")})


def verified(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


# --- The password alone opens nothing ---------------------------------------------------------


def admin_urls():
    inquiry = InquiryFactory()
    article = ArticleFactory(status=Article.Status.DRAFT)
    return [
        reverse("admin:index"),
        reverse("admin:inquiries_inquiry_changelist") + "?q=Pat",
        reverse("admin:inquiries_inquiry_change", args=[inquiry.pk]),
        reverse("admin:blog_article_change", args=[article.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:autocomplete") + "?app_label=clinic_site&model_name=clinician&field_name=user&term=o",
        reverse("admin:jsi18n"),
        reverse("signin:recovery_codes"),
    ]


def test_password_alone_is_sent_to_the_second_step(client, app):
    response = type_password(client)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin:second_factor"))


def test_password_alone_reaches_no_admin_page_or_endpoint(client, owner, app):
    type_password(client)
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("signin:second_factor")), url


def test_password_alone_cannot_upload_through_the_editor(client, settings, tmp_path):
    editor = StaffFactory(username="editor")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    TOTPDeviceFactory(user=editor)
    type_password(client, "editor")
    image = io.BytesIO()
    Image.new("RGB", (20, 20)).save(image, format="PNG")
    response = client.post(
        reverse("admin:blog_article_upload_image"), {"upload": SimpleUploadedFile("a.png", image.getvalue())}
    )
    assert response.status_code == 302
    assert not list(tmp_path.rglob("*.png"))


def test_password_alone_cannot_change_anything_with_a_post(client, owner, app):
    article = ArticleFactory(title="Before")
    type_password(client)
    url = reverse("admin:blog_article_delete", args=[article.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.filter(pk=article.pk).exists()


def test_password_alone_counts_as_a_visitor_on_the_public_site(client, owner, app):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    type_password(client)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_user_without_staff_status_gets_no_second_step(client):
    UserFactory(username="patient")
    type_password(client, "patient")
    response = client.get(reverse("signin:second_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- The second step -------------------------------------------------------------------------


def test_the_second_step_asks_for_otp_token(client, app):
    type_password(client)
    response = client.get(reverse("signin:second_factor"))
    assert response.status_code == 200
    assert b'name="otp_token"' in response.content


def test_the_right_code_opens_the_admin(client, app):
    type_password(client)
    response = type_code(client, devices.current_code(app))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert verified(client)


def test_the_right_code_changes_the_session_key(client, app):
    type_password(client)
    before = client.session.session_key
    type_code(client, devices.current_code(app))
    assert client.session.session_key != before


def test_a_wrong_code_is_refused(client, app):
    type_password(client)
    right = devices.current_code(app)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = type_code(client, wrong)
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert not verified(client)


def test_a_code_used_once_is_refused_the_second_time(client, app):
    type_password(client)
    code = devices.current_code(app)
    type_code(client, code)
    assert verified(client)

    thief = Client()
    type_password(thief)
    response = type_code(thief, code)
    assert response.status_code == 200
    assert not verified(thief)


def test_after_a_wrong_code_guessing_is_slowed_down(client, app, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the wait after one failure: a minute, not the 1 s default
    type_password(client)
    type_code(client, "000000" if devices.current_code(app) != "000000" else "111111")
    # django-otp's throttle: the next try within the wait is refused even with the right code.
    response = type_code(client, devices.current_code(app))
    assert response.status_code == 200
    assert not verified(client)


def test_an_outside_next_address_is_not_followed(client, app):
    type_password(client)
    response = type_code(client, devices.current_code(app), next_url="https://evil.example/")
    assert response["Location"] == reverse("admin:index")


def test_a_recovery_code_works_once(client, owner, app):
    codes = devices.issue_recovery_codes(owner)
    type_password(client)
    response = type_code(client, codes[0].upper())
    assert response.status_code == 302
    assert verified(client)
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    other = Client()
    type_password(other)
    assert type_code(other, codes[0]).status_code == 200
    assert not verified(other)


def test_new_recovery_codes_replace_the_old_ones(client, owner, app):
    old = devices.issue_recovery_codes(owner)
    client.force_login(owner)
    response = client.post(reverse("signin:recovery_codes"))
    assert response.status_code == 200
    new = list(response.context["codes"])
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


# --- Enrolment at first sign-in ----------------------------------------------------------------


def test_staff_without_a_device_is_taken_to_enrolment(client, owner):
    type_password(client)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("signin:enrol"))


def test_enrolment_shows_a_qr_code_drawn_here_and_the_key(client, owner):
    type_password(client)
    response = client.get(reverse("signin:enrol"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=owner, confirmed=False)
    assert devices.secret(device) in page
    assert 'name="otp_token"' in page


def test_the_qr_code_stays_the_same_on_reload(client, owner):
    type_password(client)
    first = client.get(reverse("signin:enrol")).context["secret"]
    second = client.get(reverse("signin:enrol")).context["secret"]
    assert first == second
    assert TOTPDevice.objects.filter(user=owner).count() == 1


def test_enrolment_with_the_apps_code_signs_in_and_shows_recovery_codes_once(client, owner):
    type_password(client)
    client.get(reverse("signin:enrol"))
    device = TOTPDevice.objects.get(user=owner, confirmed=False)
    response = client.post(reverse("signin:enrol"), {"otp_token": devices.current_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert verified(client)
    # Not shown again: the page without a POST offers new codes, it does not list the old ones.
    assert not client.get(reverse("signin:recovery_codes")).context.get("codes")


def test_enrolment_with_a_wrong_code_confirms_nothing(client, owner):
    type_password(client)
    client.get(reverse("signin:enrol"))
    response = client.post(reverse("signin:enrol"), {"otp_token": "12345"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=owner, confirmed=True).exists()
    assert not verified(client)


def test_a_password_thief_cannot_enrol_an_app_on_an_account_that_has_one(client, owner, app):
    type_password(client)
    response = client.get(reverse("signin:enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin:second_factor"))
    response = client.post(reverse("signin:enrol"), {"otp_token": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=owner).count() == 1


# --- The session's absolute lifetime --------------------------------------------------------------


def age_session(client, seconds):
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_in_use_still_ends_twelve_hours_after_sign_in(client, owner):
    client.force_login(owner)
    age_session(client, 12 * 60 * 60 + 1)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session


def test_a_session_younger_than_twelve_hours_goes_on(client, owner):
    client.force_login(owner)
    age_session(client, 12 * 60 * 60 - 60)
    assert verified(client)


def test_a_session_without_a_sign_in_time_is_ended(client, owner):
    client.force_login(owner)
    session = client.session
    del session[SIGNED_IN_AT_SESSION_KEY]
    session.save()
    assert client.get(reverse("admin:index")).status_code == 302


# --- The owner resets a lost second factor ---------------------------------------------------


def test_the_owner_resets_a_colleagues_second_factor(client, owner):
    colleague = StaffFactory(username="handler")
    TOTPDeviceFactory(user=colleague)
    devices.issue_recovery_codes(colleague)
    client.force_login(owner)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [colleague.pk]},
    )
    assert response.status_code == 302
    assert not devices.has_second_factor(colleague)

    their_browser = Client()
    type_password(their_browser, "handler")
    assert their_browser.get(reverse("admin:index"))["Location"].startswith(reverse("signin:enrol"))


def test_a_reset_signs_the_account_out_of_every_browser(client, owner, django_capture_on_commit_callbacks):
    """Otherwise the session on the lost phone would be taken to enrolment and add its own app."""
    colleague = StaffFactory(username="handler")
    TOTPDeviceFactory(user=colleague)
    on_the_lost_phone, at_work = Client(), Client()
    on_the_lost_phone.force_login(colleague)
    at_work.force_login(colleague)
    owners_browser = Client()
    owners_browser.force_login(owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):  # the sessions end once the reset is committed
        client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [colleague.pk]},
        )
    for browser in (on_the_lost_phone, at_work):
        response = browser.get(reverse("signin:enrol"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert verified(owners_browser)


def test_staff_who_may_change_users_but_are_not_the_owner_get_no_reset_action(client):
    from django.contrib.auth.models import Permission

    manager = StaffFactory(username="manager")
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    colleague = StaffFactory(username="handler")
    TOTPDeviceFactory(user=colleague)
    client.force_login(manager)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [colleague.pk]},
    )
    assert devices.has_second_factor(colleague)
    assert b"reset_second_factor" not in client.get(reverse("admin:auth_user_changelist")).content
    assert response.status_code in (200, 302)


def test_the_user_list_says_who_has_a_second_factor(client, owner, app):
    StaffFactory(username="newcomer")
    client.force_login(owner)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert "authenticator app" in response.content.decode().lower()


def test_every_admin_page_links_to_new_recovery_codes(client, owner):
    client.force_login(owner)
    response = client.get(reverse("admin:index"))
    assert f'href="{reverse("signin:recovery_codes")}"'.encode() in response.content


# --- Passkeys (the full ceremony runs in Chromium: tests/browser/test_passkeys.py) -------------


def post_json(client, name, body="{}"):
    return client.post(reverse(name), body, content_type="application/json")


def test_password_alone_cannot_register_a_passkey(client, owner, app):
    type_password(client)
    for name in ["signin:passkey_new_options", "signin:passkey_new", "signin:passkeys"]:
        response = post_json(client, name)
        assert response.status_code == 302, name
    assert not Passkey.objects.exists()


def test_passkey_options_name_only_this_accounts_passkeys(client, owner, app):
    mine = PasskeyFactory(user=owner, credential_id="bWluZQ")
    PasskeyFactory(user=StaffFactory(username="other"), credential_id="b3RoZXI")
    type_password(client)
    response = post_json(client, "signin:passkey_options")
    assert response.status_code == 200
    options = response.json()
    assert [c["id"] for c in options["allowCredentials"]] == [mine.credential_id]
    assert options["rpId"] == "127.0.0.1"  # the host of SITE_URL


def test_a_forged_passkey_answer_is_refused(client, owner, app):
    PasskeyFactory(user=owner, credential_id="bWluZQ")
    type_password(client)
    post_json(client, "signin:passkey_options")
    forged = (
        '{"id": "bWluZQ", "rawId": "bWluZQ", "type": "public-key", "response": {"clientDataJSON": "e30",'
        ' "authenticatorData": "AAAA", "signature": "AAAA"}}'
    )
    response = post_json(client, "signin:passkey", forged)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not verified(client)


def test_a_passkey_answer_without_a_waiting_challenge_is_refused(client, owner, app):
    PasskeyFactory(user=owner)
    type_password(client)
    response = post_json(client, "signin:passkey", "not json")
    assert response.status_code == 400
    assert not verified(client)


def test_the_passkey_endpoints_take_no_get(client, owner, app):
    type_password(client)
    assert client.get(reverse("signin:passkey_options")).status_code == 405


def test_resetting_the_second_factor_removes_passkeys_too(owner):
    PasskeyFactory(user=owner)
    devices.reset(owner)
    assert not Passkey.objects.exists()


def test_the_owner_resetting_their_own_account_stays_in_this_browser_only(
    client, owner, django_capture_on_commit_callbacks
):
    TOTPDeviceFactory(user=owner)
    elsewhere = Client()
    elsewhere.force_login(owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [owner.pk]},
            follow=True,
        )
    assert response.status_code == 200 and "Second factor reset for 1 account" in response.content.decode()
    assert elsewhere.get(reverse("signin:enrol"))["Location"].startswith(reverse("admin:login"))
