"""Need to know: with INQUIRIES_HANDLER_SCOPE=mine a handler sees what is theirs or nobody's."""

import pytest
from django.urls import reverse

from tests.factories import HandlerFactory, InquiryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiries(handler):
    colleague = HandlerFactory(username="colleague")
    return {
        "mine": InquiryFactory(assignee=handler),
        "nobodys": InquiryFactory(assignee=None),
        "colleagues": InquiryFactory(assignee=colleague),
    }


def test_under_mine_a_handler_cannot_open_a_colleagues_inquiry(client, settings, handler, inquiries):
    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    client.force_login(handler)
    response = client.get(reverse("admin:inquiries_inquiry_change", args=[inquiries["colleagues"].pk]))
    assert response.status_code == 302  # the admin's "does not exist": nothing of it is shown
    assert response["Location"] == reverse("admin:index")


def test_under_mine_the_list_shows_mine_and_nobodys(client, settings, handler, inquiries):
    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist")).content.decode()
    assert inquiries["mine"].reference in html
    assert inquiries["nobodys"].reference in html
    assert inquiries["colleagues"].reference not in html


def test_under_mine_an_action_cannot_reach_a_colleagues_inquiry(client, settings, handler, inquiries):
    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    client.force_login(handler)
    client.post(
        reverse("admin:inquiries_inquiry_changelist"),
        {"action": "mark_spam", "_selected_action": [inquiries["colleagues"].pk]},
    )
    inquiries["colleagues"].refresh_from_db()
    assert inquiries["colleagues"].status == "new"


def test_under_mine_the_admin_home_counts_only_theirs(client, settings, handler, inquiries):
    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    client.force_login(handler)
    assert "<td>2</td>" in client.get(reverse("admin:index")).content.decode()


def test_under_mine_a_superuser_still_sees_all(client, settings, superuser, inquiries):
    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    client.force_login(superuser)
    html = client.get(reverse("admin:inquiries_inquiry_changelist")).content.decode()
    assert all(inquiry.reference in html for inquiry in inquiries.values())


def test_under_all_every_handler_sees_every_inquiry(client, settings, handler, inquiries):
    settings.INQUIRIES_HANDLER_SCOPE = "all"
    client.force_login(handler)
    html = client.get(reverse("admin:inquiries_inquiry_changelist")).content.decode()
    assert all(inquiry.reference in html for inquiry in inquiries.values())


def test_under_mine_the_mail_queue_hides_a_colleagues_inquiry_emails(client, settings, handler, inquiries):
    from tests.factories import EmailFactory, EmailLogFactory

    settings.INQUIRIES_HANDLER_SCOPE = "mine"
    theirs = EmailFactory(to=["theirs@example.com"])
    inquiries["colleagues"].emails.add(theirs)
    EmailLogFactory(email=theirs)
    mine = EmailFactory(to=["mine@example.com"])
    inquiries["mine"].emails.add(mine)
    client.force_login(handler)
    emails = client.get(reverse("admin:post_office_email_changelist")).context["cl"].result_list
    assert list(emails) == [mine]
    assert client.get(reverse("admin:post_office_email_change", args=[theirs.pk])).status_code == 302
    logs = client.get(reverse("admin:post_office_log_changelist")).context["cl"].result_list
    assert list(logs) == []
