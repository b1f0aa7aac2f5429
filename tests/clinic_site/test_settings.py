"""Decisions the settings make from the environment, each checked in a fresh interpreter.

Each test starts its own interpreter with an environment of its own (no DATABASE_URL, no
CACHE_URL unless it sets one), so what the suite's pass runs on changes nothing here: the marker
``fresh_interpreter`` keeps them to the first pass (Makefile, REPEAT_MARKERS).
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.fresh_interpreter

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "SITE_URL": "https://example.org",
    "EMAIL_URL": "smtp+tls://clinic:secret@smtp.example.org:587",
}


def in_fresh_process(code: str, *, setup: bool = True, **env_overrides: str) -> str:
    """What ``code`` prints, run after django.setup() (unless ``setup`` is false: the settings
    module alone, loaded on first use) in a new interpreter with this environment."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        **PRODUCTION,
        **env_overrides,
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}" if setup else code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def start_in_fresh_process(**env_overrides: str) -> subprocess.CompletedProcess:
    """Load the settings in a new interpreter with this environment, whatever the outcome: the
    settings module alone (where every refusal and warning of these tests is raised or printed),
    not the apps after it."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        **PRODUCTION,
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def setting_in_fresh_process(name: str, **env_overrides: str) -> str:
    # The settings module decides it: no need to load the apps (a second or so per test).
    code = f"from django.conf import settings; print(settings.{name})"
    return in_fresh_process(code, setup=False, **env_overrides)


def test_the_default_cache_is_the_machines_file_cache_under_var(tmp_path):
    assert setting_in_fresh_process('CACHES["default"]["BACKEND"]') == "clinic_site.cache.DiskCache"
    location = setting_in_fresh_process('CACHES["default"]["LOCATION"]', DJANGO_CACHE_DIR=str(tmp_path))
    assert location == str(tmp_path)


def test_sessions_are_read_from_the_default_file_cache():
    assert setting_in_fresh_process("SESSION_ENGINE") == "django.contrib.sessions.backends.cached_db"


def test_sessions_stay_in_the_database_with_a_per_process_cache():
    engine = setting_in_fresh_process("SESSION_ENGINE", CACHE_URL="locmemcache://one")
    assert engine == "django.contrib.sessions.backends.db"


def test_sessions_are_read_from_a_shared_redis_cache():
    engine = setting_in_fresh_process("SESSION_ENGINE", CACHE_URL="redis://127.0.0.1:6379/1")
    assert engine == "django.contrib.sessions.backends.cached_db"


def test_redis_goes_through_the_backend_that_degrades_when_it_is_down():
    backend = setting_in_fresh_process('CACHES["default"]["BACKEND"]', CACHE_URL="redis://127.0.0.1:6379/1")
    assert backend == "clinic_site.cache.RedisCache"


def test_postgresql_connections_and_statements_have_time_limits():
    url = {"DATABASE_URL": "postgres://clinic@127.0.0.1:5432/clinic"}
    options = setting_in_fresh_process('DATABASES["default"]["OPTIONS"]', **url)
    assert options == "{'connect_timeout': 3, 'options': '-c statement_timeout=4000 -c jit=off'}"
    options = setting_in_fresh_process(
        'DATABASES["default"]["OPTIONS"]',
        DATABASE_CONNECT_TIMEOUT_SECONDS="2",
        DATABASE_STATEMENT_TIMEOUT_SECONDS="0",
        **url,
    )
    assert options == "{'connect_timeout': 2, 'options': '-c statement_timeout=0 -c jit=off'}"


def test_sqlite_keeps_its_lock_wait_and_no_postgresql_options():
    assert setting_in_fresh_process('DATABASES["default"]["OPTIONS"]["timeout"]') == "20"


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


# A server that starts with DEBUG off but a laptop's mail, links or hosts: the settings refuse it.
UNSAFE_STARTS = [
    # (what is set, what the refusal says)
    ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL must name a real mail server"),
    ({"EMAIL_URL": "filemail:///tmp/clinic-mail"}, "EMAIL_URL must name a real mail server"),
    ({"SITE_URL": "http://pt.example"}, "SITE_URL must start with https://"),
    ({"SITE_URL": "http://127.0.0.1:8000"}, "SITE_URL must start with https://"),
    ({"SITE_URL": "pt.example"}, "SITE_URL must start with https://"),
    ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'"),
    ({"DJANGO_ALLOWED_HOSTS": "pt.example,*"}, "DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'"),
]


@pytest.mark.parametrize(("unsafe", "message"), UNSAFE_STARTS)
def test_an_unsafe_production_start_is_refused(unsafe, message):
    result = start_in_fresh_process(**unsafe)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_every_problem_is_named_at_once():
    result = start_in_fresh_process(EMAIL_URL="consolemail://", SITE_URL="http://pt.example")
    assert "EMAIL_URL must name a real mail server" in result.stderr
    assert "SITE_URL must start with https://" in result.stderr


def test_a_real_server_configuration_starts_without_the_preview_warning():
    result = start_in_fresh_process()
    assert result.returncode == 0, result.stderr
    assert "DJANGO_LOCAL_PREVIEW" not in result.stderr


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://localhost:8105", "http://[::1]:8000"])
def test_the_local_preview_allows_console_mail_and_a_loopback_http_site(site_url):
    result = start_in_fresh_process(
        DJANGO_LOCAL_PREVIEW="true", EMAIL_URL="consolemail://", SITE_URL=site_url
    )
    assert result.returncode == 0, result.stderr
    assert "DJANGO_LOCAL_PREVIEW is on" in result.stderr


# What the local preview still refuses: it is for this machine, not a way around the rules.
PREVIEW_REFUSALS = [
    ({"SITE_URL": "http://pt.example"}, "SITE_URL must start with https://"),
    ({"SITE_URL": "http://127.0.0.1.attacker.example"}, "SITE_URL must start with https://"),
    ({"EMAIL_URL": "filemail:///tmp/clinic-mail"}, "EMAIL_URL must name a real mail server"),
    ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'"),
]


@pytest.mark.parametrize(("unsafe", "message"), PREVIEW_REFUSALS)
def test_the_local_preview_allows_nothing_else(unsafe, message):
    result = start_in_fresh_process(DJANGO_LOCAL_PREVIEW="true", **unsafe)
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_keeps_the_laptop_defaults_without_the_preview():
    result = start_in_fresh_process(
        DJANGO_DEBUG="true", EMAIL_URL="consolemail://", SITE_URL="http://127.0.0.1:8000"
    )
    assert result.returncode == 0, result.stderr
    assert "DJANGO_LOCAL_PREVIEW" not in result.stderr


def test_trusted_proxies_are_addresses_and_ranges():
    proxies = setting_in_fresh_process("TRUSTED_PROXIES", DJANGO_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8,::1")
    assert proxies == "['127.0.0.1', '10.0.0.0/8', '::1']"


def test_a_trusted_proxy_that_is_not_an_address_is_refused():
    result = start_in_fresh_process(DJANGO_TRUSTED_PROXIES="127.0.0.1,nginx.local")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES holds something that is not an address or a CIDR range" in result.stderr


def test_the_old_proxy_count_stops_the_site_with_a_pointer_to_the_list():
    """A count either believes forged addresses or lumps every client together: it is not read."""
    errors = in_fresh_process(OUR_CHECKS, DJANGO_TRUSTED_PROXY_COUNT="1").splitlines()
    assert errors == [
        "clinic_site.E001 DJANGO_TRUSTED_PROXY_COUNT is no longer read: "
        "the site does not start while it is set."
    ]
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **PRODUCTION, "DJANGO_TRUSTED_PROXY_COUNT": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES" in check.stderr


BUCKET = {
    "AWS_STORAGE_BUCKET_NAME": "clinic-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    "AWS_ACCESS_KEY_ID": "an-access-key",
    "AWS_SECRET_ACCESS_KEY": "a-secret-key",
}
MEDIA_STORAGE = (
    "from django.conf import settings; s = settings.STORAGES['default']; "
    "print(s['BACKEND'], s.get('OPTIONS', {}).get('bucket_name'), settings.SERVE_MEDIA)"
)


def test_media_stay_on_local_disk_without_the_bucket_variables():
    assert in_fresh_process(MEDIA_STORAGE) == "django.core.files.storage.FileSystemStorage None False"


def test_media_go_to_the_bucket_when_all_four_variables_are_set_and_django_serves_them():
    expected = "clinic_site.storage.MediaBucketStorage clinic-media True"
    assert in_fresh_process(MEDIA_STORAGE, **BUCKET) == expected


def test_django_serve_media_off_is_kept_with_a_bucket():
    # For a proxy of one's own in front of the bucket (README.md, Production, uploaded media).
    assert in_fresh_process(MEDIA_STORAGE, DJANGO_SERVE_MEDIA="false", **BUCKET).endswith("False")


@pytest.mark.parametrize("left_out", sorted(BUCKET))
def test_some_but_not_all_bucket_variables_refuse_to_start_naming_what_is_missing(left_out):
    result = start_in_fresh_process(**{name: value for name, value in BUCKET.items() if name != left_out})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"missing: {left_out}." in result.stderr


def test_a_bucket_variable_alone_refuses_to_start_even_with_debug():
    result = start_in_fresh_process(DJANGO_DEBUG="true", AWS_STORAGE_BUCKET_NAME="clinic-media")
    assert result.returncode != 0
    assert "Object storage for media needs all of" in result.stderr


def test_a_plain_http_endpoint_on_another_machine_is_refused():
    result = start_in_fresh_process(**{**BUCKET, "AWS_S3_ENDPOINT_URL": "http://s3.example.org"})
    assert result.returncode != 0
    assert "AWS_S3_ENDPOINT_URL must start with https://" in result.stderr


def test_a_plain_http_endpoint_on_this_machine_is_allowed():
    result = start_in_fresh_process(**{**BUCKET, "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert result.returncode == 0, result.stderr
