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
        signing.dumps([1, 1, "s"], salt="comments.confirm-address"),  # another link's salt
        signing.dumps(["1", "1", "s"], salt=secure_links.LINK_SALT),
        signing.dumps([True, 1, "s"], salt=secure_links.LINK_SALT),
        signing.dumps([1, 1, ""], salt=secure_links.LINK_SALT),
        signing.dumps([1, 1], salt=secure_links.LINK_SALT),  # the old form: id and number only
        signing.dumps({"pk": 1}, salt=secure_links.LINK_SALT),
    ],
)
def test_forged_or_malformed_tokens_open_nothing(token):
    InquiryFactory()
    assert secure_links.check_link(token) == secure_links.LinkCheck(None, LinkProblem.INVALID)


def test_a_link_to_an_id_that_now_belongs_to_another_inquiry_opens_nothing():
    """After a restore ids are used again: a link signed for the id, with the number the new
    inquiry happens to have, but another inquiry's secret, is refused."""
    inquiry = InquiryFactory()
    token = token_of(secure_links.issue_link(inquiry))
    Inquiry.objects.filter(pk=inquiry.pk).update(link_secret="the-inquiry-now-at-this-id")
    assert secure_links.check_link(token) == secure_links.LinkCheck(None, LinkProblem.INVALID)


def test_every_inquiry_gets_its_own_secret():
    assert InquiryFactory().link_secret != InquiryFactory().link_secret


def test_invalidating_all_links_closes_every_link_and_open_thread():
    inquiry = InquiryFactory()
    token = token_of(secure_links.issue_link(inquiry))
    request, _cookie = opened_request(inquiry)
    assert secure_links.invalidate_all() == 1
    assert secure_links.check_link(token).problem == LinkProblem.INVALID
    assert secure_links.thread_inquiry(request) is None


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


@pytest.mark.parametrize(
    ("name", "path"),
    [("inquiry_thread", "/inquiries/thread/"), ("inquiry_thread_es", "/es/inquiries/thread/")],
)
def test_the_open_thread_cookie_is_httponly_lax_scoped_and_30_minutes_in_each_language(name, path):
    inquiry = InquiryFactory()
    secure_links.issue_link(inquiry)
    response = HttpResponse()
    secure_links.open_thread(response, inquiry)
    cookie = response.cookies[name]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == path
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


def test_a_newer_link_leaves_a_thread_already_open_open():
    """The clinic may reply while the patient types an answer: the answer must still go through."""
    inquiry = InquiryFactory()
    secure_links.issue_link(inquiry)
    request, _cookie = opened_request(inquiry)
    secure_links.issue_link(inquiry)
    assert secure_links.thread_inquiry(request) == inquiry


def test_an_open_thread_cookie_for_an_id_now_of_another_inquiry_opens_nothing():
    inquiry = InquiryFactory()
    request, _cookie = opened_request(inquiry)
    Inquiry.objects.filter(pk=inquiry.pk).update(link_secret="the-inquiry-now-at-this-id")
    assert secure_links.thread_inquiry(request) is None


def test_an_open_thread_of_an_inquiry_marked_spam_closes():
    inquiry = InquiryFactory()
    request, _cookie = opened_request(inquiry)
    inquiry.mark_spam()
    assert secure_links.thread_inquiry(request) is None


def test_a_cookie_value_that_is_not_signed_opens_nothing():
    inquiry = InquiryFactory()
    request = RequestFactory().get("/inquiries/thread/")
    request.COOKIES[secure_links.COOKIE_NAME] = f"{inquiry.pk}:{inquiry.link_secret}"
    assert secure_links.thread_inquiry(request) is None
