"""Decisions the settings make from the environment, each checked in a fresh interpreter."""

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "example.org"}


def in_fresh_process(code: str, **env_overrides: str) -> str:
    """What ``code`` prints, run after django.setup() in a new interpreter with this environment."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        **PRODUCTION,
        **env_overrides,
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def setting_in_fresh_process(name: str, **env_overrides: str) -> str:
    return in_fresh_process(f"from django.conf import settings; print(settings.{name})", **env_overrides)


def test_sessions_stay_in_the_database_with_the_per_process_cache():
    assert setting_in_fresh_process("SESSION_ENGINE") == "django.contrib.sessions.backends.db"


def test_sessions_are_read_from_a_shared_redis_cache():
    engine = setting_in_fresh_process("SESSION_ENGINE", CACHE_URL="redis://127.0.0.1:6379/1")
    assert engine == "django.contrib.sessions.backends.cached_db"


def test_https_redirect_is_on_by_default_without_debug():
    assert setting_in_fresh_process("SECURE_SSL_REDIRECT") == "True"


def test_hsts_preload_is_opt_in():
    assert setting_in_fresh_process("SECURE_HSTS_PRELOAD") == "False"
    assert setting_in_fresh_process("SECURE_HSTS_PRELOAD", DJANGO_SECURE_HSTS_PRELOAD="true") == "True"


def test_csrf_trusted_origins_come_from_the_environment():
    origins = setting_in_fresh_process(
        "CSRF_TRUSTED_ORIGINS", DJANGO_CSRF_TRUSTED_ORIGINS="https://pt.example,https://www.pt.example"
    )
    assert origins == "['https://pt.example', 'https://www.pt.example']"


# Start-up checks as `manage.py check` (and runserver) runs them, ours only.
OUR_CHECKS = """
from django.core.checks import run_checks
for message in run_checks():
    if message.id.startswith("clinic_site."):
        print(message.id, message.msg)
"""
RENAMED = [
    # (old environment name, new name, a value that is not the default)
    ("COMMENTS_MAX_FORM_AGE", "COMMENTS_MAX_FORM_AGE_SECONDS", "7200"),
    ("INQUIRIES_MIN_FILL_SECONDS", "INQUIRIES_MIN_SECONDS", "5"),
    ("INQUIRIES_FORM_MAX_AGE_SECONDS", "INQUIRIES_MAX_FORM_AGE_SECONDS", "7200"),
]


@pytest.mark.parametrize(("old", "new", "value"), RENAMED)
def test_a_renamed_variable_still_works_under_its_old_name(old, new, value):
    assert setting_in_fresh_process(new, **{old: value}) == value


@pytest.mark.parametrize(("old", "new", "value"), RENAMED)
def test_an_old_name_is_warned_about_at_start_up(old, new, value):
    warnings = in_fresh_process(OUR_CHECKS, **{old: value}).splitlines()
    assert warnings == [f"clinic_site.W001 The environment variable {old} is now called {new}."]


@pytest.mark.parametrize(("old", "new", "value"), RENAMED)
def test_the_new_name_wins_over_the_old_one(old, new, value):
    assert setting_in_fresh_process(new, **{old: value, new: "9000"}) == "9000"


def test_the_auto_approval_switch_keeps_working_under_its_old_name_with_a_warning():
    """Renamed when "known" (an approved comment) became "verified" (a confirmed browser)."""
    old, new = "COMMENTS_AUTO_APPROVE_KNOWN", "COMMENTS_AUTO_APPROVE_VERIFIED"
    assert setting_in_fresh_process(new, **{old: "false"}) == "False"
    assert setting_in_fresh_process(new, **{old: "false", new: "true"}) == "True"
    warnings = in_fresh_process(OUR_CHECKS, **{old: "false"}).splitlines()
    assert warnings == [f"clinic_site.W001 The environment variable {old} is now called {new}."]


def test_no_warning_when_only_the_new_names_are_set():
    environment = {new: value for _old, new, value in RENAMED}
    assert in_fresh_process(OUR_CHECKS, **environment) == ""


# What Django builds for its own mail (error reports) and what post_office's worker builds
# (get_connection on the backend in POST_OFFICE["BACKENDS"]) before it opens the connection.
SMTP_CONNECTIONS = """
from django.core.mail import get_connection
from post_office.settings import get_backend
for connection in (get_connection(), get_connection(get_backend("default"))):
    print(type(connection).__module__, connection.timeout)
"""
SMTP_URL = "smtp+tls://clinic:secret@smtp.example.org:587"


def test_smtp_connections_give_up_after_ten_seconds_by_default():
    lines = in_fresh_process(SMTP_CONNECTIONS, EMAIL_URL=SMTP_URL).splitlines()
    assert lines == ["django.core.mail.backends.smtp 10"] * 2


def test_the_smtp_timeout_comes_from_the_environment():
    lines = in_fresh_process(SMTP_CONNECTIONS, EMAIL_URL=SMTP_URL, EMAIL_TIMEOUT_SECONDS="3").splitlines()
    assert lines == ["django.core.mail.backends.smtp 3"] * 2


def test_configured_cache_round_trips_a_value():
    """Under `make test-redis` (CACHE_URL=redis://...) this talks to the real Redis."""
    cache.set("clinic-test-key", {"n": 1}, timeout=30)
    assert cache.get("clinic-test-key") == {"n": 1}
    cache.delete("clinic-test-key")


def test_server_errors_reach_the_console_log_without_debug():
    handlers = logging.getLogger("django.request").handlers
    assert any(type(handler) is logging.StreamHandler and not handler.filters for handler in handlers)
