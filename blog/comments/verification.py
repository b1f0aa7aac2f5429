"""Commenters prove their address: a signed link by email, confirmed with a button, remembered by a cookie.

A comment sent from a browser that has not confirmed its author's address waits for a moderator, and
the address gets an email (the article's title, the link, and a link to change or delete the comment
(comments.authorship); never the comment) at most ``COMMENTS_CONFIRMATIONS_PER_DAY`` times a day per
mailbox (+tags count as the same mailbox; the count
is kept in the cache, shared between processes only when the cache is). A link confirms the address
it was sent to, and only while its comment is pending or approved: marking a comment spam revokes its
address. The link opens a page with a button: mail scanners that follow links confirm nothing.
Pressing it records the address as verified and gives that browser a signed cookie naming the
address (as a keyed hash, not in clear). Only a comment sent with that cookie, for that address, may
be published without a moderator (comments.moderation).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from post_office import mail

from clinic_site import antispam
from clinic_site.practice import current as current_practice
from clinic_site.siteurl import absolute_url

from . import authorship
from .models import Comment, RevokedAddress, VerifiedAddress, normalize_email

LINK_SALT = "comments.confirm-address"
COOKIE_NAME = "verified_commenter"
COOKIE_SALT = "comments.verified-commenter"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365


def _address_key(email: str) -> str:
    return salted_hmac("comments.address", normalize_email(email)).hexdigest()


def confirmation_link(comment: Comment) -> str:
    # The comment and (as a keyed hash) the address it was sent to: a link confirms that address only.
    token = signing.dumps([comment.pk, _address_key(comment.email)], salt=LINK_SALT)
    return absolute_url(reverse("comments:confirm") + "?" + f"token={token}")


def comment_for_token(token: str) -> Comment | None:
    """The comment a confirmation link was sent for, or None when the link is forged, too old, was
    sent to an address the comment no longer has, or its comment was rejected or marked spam, or
    the address was revoked since (``revoke``: an older link for another of its comments must not
    verify it again)."""
    try:
        pk, address = signing.loads(
            token, salt=LINK_SALT, max_age=settings.COMMENTS_CONFIRM_LINK_DAYS * 86400
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(pk, int) or not isinstance(address, str):
        return None
    comment = (
        Comment.objects.select_related("article")
        .filter(pk=pk, status__in=[Comment.Status.PENDING, Comment.Status.APPROVED], is_staff_reply=False)
        .first()
    )
    if comment is None or not constant_time_compare(address, _address_key(comment.email)):
        return None
    # Its link was made with the comment: an address revoked since then is not confirmed by it.
    revoked = RevokedAddress.objects.filter(
        email=normalize_email(comment.email), revoked_at__gte=comment.created_at
    )
    return None if revoked.exists() else comment


def revoke(email: str) -> None:
    """Trust the address no more, in any browser, and refuse every confirmation link sent to it
    before now (one for a comment sent afterwards may verify it again, as a new address would)."""
    forget_old_revocations()
    RevokedAddress.objects.update_or_create(
        email=normalize_email(email), defaults={"revoked_at": timezone.now()}
    )
    VerifiedAddress.objects.of(email).delete()


def forget_old_revocations() -> int:
    """Delete the revocations older than the links' lifetime: they refuse nothing more, and the
    address they hold is kept no longer than that (``revoke``, and daily ``manage.py
    forget_revocations``). Returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.COMMENTS_CONFIRM_LINK_DAYS)
    deleted, _ = RevokedAddress.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted


def queue_confirmation(comment: Comment) -> bool:
    """Queue the confirmation email for the comment's address, unless it had its share today."""
    # +tags share one mailbox's allowance (clinic_site.antispam).
    if not antispam.address_allowance_left(
        group="comments.confirmations", address=comment.email, per_day=settings.COMMENTS_CONFIRMATIONS_PER_DAY
    ):
        return False
    # In the language of the page the comment was written on, its links to that language's pages.
    with translation.override(comment.language):
        context = {
            "clinic_name": current_practice().name,
            "article_title": comment.article.title,
            "link": confirmation_link(comment),
            "edit_link": authorship.edit_link(comment),
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


def confirm(comment: Comment) -> None:
    VerifiedAddress.objects.get_or_create(email=normalize_email(comment.email))


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


def browser_verified_address_key(request) -> str | None:
    """The keyed hash of the address this browser confirmed, if it holds the cookie."""
    return request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)


def is_verified(email: str) -> bool:
    return VerifiedAddress.objects.of(email).exists()


def browser_is_verified(request, email: str) -> bool:
    """Whether this browser confirmed ``email`` (its cookie names it) and the address is still verified."""
    held = browser_verified_address_key(request)
    return bool(held) and constant_time_compare(held, _address_key(email)) and is_verified(email)
