"""Django's error reports must not carry a signed link's token nor the open thread's cookie."""

import sys

from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_exception_reporter_class


def report_for(request) -> str:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        reporter_class = get_exception_reporter_class(request)
        reporter = reporter_class(request, *sys.exc_info())
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def test_the_site_uses_its_own_reporter():
    assert issubclass(get_exception_reporter_class(None), ExceptionReporter)
    assert get_exception_reporter_class(None).__name__ == "TokenHidingExceptionReporter"


def test_a_token_in_the_query_string_is_masked_everywhere_in_the_report():
    request = RequestFactory().get("/inquiries/thread/", {"token": "SECRET-TOKEN-VALUE", "page": "2"})
    report = report_for(request)
    assert "SECRET-TOKEN-VALUE" not in report
    assert "page" in report


def test_the_open_thread_cookie_is_masked_in_the_report():
    request = RequestFactory().get("/inquiries/thread/")
    request.COOKIES["inquiry_thread"] = "12:3:SECRET-COOKIE-SIGNATURE"
    assert "SECRET-COOKIE-SIGNATURE" not in report_for(request)


def test_a_view_frame_holding_the_request_shows_its_path_without_the_token(settings):
    request = RequestFactory().get("/inquiries/thread/", {"token": "SECRET-TOKEN-VALUE"})
    report = report_for(request)
    assert "/inquiries/thread/?token=********************" in report


def test_a_referer_carrying_the_token_is_masked():
    request = RequestFactory().post(
        "/inquiries/thread/", HTTP_REFERER="https://clinic.example/inquiries/thread/?token=SECRET-TOKEN-VALUE"
    )
    assert "SECRET-TOKEN-VALUE" not in report_for(request)
