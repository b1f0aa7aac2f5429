"""Commenters prove their address: a signed link by email, confirmed with a button, remembered by a cookie.

A comment sent from a browser that has not confirmed its author's address waits for a moderator, and
the address gets an email (the article's title and a link, never the comment) at most
``COMMENTS_CONFIRMATIONS_PER_DAY`` times a day. The link opens a page with a button: mail scanners
that follow links confirm nothing. Pressing it records the address as verified and gives that browser
a signed cookie naming the address (as a keyed hash, not in clear). Only a comment sent with that
cookie, for that address, may be published without a moderator (comments.moderation).
"""

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from post_office import mail

from clinic_site.siteurl import absolute_url

from .models import Comment, VerifiedAddress, normalize_email

LINK_SALT = "comments.confirm-address"
COOKIE_NAME = "verified_commenter"
COOKIE_SALT = "comments.verified-commenter"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def _address_key(email: str) -> str:
    return salted_hmac("comments.address", normalize_email(email)).hexdigest()


def confirmation_link(comment: Comment) -> str:
    token = signing.dumps(comment.pk, salt=LINK_SALT)
    return absolute_url(reverse("comments:confirm") + "?" + f"token={token}")


def comment_for_token(token: str) -> Comment | None:
    """The comment a confirmation link was sent for, or None when the link is forged or too old."""
    try:
        pk = signing.loads(token, salt=LINK_SALT, max_age=settings.COMMENTS_CONFIRM_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Comment.objects.select_related("article").filter(pk=pk).first() if isinstance(pk, int) else None


def queue_confirmation(comment: Comment) -> bool:
    """Queue the confirmation email for the comment's address, unless it had its share today."""
    key = "comments:confirmations:" + _address_key(comment.email)
    cache.add(key, 0, 60 * 60 * 24)
    try:
        sent_today = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, 60 * 60 * 24)
        sent_today = 1
    if sent_today > settings.COMMENTS_CONFIRMATIONS_PER_DAY:
        return False
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "article_title": comment.article.title,
        "link": confirmation_link(comment),
        "days": settings.COMMENTS_CONFIRM_LINK_DAYS,
    }
    mail.send(
        [comment.email],
        settings.DEFAULT_FROM_EMAIL,
        subject=render_to_string("comments/email/confirm_subject.txt", context).strip(),
        message=render_to_string("comments/email/confirm.txt", context),
        priority="medium",
    )
    return True


def confirm(comment: Comment) -> VerifiedAddress:
    address, _created = VerifiedAddress.objects.get_or_create(email=normalize_email(comment.email))
    return address


def remember(response, email: str) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        _address_key(email),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def browser_is_verified(request, email: str) -> bool:
    """Whether this browser confirmed ``email`` (its cookie names it) and the address is still verified."""
    held = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    if not held or not constant_time_compare(held, _address_key(email)):
        return False
    return VerifiedAddress.objects.of(email).exists()


def is_verified(email: str) -> bool:
    return VerifiedAddress.objects.of(email).exists()
