"""The second factors of a staff account (django-otp devices) and what may be done with them.

An account has at most one authenticator app (a TOTP device) and one set of recovery codes (a
static device whose tokens each work once). An app is added unconfirmed and counts only once a code
from it has been typed (``confirm_enrolment``); the recovery codes are issued at that moment.
"""

import re
import time
from importlib import import_module

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# Six digits (spaces allowed, as apps show "123 456") is an app's code; anything else is tried as a
# recovery code.
_APP_CODE = re.compile(r"^\d{6}$")


def normalise(token: str) -> str:
    return "".join(token.split()).lower()


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def verify(user, token: str):
    """The confirmed device of ``user`` that accepts ``token`` (consuming it), or None.

    An app's code is accepted once, within a step either side of now, and never a code of a time
    step at or before the last one accepted (no replay); a recovery code is deleted when used.
    django-otp throttles each device: after a wrong code, the next try waits 1, 2, 4 ... seconds.
    """
    token = normalise(token)
    if not token:
        return None
    model = TOTPDevice if _APP_CODE.match(token) else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, model) and device.verify_token(token):
                return device
    return None


def pending_app(user) -> TOTPDevice:
    """The unconfirmed authenticator app being enrolled for ``user`` (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(user, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending app if ``token`` is its current code; returns it and new recovery codes."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not _APP_CODE.match(normalise(token)) or not device.verify_token(normalise(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device, issue_recovery_codes(user)


@transaction.atomic
def issue_recovery_codes(user) -> list[str]:
    """Replace every recovery code of ``user`` with a new set, and return it (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.SIGNIN_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def add_app(user, *, name: str = APP_DEVICE_NAME) -> TOTPDevice:
    """A confirmed authenticator app for ``user`` (provisioning: ``manage.py mfa_totp``)."""
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def reset(user, *, keep_session: str | None = None) -> int:
    """Remove every second factor of ``user`` and end their sessions: the next sign-in, password
    first, enrols a new one. A session left open would be taken to enrolment without the password,
    and whoever holds it (the one who found the lost phone) could add their own app. The sessions
    end once the removal is committed, so no request in between brings one back into the cache.
    ``keep_session``: the session of the request, when a superuser resets their own account.
    Returns the count of factors removed."""
    with transaction.atomic():
        count = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            count += 1
    transaction.on_commit(lambda: end_sessions(user, keep=keep_session))
    return count


def end_sessions(user, *, keep: str | None = None) -> None:
    """Sign ``user`` out of every browser (but the session ``keep``). Sessions are not indexed by
    user: the live ones are read (few: they end after half an hour idle), then each of theirs is
    ended through the session engine, which also drops a cached copy."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep or "")
    theirs = [s.session_key for s in live if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in theirs:
        store(key).delete()


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as a QR code, an SVG in a data: URI, drawn here (no third party)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's app shows at ``at`` (now by default), zero-padded."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
