"""Django's error reports must not carry a signed link's token nor the open thread's cookie."""

import contextlib
import sys

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter, get_exception_reporter_class


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


def proving_cookies():
    from inquiries.secure_links import cookies

    return [*cookies(), "verified_commenter", "comment_author"]


@pytest.mark.parametrize("name", proving_cookies())
def test_every_cookie_that_proves_something_is_masked_in_the_report(name):
    request = RequestFactory().get("/")
    request.COOKIES[name] = "SECRET-COOKIE-VALUE"
    assert "SECRET-COOKIE-VALUE" not in report_for(request)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("comments:confirm"),
        reverse("comments:unsubscribe"),
        reverse("comments:edit", args=[1]),
        reverse("comments:delete", args=[1]),
        reverse("inquiries:thread"),
    ],
)
def test_a_posted_token_is_masked_on_every_view_that_takes_one(url):
    """The view marks the field, so the report of an error anywhere below it leaves it out (here
    the comment does not exist: an error raised inside the view)."""
    request = RequestFactory().post(url, {"token": "SECRET-TOKEN-VALUE"})
    match = resolve(url)
    with contextlib.suppress(Http404):
        match.func(request, *match.args, **match.kwargs)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["token"] == SafeExceptionReporterFilter.cleansed_substitute


def test_a_view_frame_holding_the_request_shows_its_path_without_the_token(settings):
    request = RequestFactory().get("/inquiries/thread/", {"token": "SECRET-TOKEN-VALUE"})
    report = report_for(request)
    assert "/inquiries/thread/?token=********************" in report


def test_a_referer_carrying_the_token_is_masked():
    request = RequestFactory().post(
        "/inquiries/thread/", HTTP_REFERER="https://clinic.example/inquiries/thread/?token=SECRET-TOKEN-VALUE"
    )
    assert "SECRET-TOKEN-VALUE" not in report_for(request)
