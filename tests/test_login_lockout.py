"""django-axes on the admin login: three counters, each locked at its own limit for 15 minutes.

This username from this address after 5 failures; this username from any address after 10 (guessing
spread over many addresses); this address for any username after 20 (password spraying).
"""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    return StaffFactory(username="editor")


def attempt(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        secure=True,
        REMOTE_ADDR=address,
    )


def fail_times(client, count, username="editor", address="203.0.113.7"):
    for _ in range(count):
        attempt(client, username, "wrong-password", address)


def test_four_failures_still_allow_the_right_password(client, staff):
    fail_times(client, 4)
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 302


def test_sixth_attempt_after_five_failures_is_refused_with_429(client, staff):
    fail_times(client, 5)
    response = attempt(client, "editor", "wrong-password")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_right_password_is_refused_while_locked(client, staff):
    fail_times(client, 5)
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_reach_the_same_username_from_another_client(client, staff):
    fail_times(client, 5)
    response = attempt(client, "editor", PASSWORD, address="198.51.100.20")
    assert response.status_code == 302


def test_lockout_does_not_reach_another_username_from_the_same_client(client, staff):
    StaffFactory(username="owner")
    fail_times(client, 5)
    response = attempt(client, "owner", PASSWORD)
    assert response.status_code == 302


def spray(client, count, *, addresses=None, usernames=None):
    for n in range(count):
        attempt(
            client,
            usernames[n] if usernames else "editor",
            "wrong-password",
            addresses[n] if addresses else "203.0.113.7",
        )


def test_guessing_one_username_from_many_addresses_is_locked_after_ten(client, staff):
    addresses = [f"198.51.100.{n}" for n in range(1, 11)]
    spray(client, 9, addresses=addresses)
    assert attempt(client, "editor", PASSWORD, address="192.0.2.99").status_code == 302
    client.logout()
    spray(client, 10, addresses=addresses)
    response = attempt(client, "editor", PASSWORD, address="192.0.2.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_spraying_many_usernames_from_one_address_is_locked_after_twenty(client, staff):
    spray(client, 20, usernames=[f"guess{n}" for n in range(20)])
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_nineteen_sprayed_failures_still_let_a_colleague_in_from_that_address(client, staff):
    spray(client, 19, usernames=[f"guess{n}" for n in range(19)])
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_a_right_password_does_not_reset_the_addresss_spraying_count(client, staff):
    spray(client, 19, usernames=[f"guess{n}" for n in range(19)])
    assert attempt(client, "editor", PASSWORD).status_code == 302
    client.logout()
    spray(client, 1, usernames=["guess19"])
    assert attempt(client, "editor", PASSWORD).status_code == 429


def test_a_right_password_resets_the_pairs_count(client, staff):
    fail_times(client, 4)
    assert attempt(client, "editor", PASSWORD).status_code == 302
    client.logout()
    fail_times(client, 4)
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_failed_attempt_is_recorded_for_the_admin(client, staff):
    fail_times(client, 2)
    record = AccessAttempt.objects.get()
    assert record.username == "editor"
    assert record.ip_address == "203.0.113.7"
    assert record.failures_since_start == 2


def test_failed_attempt_is_logged_without_the_password(client, staff, caplog):
    with caplog.at_level(logging.INFO, logger="axes"):
        fail_times(client, 1)
    assert "New login failure" in caplog.text
    assert "wrong-password" not in caplog.text


def test_forged_forwarded_for_behind_the_proxy_does_not_dodge_the_lockout(client, staff, settings):
    """nginx appends the real address; whatever the attacker writes before it changes nothing."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    def through_nginx(password, forged):
        return client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password},
            secure=True,
            REMOTE_ADDR="127.0.0.1",
            headers={"X-Forwarded-For": f"{forged}, 203.0.113.7"},
        )

    for number in range(5):
        through_nginx("wrong-password", forged=f"10.0.0.{number}")
    assert through_nginx(PASSWORD, forged="10.0.0.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
