"""The production security posture, read from real responses (DEBUG is off in the suite)."""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.finders import get_finders
from django.test import Client
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
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_article_page_from_the_page_cache_keeps_every_header(client, production, article):
    client.get(article.get_absolute_url(), secure=True)  # rendered and stored
    cached = client.get(article.get_absolute_url(), secure=True)
    assert cached.status_code == 200
    assert cached["Permissions-Policy"].startswith("camera=()")
    assert cached["Cross-Origin-Resource-Policy"] == "same-origin"
    assert cached["X-Frame-Options"] == "DENY"
    assert "unsafe" not in cached["Content-Security-Policy"]


@pytest.mark.parametrize("page", ["home", "article", "inquiry", "admin login"])
def test_page_gets_the_strict_policy(client, production, article, page):
    """The admin login too: it was the one page MDN HTTP Observatory marked down (B+)."""
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


@pytest.fixture
def editor(client):
    user = StaffFactory(username="editor", is_superuser=True)
    client.force_login(user)
    return user


def test_the_article_editor_pages_allow_inline_script_and_style(client, production, article, editor):
    for url in (reverse("admin:blog_article_add"), reverse("admin:blog_article_change", args=[article.pk])):
        directives = csp_directives(client.get(url, secure=True))
        assert directives["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert directives["style-src"] == ["'self'", "'unsafe-inline'"], url
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-eval'" not in directives["script-src"]


def test_every_other_admin_page_keeps_the_strict_policy(client, production, article, editor):
    """A script injected anywhere else in the admin (a patient's name in a list, say) cannot run."""
    for url in (
        reverse("admin:index"),
        reverse("admin:blog_article_changelist"),
        reverse("admin:blog_article_history", args=[article.pk]),
        reverse("admin:blog_article_delete", args=[article.pk]),
        reverse("admin:inquiries_inquiry_changelist"),
        reverse("admin:post_office_email_changelist"),
    ):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert "unsafe" not in response["Content-Security-Policy"], url


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


@pytest.fixture
def static_files(settings, tmp_path):
    """A collected static tree as WhiteNoise serves it on a server (read when the handler starts)."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "site.css").write_text("body { margin: 0 }")
    (tmp_path / "stray.html").write_text("<script>alert(document.cookie)</script>")
    return tmp_path


def test_static_files_get_the_site_wide_headers(production, static_files):
    response = Client().get("/static/site.css", secure=True)
    assert response.status_code == 200
    assert response["Permissions-Policy"].startswith("camera=()")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_static_html_page_runs_nothing_and_cannot_be_framed(production, static_files):
    response = Client().get("/static/stray.html", secure=True)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_ckeditors_bundled_html_pages_are_not_collected():
    """preview.html, the spell-checker's frames and the export plugin's test pages stay out."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    collected = {path for finder in get_finders() for path, _storage in finder.list(ignore)}
    assert "ckeditor/ckeditor/ckeditor.js" in collected
    assert "ckeditor/ckeditor/plugins/preview/preview.html" not in collected
    assert [path for path in collected if path.endswith((".html", ".htm"))] == []
    # Nor served by runserver, which looks files up one by one.
    assert finders.find("ckeditor/ckeditor/plugins/preview/preview.html") is None
    assert finders.find("ckeditor/ckeditor/ckeditor.js") is not None
