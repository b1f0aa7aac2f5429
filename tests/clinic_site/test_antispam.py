"""The spam defences shared by the comment and inquiry forms."""

import time

import pytest

from clinic_site import antispam

SALT = "tests.antispam"


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
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    def post(address):
        request = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        return antispam.rate_limited(request, group="tests", rate="1/h")

    assert not post("203.0.113.1")
    assert not post("203.0.113.2")
    assert post("203.0.113.1")


# A guard as a form declares it; the INQUIRIES_* settings stand in for any form's.
GUARD = antispam.FormGuard(settings_prefix="INQUIRIES", salt=SALT, rate_group="tests.guard")


def test_a_guard_reads_its_time_trap_settings_when_used(settings):
    settings.INQUIRIES_MIN_SECONDS = 10
    settings.INQUIRIES_MAX_FORM_AGE_SECONDS = 100
    GUARD.check_token(GUARD.make_token(at=time.time() - 50))
    with pytest.raises(antispam.TimeTrapError) as refusal:
        GUARD.check_token(GUARD.make_token(at=time.time() - 5))
    assert refusal.value.code == antispam.TimeTrapError.TOO_FAST
    with pytest.raises(antispam.TimeTrapError) as refusal:
        GUARD.check_token(GUARD.make_token(at=time.time() - 200))
    assert refusal.value.code == antispam.TimeTrapError.EXPIRED


def test_a_guard_refuses_the_token_of_another_form():
    other = antispam.FormGuard(settings_prefix="INQUIRIES", salt="another.form", rate_group="tests.guard")
    with pytest.raises(antispam.TimeTrapError) as refusal:
        GUARD.check_token(other.make_token(at=time.time() - 30))
    assert refusal.value.code == antispam.TimeTrapError.INVALID


def test_a_guard_limits_by_its_rate_setting_in_its_own_group(rf, settings):
    settings.INQUIRIES_RATE_LIMIT = "2/h"
    other = antispam.FormGuard(settings_prefix="INQUIRIES", salt=SALT, rate_group="tests.other")
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    assert [GUARD.rate_limited(request) for _ in range(3)] == [False, False, True]
    assert not other.rate_limited(request)


def test_a_guard_for_a_form_the_checks_do_not_know_is_refused():
    with pytest.raises(ValueError, match="GUARDED_FORMS"):
        antispam.FormGuard(settings_prefix="NEWSLETTER", salt=SALT, rate_group="tests.guard")


@pytest.mark.parametrize("name", ["COMMENTS_RATE_LIMIT", "INQUIRIES_RATE_LIMIT"])
def test_a_rate_django_ratelimit_cannot_read_fails_the_checks(settings, name):
    setattr(settings, name, "five an hour")
    assert [error.id for error in antispam.check_rates()] == ["clinic_site.E005"]
    assert name in antispam.check_rates()[0].msg


def test_the_configured_rates_pass_the_checks():
    assert antispam.check_rates() == []


@pytest.mark.parametrize("prefix", ["COMMENTS", "INQUIRIES"])
@pytest.mark.parametrize(("shortest", "longest"), [(60, 60), (600, 60), (-1, 60)])
def test_a_form_that_could_never_be_sent_fails_the_checks(settings, prefix, shortest, longest):
    setattr(settings, f"{prefix}_MIN_SECONDS", shortest)
    setattr(settings, f"{prefix}_MAX_FORM_AGE_SECONDS", longest)
    errors = antispam.check_time_traps()
    assert [error.id for error in errors] == ["clinic_site.E006"]
    assert f"{prefix}_MAX_FORM_AGE_SECONDS" in errors[0].msg


def test_the_configured_time_traps_pass_the_checks():
    assert antispam.check_time_traps() == []
