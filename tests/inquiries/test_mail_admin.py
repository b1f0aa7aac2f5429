"""The mail queue's admin: handlers read it, nobody resends by a GET, only those who may change mail act."""

import pytest
from django.urls import reverse
from post_office.models import STATUS

from tests.factories import EmailFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_email():
    return EmailFactory(status=STATUS.sent)


def test_a_handler_cannot_requeue_mail(client, handler, sent_email):
    """Before: a view-only handler could send every patient their emails again with one action."""
    client.force_login(handler)
    changelist = reverse("admin:post_office_email_changelist")
    assert '<option value="requeue">' not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "requeue", "_selected_action": [sent_email.pk]})
    sent_email.refresh_from_db()
    assert sent_email.status == STATUS.sent


def test_the_owner_can_requeue(client, superuser, sent_email):
    client.force_login(superuser)
    changelist = client.get(reverse("admin:post_office_email_changelist")).content.decode()
    assert '<option value="requeue">' in changelist
    client.post(
        reverse("admin:post_office_email_changelist"),
        {"action": "requeue", "_selected_action": [sent_email.pk]},
    )
    sent_email.refresh_from_db()
    assert sent_email.status == STATUS.queued


def test_a_link_to_resend_sends_nothing_even_for_the_owner(client, superuser, sent_email, mailoutbox):
    """Before: resend was a GET, so an <img> on any page made a signed-in owner mail a patient again."""
    client.force_login(superuser)
    response = client.get(reverse("admin:resend", args=[sent_email.pk]))
    assert response.status_code == 405
    assert mailoutbox == []


def test_a_handler_cannot_resend_by_post_either(client, handler, sent_email, mailoutbox):
    client.force_login(handler)
    assert client.post(reverse("admin:resend", args=[sent_email.pk])).status_code == 403
    assert mailoutbox == []


def test_the_owner_resends_with_the_button_which_posts(client, superuser, sent_email, mailoutbox):
    client.force_login(superuser)
    html = client.get(reverse("admin:post_office_email_change", args=[sent_email.pk])).content.decode()
    assert f'<form method="post" action="{reverse("admin:resend", args=[sent_email.pk])}">' in html
    response = client.post(reverse("admin:resend", args=[sent_email.pk]))
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_the_resend_post_needs_the_csrf_token(superuser, sent_email, mailoutbox):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    assert client.post(reverse("admin:resend", args=[sent_email.pk])).status_code == 403
    assert mailoutbox == []


def test_a_handler_sees_no_resend_button(client, handler, sent_email):
    client.force_login(handler)
    html = client.get(reverse("admin:post_office_email_change", args=[sent_email.pk])).content.decode()
    assert reverse("admin:resend", args=[sent_email.pk]) not in html
