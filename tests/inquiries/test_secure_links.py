import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from inquiries import secure_links
from inquiries.models import Inquiry
from inquiries.secure_links import LinkProblem
from tests.factories import InquiryFactory

pytestmark = pytest.mark.django_db


class Clock:
    """The time that Django's signing reads, moved on by hand (links and cookies are signed)."""

    def __init__(self):
        self.now = time.time()

    def shift(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(signing.time, "time", lambda: fake.now)
    return fake


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_a_link_is_on_the_site_address_at_the_thread_path():
    link = secure_links.issue_link(InquiryFactory())
    assert link.startswith("https://clinic.example/inquiries/thread/?token=")


def test_a_fresh_link_opens_its_inquiry_only():
    inquiry, other = InquiryFactory(), InquiryFactory()
    secure_links.issue_link(other)
    check = secure_links.check_link(token_of(secure_links.issue_link(inquiry)))
    assert check.inquiry == inquiry
    assert check.problem is None


def test_a_newer_link_uses_up_the_older_one():
    inquiry = InquiryFactory()
    older = token_of(secure_links.issue_link(inquiry))
    newer = token_of(secure_links.issue_link(inquiry))
    assert secure_links.check_link(older).problem == LinkProblem.USED_UP
    assert secure_links.check_link(newer).inquiry == inquiry


def test_a_link_expires_after_the_link_days(settings, clock):
    settings.INQUIRIES_LINK_DAYS = 14
    inquiry = InquiryFactory()
    token = token_of(secure_links.issue_link(inquiry))
    clock.shift(13 * 86400)
    assert secure_links.check_link(token).inquiry == inquiry
    clock.shift(2 * 86400)
    assert secure_links.check_link(token).problem == LinkProblem.EXPIRED


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        signing.dumps([1, 1], salt="comments.confirm-address"),  # another link's salt
        signing.dumps(["1", "1"], salt=secure_links.LINK_SALT),
        signing.dumps([True, 1], salt=secure_links.LINK_SALT),
        signing.dumps({"pk": 1}, salt=secure_links.LINK_SALT),
    ],
)
def test_forged_or_malformed_tokens_open_nothing(token):
    InquiryFactory()
    assert secure_links.check_link(token) == secure_links.LinkCheck(None, LinkProblem.INVALID)


def test_a_link_to_spam_opens_nothing():
    inquiry = InquiryFactory()
    token = token_of(secure_links.issue_link(inquiry))
    inquiry.mark_spam()
    assert secure_links.check_link(token).problem == LinkProblem.INVALID


def test_a_closed_inquiry_can_still_be_read():
    inquiry = InquiryFactory(status=Inquiry.Status.CLOSED)
    assert secure_links.check_link(token_of(secure_links.issue_link(inquiry))).inquiry == inquiry


def opened_request(inquiry, **cookie_options):
    response = HttpResponse()
    secure_links.open_thread(response, inquiry)
    cookie = response.cookies[secure_links.COOKIE_NAME]
    request = RequestFactory().get("/inquiries/thread/")
    request.COOKIES[secure_links.COOKIE_NAME] = cookie.value
    return request, cookie


def test_the_open_thread_cookie_is_httponly_lax_scoped_and_30_minutes():
    inquiry = InquiryFactory()
    secure_links.issue_link(inquiry)
    _request, cookie = opened_request(inquiry)
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/inquiries/thread/"
    assert cookie["max-age"] == 30 * 60
    assert cookie["secure"]  # production settings in the suite


def test_the_thread_stays_open_30_minutes_from_the_button(clock):
    inquiry = InquiryFactory()
    secure_links.issue_link(inquiry)
    request, _cookie = opened_request(inquiry)
    clock.shift(29 * 60)
    assert secure_links.thread_inquiry(request) == inquiry
    clock.shift(2 * 60)
    assert secure_links.thread_inquiry(request) is None


def test_a_newer_link_closes_the_threads_opened_with_older_ones():
    inquiry = InquiryFactory()
    secure_links.issue_link(inquiry)
    request, _cookie = opened_request(inquiry)
    secure_links.issue_link(inquiry)
    assert secure_links.thread_inquiry(request) is None


def test_a_cookie_value_that_is_not_signed_opens_nothing():
    inquiry = InquiryFactory()
    request = RequestFactory().get("/inquiries/thread/")
    request.COOKIES[secure_links.COOKIE_NAME] = f"{inquiry.pk}:{inquiry.link_generation}"
    assert secure_links.thread_inquiry(request) is None
