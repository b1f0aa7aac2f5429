"""The browser fixtures themselves catch what they promise to catch."""

import pytest

from .support import watch_context

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


@pytest.fixture
def watched(browser, site_url):
    context = browser.new_context()
    watch = watch_context(context, site_url)
    page = context.new_page()
    yield page, watch
    context.close()


# The tests fake a page with page.route() at /probe/, typed because the site has no such path.
def serve(page, url, body, headers=None):
    def fulfill(route):
        route.fulfill(status=200, content_type="text/html", body=body, headers=headers)

    page.route(url, fulfill)


def test_request_to_another_host_is_recorded_and_blocked(watched, site_url):
    page, watch = watched
    serve(page, site_url + "/probe/", '<img src="https://cdn.example.com/x.png" alt="">')
    page.goto(site_url + "/probe/")
    page.wait_for_load_state("networkidle")
    assert watch.foreign_requests == ["https://cdn.example.com/x.png"]
    with pytest.raises(pytest.fail.Exception, match=r"cdn\.example\.com"):
        watch.assert_clean()


def test_csp_violation_is_reported_as_a_console_error(watched, site_url):
    page, watch = watched
    serve(
        page,
        site_url + "/probe/",
        '<p style="color: red">inline style</p>',
        headers={"Content-Security-Policy": STRICT_CSP},
    )
    page.goto(site_url + "/probe/")
    page.wait_for_load_state("networkidle")
    page.context.close()
    assert any("Content Security Policy" in error for error in watch.console_errors)


def test_uncaught_script_error_is_recorded(watched, site_url):
    page, watch = watched
    serve(page, site_url + "/probe/", "<script>undefinedFunction()</script>")
    page.goto(site_url + "/probe/")
    page.context.close()
    assert any("undefinedFunction" in error for error in watch.page_errors)
