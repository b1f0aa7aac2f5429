"""The mail queue's admin: handlers read it, nobody resends by a GET, only those who may change mail act."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from post_office.models import STATUS, Email

from tests.factories import EmailFactory, InquiryFactory

pytestmark = pytest.mark.django_db


def about_an_inquiry(email):
    """Linked to its inquiry, as every email about one is (inquiries.services)."""
    InquiryFactory().emails.add(email)
    return email


@pytest.fixture
def sent_email():
    return about_an_inquiry(EmailFactory(status=STATUS.sent))


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


# Emails on hold after a restore (manage.py hold_queued_mail)


@pytest.fixture
def held_emails(db):
    from tests.factories import DeliveryFactory

    return [about_an_inquiry(DeliveryFactory().email) for _ in range(2)]


def test_the_mail_queue_counts_and_marks_the_held_emails(client, handler, held_emails):
    client.force_login(handler)
    response = client.get(reverse("admin:post_office_email_changelist"))
    html = response.content.decode()
    assert "2 emails are on hold and will not be sent until someone releases them." in html
    held_only = client.get(reverse("admin:post_office_email_changelist") + "?held=yes")
    assert set(held_only.context["cl"].result_list) == set(held_emails)


def test_no_hold_notice_when_nothing_is_held(client, handler, sent_email):
    client.force_login(handler)
    assert (
        "on hold and will not be sent"
        not in client.get(reverse("admin:post_office_email_changelist")).content.decode()
    )


def test_a_held_email_says_why_on_its_page(client, handler, held_emails):
    client.force_login(handler)
    html = client.get(reverse("admin:post_office_email_change", args=[held_emails[0].pk])).content.decode()
    assert "Held after a restore from backup." in html


def test_a_handler_can_neither_release_nor_cancel(client, handler, held_emails, mail_worker, mailoutbox):
    client.force_login(handler)
    changelist = reverse("admin:post_office_email_changelist")
    html = client.get(changelist).content.decode()
    assert '<option value="release_held">' not in html
    for action in ("release_held", "cancel_held"):
        client.post(changelist, {"action": action, "_selected_action": [e.pk for e in held_emails]})
    mail_worker.run()
    assert mailoutbox == []
    assert all(Email.objects.get(pk=e.pk).delivery.is_held for e in held_emails)


def test_the_owner_releases_held_emails_and_they_go_once(
    client, superuser, held_emails, mail_worker, mailoutbox
):
    client.force_login(superuser)
    changelist = reverse("admin:post_office_email_changelist")
    assert '<option value="release_held">' in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "release_held", "_selected_action": [held_emails[0].pk]})
    assert response.status_code == 302
    mail_worker.run()
    assert len(mailoutbox) == 1
    assert Email.objects.get(pk=held_emails[0].pk).status == STATUS.sent
    assert Email.objects.get(pk=held_emails[1].pk).delivery.is_held


def test_the_owner_cancels_held_emails_and_they_never_go(
    client, superuser, held_emails, mail_worker, mailoutbox
):
    client.force_login(superuser)
    changelist = reverse("admin:post_office_email_changelist")
    client.post(changelist, {"action": "cancel_held", "_selected_action": [e.pk for e in held_emails]})
    mail_worker.run()
    assert mailoutbox == []
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.failed}


# A waiting email holds its recipient's links; the admin shows none of their tokens.

TOKEN = "SECRET-TOKEN-abc123"


@pytest.fixture
def email_with_links():
    return about_an_inquiry(
        EmailFactory(
            subject="News on INQ-AAAA-BBBB",
            message=f"Read it here:\nhttps://clinic.example/inquiries/thread/?token={TOKEN}\n",
            html_message=f'<p><a href="https://clinic.example/blog/comments/1/edit/?token={TOKEN}">Edit</a></p>',
            headers={
                "List-Unsubscribe": f"<https://clinic.example/blog/comments/unsubscribe/?token={TOKEN}>"
            },
        )
    )


@pytest.mark.parametrize("who", ["handler", "superuser"])
def test_the_email_page_shows_no_link_token_to_anyone(client, request, who, email_with_links):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:post_office_email_change", args=[email_with_links.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert TOKEN not in html
    assert "/inquiries/thread/?token=****" in html
    assert "Edit</a>" in html


def test_the_html_preview_shows_no_link_token(client, handler, email_with_links):
    client.force_login(handler)
    response = client.get(reverse("admin:post_office_email_preview", args=[email_with_links.pk]))
    assert response.status_code == 200
    assert TOKEN not in response.content.decode()
    assert "/blog/comments/1/edit/?token=****" in response.content.decode()


def test_showing_an_email_changes_nothing_stored(client, superuser, email_with_links):
    client.force_login(superuser)
    client.get(reverse("admin:post_office_email_change", args=[email_with_links.pk]))
    client.get(reverse("admin:post_office_email_preview", args=[email_with_links.pk]))
    email_with_links.refresh_from_db()
    assert TOKEN in email_with_links.message
    assert TOKEN in email_with_links.html_message


def test_a_handler_does_not_see_a_commenters_emails(client, handler, sent_email):
    """A commenter's address is no inquiry handler's business; those who may view comments see it."""
    confirmation = EmailFactory(to=["reader@example.com"], subject="Confirm your address for comments")
    client.force_login(handler)
    listed = client.get(reverse("admin:post_office_email_changelist")).context["cl"].result_list
    assert list(listed) == [sent_email]
    assert client.get(reverse("admin:post_office_email_change", args=[confirmation.pk])).status_code == 302
    handler.user_permissions.add(Permission.objects.get(codename="view_comment"))
    handler = type(handler).objects.get(pk=handler.pk)  # permissions are cached on the object
    client.force_login(handler)
    listed = client.get(reverse("admin:post_office_email_changelist")).context["cl"].result_list
    assert set(listed) == {sent_email, confirmation}


def test_an_email_not_on_hold_says_so_without_a_python_none(client, handler, sent_email):
    client.force_login(handler)
    html = client.get(reverse("admin:post_office_email_change", args=[sent_email.pk])).content.decode()
    assert "On hold since" in html
    assert ">None<" not in html


def test_nobody_writes_the_delivery_log_by_hand_not_even_the_owner(client, superuser, sent_email):
    from tests.factories import EmailLogFactory

    entry = EmailLogFactory(email=sent_email)
    client.force_login(superuser)
    assert client.get(reverse("admin:post_office_log_add")).status_code == 403
    page = client.get(reverse("admin:post_office_log_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="message"' not in page.content.decode()
    assert "Add log" not in client.get(reverse("admin:post_office_log_changelist")).content.decode()
