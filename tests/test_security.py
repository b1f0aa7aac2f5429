"""The production security posture, read from real responses (DEBUG is off in the suite)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def production(settings):
    """The one production value the suite turns off (pyproject.toml), turned back on."""
    settings.SECURE_SSL_REDIRECT = True
    return settings


@pytest.fixture
def article():
    return ArticleFactory(title="Moving after a desk day")


def page_urls(article):
    return {
        "home": reverse("home"),
        "article": article.get_absolute_url(),
        "inquiry": reverse("inquiries:new"),
        "admin login": reverse("admin:login"),
    }


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("page", ["home", "article", "inquiry", "admin login"])
def test_page_sends_the_security_headers(client, production, article, page):
    response = client.get(page_urls(article)[page], secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", ["home", "article", "inquiry"])
def test_public_page_gets_the_strict_policy(client, production, article, page):
    response = client.get(page_urls(article)[page], secure=True)
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_admin_policy_allows_inline_script_and_style_for_the_editor(client, production):
    directives = csp_directives(client.get(reverse("admin:login"), secure=True))
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in directives["script-src"]


@pytest.mark.parametrize("page", ["inquiry", "admin login"])
def test_private_pages_are_never_stored(client, production, article, page):
    response = client.get(page_urls(article)[page], secure=True)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("page", ["home", "article"])
def test_public_pages_may_be_cached(client, production, article, page):
    response = client.get(page_urls(article)[page], secure=True)
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("page", ["home", "article", "inquiry", "admin login"])
def test_plain_http_is_redirected_to_https(client, production, article, page):
    url = page_urls(article)[page]
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{url}"


def test_proxy_header_marks_the_request_secure(client, production):
    response = client.get(reverse("home"), headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


def test_csrf_cookie_is_secure_httponly_and_lax(client, production):
    cookie = client.get(reverse("admin:login"), secure=True).cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_cookie_is_secure_httponly_lax_and_short(client, production):
    staff = StaffFactory(username="frontdesk")
    client.get(reverse("admin:login"), secure=True)
    response = client.post(
        reverse("admin:login"), {"username": staff.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 30 * 60


def test_staff_session_idle_time_restarts_with_every_request(client, production):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def run_settings(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter with nothing in its environment but these values."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_load_without_a_secret_key():
    result = run_settings({"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_refuse_to_load_without_allowed_hosts():
    result = run_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "k" * 60})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_settings_load_with_a_secret_key_and_hosts():
    result = run_settings(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "example.org",
            "SITE_URL": "https://example.org",
            "EMAIL_URL": "smtp+tls://clinic:secret@smtp.example.org:587",
        }
    )
    assert result.returncode == 0, result.stderr
