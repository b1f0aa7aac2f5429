"""Helpers for the browser tests: watching a page's traffic and console, screenshots, axe-core."""

import base64
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"

# The two widths every page is looked at: a common phone and a laptop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about"}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class PageWatch:
    """Everything a page did that a test should not have to look for: requests to other hosts,
    console errors (CSP violations are reported there by Chromium) and uncaught exceptions."""

    site_origin: str
    requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    allowed_console: list[str] = field(default_factory=list)
    expected_statuses: list[tuple[str, int]] = field(default_factory=list)

    def is_own(self, url: str) -> bool:
        return urlsplit(url).scheme in LOCAL_SCHEMES or origin(url) == self.site_origin

    def on_request(self, request) -> None:
        self.requests.append(request.url)
        if not self.is_own(request.url):
            self.foreign_requests.append(request.url)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        where = message.location.get("url", "") if message.location else ""
        if any(allowed in text for allowed in self.allowed_console):
            return
        if any(where == url and f"status of {status}" in text for url, status in self.expected_statuses):
            return
        self.console_errors.append(f"{text} ({where})" if where else text)

    def on_page_error(self, error) -> None:
        self.page_errors.append(str(error))

    def allow_console_error(self, substring: str) -> None:
        """Accept console errors containing ``substring`` (e.g. the one Chromium logs for a 404 page)."""
        self.allowed_console.append(substring)

    def expect_status(self, url: str, status: int) -> None:
        """Chromium logs a console error for any 4xx/5xx response, the document's own included;
        accept it for ``url`` when the test means to open an error page (a 404, a form with errors)."""
        self.expected_statuses.append((url, status))

    def problems(self) -> list[str]:
        lines = [f"request to another host: {url}" for url in self.foreign_requests]
        lines += [f"console error: {text}" for text in self.console_errors]
        lines += [f"uncaught page error: {text}" for text in self.page_errors]
        return lines

    def assert_clean(self) -> None:
        problems = self.problems()
        if problems:
            pytest.fail("The page misbehaved in the browser:\n  " + "\n  ".join(problems), pytrace=False)


def watch_context(context, site_origin: str) -> PageWatch:
    """Record every request of ``context`` and block (abort) any that would leave the live server."""
    watch = PageWatch(site_origin)
    context.on("request", watch.on_request)
    context.route(lambda url: not watch.is_own(url), lambda route: route.abort())
    context.on("page", lambda page: _watch_page(page, watch))
    return watch


def _watch_page(page, watch: PageWatch) -> None:
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)


def take_screenshots(page, name: str, url: str) -> list[Path]:
    """Open ``url`` at the phone and the desktop width and save full-page screenshots as
    ``var/screenshots/<name>-<width>.png``. Leaves the page at the desktop width."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(url)
        path = SCREENSHOT_DIR / f"{name}-{size['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    return paths


def format_axe_violations(violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"    at {target}\n      {node['html'][:200]}\n      {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, context=None) -> None:
    """Run axe-core (bundled with axe-playwright-python, injected from the installed package, so
    no request leaves the machine) on the page as it is now, and fail with a readable list."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    if results.violations_count:
        pytest.fail(
            f"axe-core on {page.url}:\n" + format_axe_violations(results.response["violations"]),
            pytrace=False,
        )


def app_code(key: bytes, *, after_step: int = -1) -> str:
    """The code an authenticator app holding ``key`` shows, for a 30-second step after ``after_step``
    (a code is accepted once: a second sign-in within the same step waits for the next one)."""
    from django_otp.oath import TOTP

    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time()
    while totp.t() <= after_step:
        time.sleep(totp.step - totp.time % totp.step + 0.05)
        totp.time = time.time()
    return f"{totp.token():06d}"


def key_on_enrolment_page(page) -> bytes:
    """The key the enrolment page shows (what a person types into the app instead of scanning)."""
    return base64.b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))


def log_in_to_admin(page, site_url: str, username: str, password: str) -> None:
    """Sign in as a staff member would: the admin's login form, then the second step.

    An account with an authenticator app types its current code (from the key in the database,
    as the phone holds it); an account without one goes through enrolment, reading the key off the
    page, and continues past its recovery codes.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{site_url}{reverse('admin:login')}?next={reverse('admin:index')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(site_url + "/admin/sign-in/")))
    if "/set-up/" in page.url:
        page.get_by_label("Code from the app").fill(app_code(key_on_enrolment_page(page)))
        page.get_by_role("button", name="Confirm").click()
        page.get_by_role("link", name="I have kept them: continue").click()
    else:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Code").fill(app_code(device.bin_key, after_step=device.last_t))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(site_url + reverse("admin:index"))
