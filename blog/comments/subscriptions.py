"""Reply emails: a verified commenter who asked is told when a reply to their comment is published.

Asking is a checkbox on the comment form, offered to a browser that confirmed an address and honoured
only when the comment is sent from it, for that address (comments.verification); a first comment's
author asks on the page of the confirmation link, which proves the address. Nothing goes to an
address that is not verified at the time of sending, nor for a reply that waits for a moderator: the
email is queued when the reply is published (comments.moderation). It says which article and links to
the reply; it never holds the words of any comment nor the name of who replied (the clinic, being no
person, is named). At most one goes to an address per article's thread an hour.

Every email carries two signed links, one to stop these emails for that article's thread, one for
all threads, and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058) with the
second: a mail client's POST to it unsubscribes at once; a GET (which scanners make) shows a button.
The token names the verified address by its row and a keyed hash, never in clear, and does not
expire: all it can do is stop emails.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from post_office import mail

from clinic_site.cache import CacheUnavailable
from clinic_site.practice import current as current_practice
from clinic_site.siteurl import absolute_url

from .models import Comment, VerifiedAddress, normalize_email

logger = logging.getLogger(__name__)

TOKEN_SALT = "comments.reply-emails-off"
# At most one reply email per address and article in this many seconds.
EVERY_SECONDS = 60 * 60
ALL_THREADS = 0


def _address_key(email: str) -> str:
    return salted_hmac("comments.reply-address", normalize_email(email)).hexdigest()


def unsubscribe_link(address: VerifiedAddress, article_id: int = ALL_THREADS) -> str:
    token = signing.dumps([address.pk, _address_key(address.email), article_id], salt=TOKEN_SALT)
    return absolute_url(reverse("comments:unsubscribe") + "?" + f"token={token}")


def read_token(token: str) -> tuple[VerifiedAddress, int] | None:
    """The verified address and article (ALL_THREADS for all) of an unsubscribe link, or None when
    the link is forged or its address is no longer verified (then nothing is sent to it anyway)."""
    try:
        pk, address_key, article_id = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(pk, int) and isinstance(address_key, str) and isinstance(article_id, int)):
        return None
    address = VerifiedAddress.objects.filter(pk=pk).first()
    if address is None or not constant_time_compare(address_key, _address_key(address.email)):
        return None
    return address, article_id


def subscribed(email: str, article_id: int = ALL_THREADS):
    """The comments by ``email`` whose author still wants to hear of replies (on one article or all)."""
    comments = Comment.objects.filter(email__iexact=normalize_email(email), notify_replies=True)
    return comments.filter(article_id=article_id) if article_id != ALL_THREADS else comments


def unsubscribe(address: VerifiedAddress, article_id: int = ALL_THREADS) -> int:
    """Stop reply emails to ``address`` for one article's thread or all; the number of comments that
    no longer notify."""
    return subscribed(address.email, article_id).update(notify_replies=False)


def _throttle_key(email: str, article_id: int) -> str:
    return f"comments:reply-email:{article_id}:{_address_key(email)}"


def subscribe(comment: Comment) -> None:
    """Its author asked, through the link that proved their address, to hear of replies to it."""
    Comment.objects.filter(pk=comment.pk).update(notify_replies=True)


def queue_reply_notice(reply: Comment) -> bool:
    """Queue the email telling the author of the comment ``reply`` answers, if they asked and may be
    told; call it when the reply is first published. Whether one was queued."""
    parent = reply.parent
    if parent is None or not parent.notify_replies or parent.is_removed:
        return False
    if normalize_email(parent.email) == normalize_email(reply.email):
        return False  # nobody needs telling of their own reply
    address = VerifiedAddress.objects.of(parent.email).first()
    if address is None:
        return False
    # cache.add is atomic: only the first reply in an hour emails this address about this article.
    # Without the cache nothing can hold to that hour: no email rather than one per reply.
    try:
        if not cache.add(_throttle_key(address.email, reply.article_id), 1, EVERY_SECONDS):
            return False
    except CacheUnavailable:
        logger.warning("The cache is down: no reply email was sent for comment %s.", reply.pk)
        return False
    # In the language the parent's author wrote in, its links to that language's pages.
    with translation.override(parent.language):
        thread_off = unsubscribe_link(address, reply.article_id)
        all_off = unsubscribe_link(address)
        context = {
            "clinic_name": current_practice().name,
            "article_title": reply.article.title,
            "by_the_clinic": reply.is_staff_reply,
            "reply_url": absolute_url(reply.get_absolute_url()),
            "thread_off": thread_off,
            "all_off": all_off,
        }
        mail.send(
            [parent.email],
            settings.DEFAULT_FROM_EMAIL,
            subject=render_to_string("comments/email/reply_subject.txt", context).strip(),
            message=render_to_string("comments/email/reply.txt", context),
            headers={
                "List-Unsubscribe": f"<{all_off}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            priority="medium",
        )
    return True
