"""Passkeys (WebAuthn, py_webauthn): registering one, and signing in with one as the second step.

The relying party is the host of ``SITE_URL`` and the origin its scheme, host and port, so a
passkey made for the site works only there. Each ceremony's challenge is kept in the session and
used once.
"""

from urllib.parse import urlsplit

import webauthn
from django.conf import settings
from django.db import transaction
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..practice import current as current_practice
from .models import Passkey

CHALLENGE_SESSION_KEY = "signin_passkey_challenge"


class PasskeyRefused(Exception):
    """The browser's answer did not prove a passkey of this user (message safe to show)."""


def rp_id() -> str:
    return urlsplit(settings.SITE_URL).hostname


def expected_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _descriptors(user):
    return [
        PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(passkey.credential_id))
        for passkey in Passkey.objects.filter(user=user, confirmed=True)
    ]


def _take_challenge(session) -> bytes:
    challenge = session.pop(CHALLENGE_SESSION_KEY, None)
    if not challenge:
        raise PasskeyRefused("No passkey request is waiting: start again.")
    return webauthn.base64url_to_bytes(challenge)


def registration_options(user, session) -> str:
    options = webauthn.generate_registration_options(
        rp_id=rp_id(),
        rp_name=current_practice().name,
        user_id=str(user.pk).encode(),
        user_name=user.get_username(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    session[CHALLENGE_SESSION_KEY] = bytes_to_base64url(options.challenge)
    return webauthn.options_to_json(options)


def register(user, session, credential_json: str, *, name: str = "Passkey") -> Passkey:
    challenge = _take_challenge(session)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential_json,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused("The passkey could not be registered.") from exc
    return Passkey.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options(user, session) -> str:
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    session[CHALLENGE_SESSION_KEY] = bytes_to_base64url(options.challenge)
    return webauthn.options_to_json(options)


def authenticate(user, session, credential_json: str) -> Passkey:
    """The passkey of ``user`` that signed this session's challenge; refuses anyone else's."""
    challenge = _take_challenge(session)
    try:
        credential = parse_authentication_credential_json(credential_json)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused("That was not a passkey's answer.") from exc
    with transaction.atomic():
        passkey = (
            Passkey.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=credential.id)
            .first()
        )
        if passkey is None:
            raise PasskeyRefused("That passkey is not one of this account's.")
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id(),
                expected_origin=expected_origin(),
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise PasskeyRefused("The passkey's answer did not check out.") from exc
        passkey.sign_count = verified.new_sign_count
        passkey.set_last_used_timestamp(commit=False)
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


def has_passkey(user) -> bool:
    return Passkey.objects.filter(user=user, confirmed=True).exists()
