"""A first-party, anonymous identity for one browser, so a like counts once without an account.

The cookie holds a random token, signed so it cannot be forged; the database stores only a hash of
it, never an IP address or anything else about the person.
"""

import hashlib
import secrets

from django.conf import settings

COOKIE_NAME = "clinic_browser"
COOKIE_SALT = "blog.browser"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2


def browser_token(request) -> str | None:
    """The browser's token from its signed cookie, or None if it has none (or a forged one)."""
    return request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)


def new_browser_token() -> str:
    return secrets.token_urlsafe(24)


def browser_key(token: str) -> str:
    """What the database stores for a browser: a one-way hash of its token."""
    return hashlib.sha256(token.encode()).hexdigest()


def remember_browser(response, token: str) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
