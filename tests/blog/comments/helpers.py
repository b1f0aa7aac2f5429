"""Shared pieces for the comment tests (imported by each test_comments_* module)."""

import time

from blog.comments.spam import GUARD


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
