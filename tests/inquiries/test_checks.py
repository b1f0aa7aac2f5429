"""Refusing to start when an unmatched inquiry would reach nobody, or a shared mailbox."""

import pytest

from inquiries.checks import check_fallback_account, check_fallback_configured
from tests.factories import HandlerFactory, StaffFactory


def ids(messages):
    return [message.id for message in messages]


def test_production_without_a_fallback_handler_refuses_to_start(settings):
    settings.DEBUG = False
    settings.INQUIRIES_FALLBACK_USERNAME = ""
    assert ids(check_fallback_configured()) == ["inquiries.E001"]


def test_debug_may_run_without_one(settings):
    settings.DEBUG = True
    settings.INQUIRIES_FALLBACK_USERNAME = ""
    assert check_fallback_configured() == []


def test_the_old_fallback_address_is_reported_as_no_longer_read(settings):
    settings.INQUIRIES_FALLBACK_EMAIL_SET = True
    assert "inquiries.W001" in ids(check_fallback_configured())


def test_an_unknown_handler_scope_refuses_to_start(settings):
    settings.INQUIRIES_HANDLER_SCOPE = "everyone"
    assert "inquiries.E003" in ids(check_fallback_configured())


@pytest.mark.django_db
@pytest.mark.parametrize("flaw", ["missing", "inactive", "not a handler", "no address"])
def test_a_fallback_name_that_cannot_take_inquiries_refuses_to_start(settings, flaw):
    settings.DEBUG = False
    settings.INQUIRIES_FALLBACK_USERNAME = "desk"
    StaffFactory(username="owner", is_superuser=True)
    if flaw != "missing":
        desk = (StaffFactory if flaw == "not a handler" else HandlerFactory)(username="desk")
        desk.is_active = flaw != "inactive"
        desk.email = "" if flaw == "no address" else "desk@clinic.example"
        desk.save()
    assert ids(check_fallback_account(databases=["default"])) == ["inquiries.E002"]


@pytest.mark.django_db
def test_a_valid_fallback_handler_passes(settings):
    settings.DEBUG = False
    settings.INQUIRIES_FALLBACK_USERNAME = "desk"
    HandlerFactory(username="desk", email="desk@clinic.example")
    assert check_fallback_account(databases=["default"]) == []


@pytest.mark.django_db
def test_a_fresh_database_without_accounts_is_not_refused(settings):
    settings.DEBUG = False
    settings.INQUIRIES_FALLBACK_USERNAME = "desk"
    assert check_fallback_account(databases=["default"]) == []
