"""The spam defences shared by the comment and inquiry forms."""

import time

import pytest
from django.core.cache import cache

from clinic_site import antispam

SALT = "tests.antispam"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_form_shown_a_while_ago_passes_the_time_trap():
    antispam.check_time_token(
        antispam.make_time_token(salt=SALT, at=time.time() - 30), salt=SALT, min_seconds=3, max_age=60
    )


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (lambda: antispam.make_time_token(salt=SALT), antispam.TimeTrapError.TOO_FAST),
        (lambda: antispam.make_time_token(salt=SALT, at=time.time() - 120), antispam.TimeTrapError.EXPIRED),
        (
            lambda: antispam.make_time_token(salt="another.form", at=time.time() - 30),
            antispam.TimeTrapError.INVALID,
        ),
        (lambda: "forged", antispam.TimeTrapError.INVALID),
    ],
)
def test_the_time_trap_says_why_it_refuses(token, code):
    with pytest.raises(antispam.TimeTrapError) as refusal:
        antispam.check_time_token(token(), salt=SALT, min_seconds=3, max_age=60)
    assert refusal.value.code == code


def test_the_honeypot_is_filled_only_when_the_field_has_text():
    assert antispam.honeypot_filled({"website": "http://bot.example"})
    assert not antispam.honeypot_filled({"website": ""})


def test_behind_a_trusted_proxy_each_client_has_its_own_rate_limit(rf, settings):
    # Every request reaches gunicorn from the proxy (127.0.0.1); the client is in X-Forwarded-For.
    settings.TRUSTED_PROXY_COUNT = 1

    def post(address):
        request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        return antispam.rate_limited(request, group="tests", rate="1/h")

    assert not post("203.0.113.1")
    assert not post("203.0.113.2")
    assert post("203.0.113.1")


def test_a_rate_django_ratelimit_cannot_read_fails_the_checks(settings):
    settings.INQUIRIES_RATE_LIMIT = "five an hour"
    assert [error.id for error in antispam.check_rates()] == ["clinic_site.E001"]


def test_the_configured_rates_pass_the_checks():
    assert antispam.check_rates() == []
