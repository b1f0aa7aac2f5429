"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium comes from the system (``apt-get install -y chromium``), never from ``playwright install``.
Without it these tests skip, unless ``REQUIRE_BROWSER=1`` (set by .ci/run), which makes it an error.
"""

import os
from pathlib import Path

import pytest

from .support import VIEWPORTS, watch_context

# Playwright's sync API runs an asyncio loop in this thread; Django would then refuse ORM calls
# made by the tests themselves (factories) with SynchronousOnlyOperation. The tests are sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# The browser tests of single pages (marker "pages"); the journeys across pages are the rest. The
# browser pass runs each group as a pytest run of its own (Makefile), each under CI's five minutes.
PAGES = {"test_pages.py", "test_admin_pages.py", "test_keyboard.py", "test_watch.py"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if Path(item.fspath).name in PAGES:
                item.add_marker(pytest.mark.pages)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not os.access(path, os.X_OK):
        message = (
            f"Chromium not found at {path}: install it with `apt-get install -y chromium` "
            "(or point CHROMIUM_PATH at a Chromium binary) to run the browser tests."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _migrated_data(django_db_setup, django_db_blocker):
    """The rows the migrations made (staff groups and their permissions, ...), serialized by
    Django when the test database was created, because the fixture below asks for it."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _live_database(_migrated_data, transactional_db, django_db_serialized_rollback):
    """The live server answers from another thread, so data must be committed, not in a test
    transaction. Each transactional test ends by emptying every table, the migrations' rows too,
    so they are put back before each browser test. (Django's own serialized rollback misses them
    here: once Playwright runs, the ORM in this thread gets another connection wrapper.)"""
    from django.core.management import call_command
    from django.db import connection

    if _migrated_data:
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(_migrated_data)


@pytest.fixture
def site_url(live_server):
    return live_server.url


def _new_watched_page(browser, site_url, **context_options):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], **context_options)
    watch = watch_context(context, site_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page, watch


@pytest.fixture
def page_watch(browser, site_url):
    """A (context, page, watch) triple; the test fails if the page talked to another host, logged a
    console error (CSP violations included) or threw. The site's CSP is enforced here."""
    context, page, watch = _new_watched_page(browser, site_url)
    yield page, watch
    context.close()
    watch.assert_clean()


@pytest.fixture
def page(page_watch):
    return page_watch[0]


@pytest.fixture
def watch(page_watch):
    return page_watch[1]


@pytest.fixture
def open_page(browser, site_url):
    """Opens more people's pages (another browser context each: own cookies, own session), for
    journeys with a patient and a staff member. Each is checked like ``page`` at the end."""
    opened = []

    def open_():
        context, page, watch = _new_watched_page(browser, site_url)
        opened.append((context, watch))
        return page, watch

    yield open_
    for context, _ in opened:
        context.close()
    for _, watch in opened:
        watch.assert_clean()


@pytest.fixture
def axe_page_watch(browser, site_url):
    """A (page, watch) pair for axe-core only. Axe is injected with page.evaluate, which a strict
    Content-Security-Policy may refuse, so this context bypasses the CSP; journeys use ``page``,
    which does not. Requests to other hosts and console errors still fail the test."""
    context, page, watch = _new_watched_page(browser, site_url, bypass_csp=True)
    yield page, watch
    context.close()
    watch.assert_clean()


@pytest.fixture
def axe_page(axe_page_watch):
    return axe_page_watch[0]


@pytest.fixture
def axe_watch(axe_page_watch):
    return axe_page_watch[1]
