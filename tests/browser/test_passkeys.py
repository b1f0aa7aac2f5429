"""Passkeys in headless Chromium, with a virtual authenticator (Chrome DevTools Protocol)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic_site.signin.models import Passkey
from tests.factories import StaffFactory

from .support import log_in_to_admin

PASSWORD = "a-long-test-password"


@pytest.fixture
def authenticator(page):
    """A platform authenticator that holds passkeys and says yes to every request."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, found["authenticatorId"]


@pytest.fixture(autouse=True)
def _relying_party_is_the_live_server(settings, site_url):
    settings.SITE_URL = site_url  # http://localhost:PORT: the relying party id is "localhost"


def type_password(page, site_url, username):
    page.goto(site_url + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("signin:second_factor"))))


def test_a_staff_member_adds_a_passkey_then_signs_in_with_it(page, site_url, authenticator):
    cdp, authenticator_id = authenticator
    user = StaffFactory(username="editor")
    log_in_to_admin(page, site_url, "editor", PASSWORD)  # enrols an authenticator app first
    page.get_by_role("link", name="Passkeys").click()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkeys li")).to_have_count(1)
    passkey = Passkey.objects.get(user=user)
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(stored) == 1

    page.context.clear_cookies()
    type_password(page, site_url, "editor")
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(site_url + reverse("admin:index"))
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


def test_a_passkey_of_another_account_does_not_pass_the_second_step(page, site_url, authenticator):
    StaffFactory(username="editor")
    log_in_to_admin(page, site_url, "editor", PASSWORD)
    page.get_by_role("link", name="Passkeys").click()
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkeys li")).to_have_count(1)

    # Another account, in the same browser: its second step offers a passkey (it has one too)...
    other = StaffFactory(username="handler")
    Passkey.objects.create(user=other, name="Elsewhere", credential_id="AAAA", public_key=b"x")
    page.context.clear_cookies()
    type_password(page, site_url, "handler")
    # ...but the browser holds only the editor's, which the server does not ask for nor accept.
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("status")).not_to_be_empty()
    expect(page).to_have_url(re.compile(re.escape(site_url + reverse("signin:second_factor"))))
    assert page.goto(site_url + reverse("admin:index")).url.startswith(
        site_url + reverse("signin:second_factor")
    )
