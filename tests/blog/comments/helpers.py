"""Shared pieces for the comment tests: a valid submission, and confirming an address."""

import time

from django.urls import reverse

from blog.comments import verification
from blog.comments.spam import GUARD
from tests.factories import CommentFactory


def comment_data(**overrides):
    """A valid submission, as a person would send it a while after opening the page."""
    data = {
        "name": "Ana",
        "email": "ana@example.com",
        "body": "This helped my neck a lot.",
        "parent": "",
        "website": "",
        "started": GUARD.make_token(at=time.time() - 30),
    }
    data.update(overrides)
    return data


def confirm_address(client, email):
    """What a commenter does with the confirmation email: open the link, press the button."""
    comment = CommentFactory(email=email, status="pending")
    token = verification.confirmation_link(comment).split("token=", 1)[1]
    response = client.post(reverse("comments:confirm"), {"token": token})
    assert response.status_code == 303
    return response
