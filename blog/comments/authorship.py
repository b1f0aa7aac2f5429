"""Who may change or delete a comment: the browser that sent it, for a while, or the link we emailed.

Two proofs, each for one comment:

- the ``comment_author`` cookie (signed, HttpOnly, ``COMMENTS_EDIT_MINUTES`` long) that the post of a
  comment gives its browser: the ids of the comments it sent. It counts only while the comment is
  younger than ``COMMENTS_EDIT_MINUTES``. The article page is rendered for a browser holding it, never
  served from or stored in the page cache (blog.pagecache), so the "change your comment" link it
  shows reaches nobody else;
- a signed token in the confirmation email's link (the comment and a keyed hash of the address it was
  sent to), which works for as long as the comment is there.

The rules of what an edit or a deletion does are in comments.moderation.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from clinic_site.siteurl import absolute_url

from .models import Comment, normalize_email

COOKIE_NAME = "comment_author"
COOKIE_SALT = "comments.comment-author"
TOKEN_SALT = "comments.edit-own-comment"
# The most recent comments a browser keeps the right to change.
COOKIE_KEEPS = 10


def _window() -> timedelta:
    return timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def _address_key(email: str) -> str:
    return salted_hmac("comments.author-address", normalize_email(email)).hexdigest()


def editable(comment: Comment) -> bool:
    """Whether the comment can still be changed at all (by anyone holding a proof)."""
    return (
        comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED)
        and not comment.is_removed
        and not comment.is_staff_reply
    )


def _cookie_ids(request) -> list[int]:
    held = request.get_signed_cookie(COOKIE_NAME, default="", salt=COOKIE_SALT, max_age=_window())
    return [int(part) for part in held.split(",") if part.isascii() and part.isdecimal()]


def remember(request, response, comment: Comment) -> None:
    """Give the browser that sent ``comment`` the right to change it for COMMENTS_EDIT_MINUTES."""
    earlier = [pk for pk in _cookie_ids(request) if pk != comment.pk]
    ids = [*earlier[-(COOKIE_KEEPS - 1) :], comment.pk]
    response.set_signed_cookie(
        COOKIE_NAME,
        ",".join(str(pk) for pk in ids),
        salt=COOKIE_SALT,
        max_age=int(_window().total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def browser_may_change(request, comment: Comment) -> bool:
    return (
        comment.pk in _cookie_ids(request)
        and timezone.now() - comment.created_at < _window()
        and editable(comment)
    )


def recent_in_browser(request, article) -> list[Comment]:
    """This browser's comments on ``article`` that it may still change (newest first)."""
    ids = _cookie_ids(request)
    if not ids:
        return []
    since = timezone.now() - _window()
    mine = Comment.objects.filter(pk__in=ids, article=article, created_at__gt=since).order_by("-created_at")
    return [comment for comment in mine if editable(comment)]


def token_for(comment: Comment) -> str:
    return signing.dumps([comment.pk, _address_key(comment.email)], salt=TOKEN_SALT)


def edit_link(comment: Comment) -> str:
    """The link for the confirmation email: change or delete this comment, at any time."""
    return absolute_url(reverse("comments:edit", args=[comment.pk]) + "?" + f"token={token_for(comment)}")


def token_may_change(token: str, comment: Comment) -> bool:
    """Whether ``token`` was made for this comment and the address it has (forged, or for another
    comment or address: no)."""
    if not token:
        return False
    try:
        pk, address = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return (
        pk == comment.pk
        and isinstance(address, str)
        and constant_time_compare(address, _address_key(comment.email))
        and editable(comment)
    )
