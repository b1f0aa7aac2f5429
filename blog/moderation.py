"""The one place for the rules of comments: who gets in, who approves, who is told.

The public view, the admin actions and the admin change form all call these functions.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import spam
from .models import Article, Comment, CommentLike
from .threads import invalidate_thread

MODERATORS_GROUP = "Comment moderators"

logger = logging.getLogger(__name__)


class CommentRejected(Exception):
    """The comment is refused outright; ``message`` says why, for the person who wrote it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def comments_open(article: Article) -> bool:
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days:
        return True
    return timezone.now() < article.published_at + timedelta(days=days)


def hold_reasons(body: str) -> list[str]:
    """Why a comment must wait for a moderator whoever wrote it (empty: no reason)."""
    reasons = []
    if len(spam.find_links(body)) > settings.COMMENTS_MAX_LINKS:
        reasons.append(_("more than %(count)d links") % {"count": settings.COMMENTS_MAX_LINKS})
    words = spam.blocked_words(body)
    if words:
        reasons.append(_("blocked words: %(words)s") % {"words": ", ".join(words)})
    return reasons


def is_known_commenter(email: str) -> bool:
    return Comment.objects.approved().filter(email__iexact=email).exists()


def submit_comment(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    """Save a reader's comment, pending or approved at once, and tell moderators of a pending one.

    Raises CommentRejected for what is never accepted (links to blocked domains, closed comments).
    """
    if not comments_open(article):
        raise CommentRejected(_("Comments on this article are closed."))
    domains = spam.blocked_domains(body)
    if domains:
        raise CommentRejected(
            _("Links to %(domains)s are not accepted. Please remove them and send your comment again.")
            % {"domains": ", ".join(domains)}
        )
    if parent is not None and (parent.article_id != article.pk or parent.status != Comment.Status.APPROVED):
        raise CommentRejected(_("The comment you are replying to is not available."))

    reasons = hold_reasons(body)
    approved = not reasons and settings.COMMENTS_AUTO_APPROVE_KNOWN and is_known_commenter(email)
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            status=Comment.Status.APPROVED if approved else Comment.Status.PENDING,
            held_reason="; ".join(reasons),
        )
        if not approved:
            transaction.on_commit(lambda: notify_moderators(comment))
    return comment


def _moderate(comment: Comment, status: str, *, by) -> Comment:
    comment.status = status
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    invalidate_thread(comment.article_id)
    return comment


def approve(comment: Comment, *, by) -> Comment:
    return _moderate(comment, Comment.Status.APPROVED, by=by)


def reject(comment: Comment, *, by) -> Comment:
    return _moderate(comment, Comment.Status.REJECTED, by=by)


def mark_spam(comment: Comment, *, by) -> Comment:
    return _moderate(comment, Comment.Status.SPAM, by=by)


MODERATE = {
    Comment.Status.APPROVED: approve,
    Comment.Status.REJECTED: reject,
    Comment.Status.SPAM: mark_spam,
}


def set_status(comment: Comment, status: str, *, by) -> Comment:
    """Moderate to any status; back to pending clears who moderated."""
    if status == Comment.Status.PENDING:
        comment.status = status
        comment.moderated_by = None
        comment.moderated_at = None
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        invalidate_thread(comment.article_id)
        return comment
    return MODERATE[status](comment, by=by)


def reply_as_clinic(parent: Comment, *, by, body: str) -> Comment:
    """A staff reply, published at once under the clinic's name."""
    now = timezone.now()
    reply = Comment.objects.create(
        article=parent.article,
        parent=parent,
        name=settings.CLINIC_NAME,
        email=settings.CLINIC_EMAIL,
        body=body,
        status=Comment.Status.APPROVED,
        is_staff_reply=True,
        moderated_by=by,
        moderated_at=now,
        created_at=now,
    )
    invalidate_thread(parent.article_id)
    return reply


def like_comment(comment: Comment, *, browser_key: str) -> bool:
    """Count one like per browser. Returns False if this browser had already liked the comment."""
    try:
        with transaction.atomic():
            CommentLike.objects.create(comment=comment, browser_key=browser_key)
    except IntegrityError:
        return False
    Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
    invalidate_thread(comment.article_id)
    return True


def moderator_emails() -> list[str]:
    """Active members of the moderators' group with an email; the settings list when there are none."""
    emails = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=MODERATORS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(emails) or list(settings.COMMENTS_MODERATOR_EMAILS)


def _throttle_key(email: str) -> str:
    return "blog:comments:notified:" + salted_hmac("blog.comments.notify", email.lower()).hexdigest()


def notify_moderators(comment: Comment) -> int:
    """Email each moderator about a new pending comment, at most once per NOTIFY_EVERY_MINUTES.

    The email holds a count and links to the admin, never the comment's text or its author.
    Returns the number of emails sent.
    """
    pending = Comment.objects.pending().count()
    site = settings.SITE_URL.rstrip("/")
    change_url = site + reverse("admin:blog_comment_change", args=[comment.pk])
    queue_url = site + reverse("admin:blog_comment_changelist") + "?status__exact=pending"
    subject = _("[%(clinic)s] A new comment awaits moderation") % {"clinic": settings.CLINIC_NAME}
    message = _(
        "A new comment is waiting for moderation (%(pending)d pending in all).\n\n"
        "Review it: %(change_url)s\n"
        "All pending comments: %(queue_url)s\n\n"
        "You will get at most one of these emails every %(minutes)d minutes."
    ) % {
        "pending": pending,
        "change_url": change_url,
        "queue_url": queue_url,
        "minutes": settings.COMMENTS_NOTIFY_EVERY_MINUTES,
    }
    sent = 0
    for email in moderator_emails():
        # cache.add is atomic: only the first comment in a quiet period sends to this moderator.
        key = _throttle_key(email)
        if not cache.add(key, 1, settings.COMMENTS_NOTIFY_EVERY_MINUTES * 60):
            continue
        try:
            sent += send_mail(subject, message, None, [email])
        except Exception:
            # The comment is saved either way; let the next one try again.
            cache.delete(key)
            logger.exception("Could not email a moderator about comment %s", comment.pk)
    return sent
