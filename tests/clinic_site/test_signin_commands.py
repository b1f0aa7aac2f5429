"""manage.py mfa_totp (provisioning an authenticator app) and demo_otp (a code, with DEBUG only)."""

from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic_site.signin import devices
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_mfa_totp_adds_a_confirmed_app_and_prints_its_uri():
    user = StaffFactory(username="handler")
    output = run("mfa_totp", "handler")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert output.strip() == f"handler: {device.config_url}"
    uri = urlsplit(output.split(": ", 1)[1].strip())
    assert uri.scheme == "otpauth"
    assert parse_qs(uri.query)["issuer"] == ["Tidewater Physical Therapy"]


def test_mfa_totp_if_missing_keeps_the_existing_app():
    user = StaffFactory(username="handler")
    first = run("mfa_totp", "handler", "--if-missing")
    second = run("mfa_totp", "handler", "--if-missing")
    assert first == second
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_mfa_totp_refuses_an_unknown_username():
    with pytest.raises(CommandError, match="No such user: nobody"):
        run("mfa_totp", "nobody")


def test_demo_otp_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    StaffFactory(username="handler")
    run("mfa_totp", "handler")
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        run("demo_otp", "handler")


def test_demo_otp_prints_a_code_the_second_step_accepts(settings):
    settings.DEBUG = True
    user = StaffFactory(username="handler")
    run("mfa_totp", "handler")
    code = run("demo_otp", "handler").strip()
    assert len(code) == 6
    assert devices.verify(user, code) is not None


def test_demo_otp_says_when_there_is_no_app(settings):
    settings.DEBUG = True
    StaffFactory(username="handler")
    with pytest.raises(CommandError, match="mfa_totp handler"):
        run("demo_otp", "handler")


@pytest.mark.parametrize("password", ["Tr0ub4dor&3x", "correcthorse"])
def test_passwords_shorter_than_twelve_characters_are_refused(password):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password(password[:11])


def test_a_common_password_is_refused_whatever_its_length():
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
