"""The one place for the rules of comments: who gets in, who approves, who is told.

The public views (posting, and an author changing or deleting their own comment), the admin actions
and the admin change form all call these functions. Each change that readers can see retires the
article's thread and page once (``threads.retire``), after it is saved. A comment's first publication,
wherever it happens, is ``_first_published``: it is dated and the author of the comment it answers
is told, if they asked (comments.subscriptions).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from post_office import mail

from blog.models import Article
from clinic_site import roles
from clinic_site.cache import CacheUnavailable
from clinic_site.models import Clinician, Location
from clinic_site.practice import current as current_practice
from clinic_site.siteurl import absolute_url

from . import spam, subscriptions, threads, verification
from .models import Comment, mailbox_of, name_key_of


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


# How readers address a clinician by title and family name, in either language.
CLINICIAN_TITLES = ("Dr", "Doctor", "Dra", "Doctora")


def reserved_names() -> list[str]:
    """Names only the clinic speaks under: its own, its locations' and its clinicians', a
    clinician's also as a title with their family name ("Dr. Okafor" is Maya Okafor)."""
    clinicians = list(Clinician.objects.values_list("name", flat=True))
    titled = [
        f"{title} {name.split()[-1]}"
        for name in clinicians
        if len(name.split()) > 1
        for title in CLINICIAN_TITLES
    ]
    return [current_practice().name, *Location.objects.values_list("name", flat=True), *clinicians, *titled]


def is_reserved_address(email: str) -> bool:
    """The clinic's public addresses and its staff's, with or without a +tag: a reader may not sign
    with them."""
    mailbox = mailbox_of(email)
    practice = current_practice()
    clinic = {practice.email, practice.privacy_email, settings.DEFAULT_FROM_EMAIL}
    if mailbox in {mailbox_of(address) for address in clinic if address}:
        return True
    domain = mailbox.partition("@")[2]
    staff = get_user_model().objects.filter(is_staff=True, email__iendswith="@" + domain)
    return any(mailbox_of(address) == mailbox for address in staff.values_list("email", flat=True))


def name_used_by_someone_else(name: str, email: str) -> bool:
    """A name that published comments carry under another address, compared as reserved names are
    (case, spacing, accents and look-alike characters aside): confirming one's own mailbox does not
    make one "Dana R.", nor "Dana R" or "Tom  H."."""
    key = name_key_of(name)
    same_name = {"name_key": key} if key else {"name__iexact": name.strip()}
    return (
        Comment.objects.approved()
        .filter(is_staff_reply=False, **same_name)
        .exclude(email__iexact=email.strip())
        .exists()
    )


def reserved_name_of(comment: Comment, reserved: list[str] | None = None) -> str | None:
    """The reserved name a reader's comment is signed with, if any: it is never published under it
    (the clinic's own replies are signed with the clinic's name). ``reserved``: ``reserved_names()``,
    read once for many comments."""
    if comment.is_staff_reply:
        return None
    return spam.reserved_name_in(comment.name, reserved_names() if reserved is None else reserved)


def hold_reasons(*, name: str, email: str, body: str, reserved_address: bool) -> list[str]:
    """Why a comment must wait for a moderator whoever wrote it (empty: no reason), in the site's
    language, as the moderators' emails are: it is kept for them, not for the reader's page."""
    with translation.override(settings.LANGUAGE_CODE):
        return _hold_reasons(name=name, email=email, body=body, reserved_address=reserved_address)


def _hold_reasons(*, name: str, email: str, body: str, reserved_address: bool) -> list[str]:
    reasons = []
    if len(spam.find_links(body)) > settings.COMMENTS_MAX_LINKS:
        reasons.append(_("more than %(count)d links") % {"count": settings.COMMENTS_MAX_LINKS})
    words = spam.blocked_words(body)
    if words:
        reasons.append(_("blocked words: %(words)s") % {"words": ", ".join(words)})
    reserved = spam.reserved_name_in(name, reserved_names())
    if reserved:
        reasons.append(_("uses the reserved name “%(name)s”") % {"name": reserved})
    elif spam.mixes_lookalike_scripts(name):
        reasons.append(_("the name mixes look-alike letters of several alphabets"))
    elif name_used_by_someone_else(name, email):
        reasons.append(_("the name is used by another commenter"))
    if reserved_address:
        reasons.append(_("uses an address of the clinic or its staff"))
    return reasons


def blocked_links(body: str) -> str | None:
    """What the author is told of links to blocked domains in their words, or None."""
    domains = spam.blocked_domains(body)
    if not domains:
        return None
    return _("Links to %(domains)s are not accepted. Please remove them and send your comment again.") % {
        "domains": ", ".join(domains)
    }


def refusal_of(*, article: Article, body: str, parent: Comment | None = None) -> str | None:
    """Why a comment is never accepted, said to its author, or None: comments closed, a link to a
    blocked domain, or a reply to a comment readers no longer see."""
    if not comments_open(article):
        return _("Comments on this article are closed.")
    blocked = blocked_links(body)
    if blocked:
        return blocked
    if parent is not None and (
        parent.article_id != article.pk or parent.status != Comment.Status.APPROVED or parent.is_removed
    ):
        return _("The comment you are replying to is not available.")
    return None


def submit_comment(
    *,
    article: Article,
    name: str,
    email: str,
    body: str,
    parent: Comment | None = None,
    verified_browser: bool = False,
    replay_unchecked: bool = False,
    notify_replies: bool = False,
    language: str = settings.LANGUAGE_CODE,
) -> Comment:
    """Save a reader's comment, pending or approved at once, and tell whoever needs to know.

    Published at once only when ``verified_browser`` (the browser confirmed this address, see
    comments.verification) and nothing calls for a hold; otherwise it waits, the moderators are told,
    and a browser that has not confirmed the address gets a confirmation email sent to it. The wish
    to hear of replies (``notify_replies``) is kept only from a verified browser. Raises
    CommentRejected for what is never accepted (links to blocked domains, closed comments).
    ``replay_unchecked`` (the cache was down, so the form's one-time token could not be used up)
    holds the comment for a moderator, whoever sent it. ``language`` is the page's: the author's
    emails are in it.
    """
    refusal = refusal_of(article=article, body=body, parent=parent)
    if refusal:
        raise CommentRejected(refusal)
    reserved_address = is_reserved_address(email)
    reasons = hold_reasons(name=name, email=email, body=body, reserved_address=reserved_address)
    if replay_unchecked:
        reasons.append(_("sent while the cache was down (a copy of an earlier form is possible)"))
    approved = not reasons and settings.COMMENTS_AUTO_APPROVE_VERIFIED and verified_browser
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=name,
            email=email,
            body=body,
            status=Comment.Status.APPROVED if approved else Comment.Status.PENDING,
            held_reason="; ".join(reasons)[: Comment._meta.get_field("held_reason").max_length],
            notify_replies=notify_replies and verified_browser,
            language=language,
        )
        # The emails are rows of the mail queue, stored with the comment or not at all.
        if not approved:
            notify_moderators(comment)
        if not verified_browser and not reserved_address:
            verification.queue_confirmation(comment)
        if approved:
            _first_published(comment)
            transaction.on_commit(lambda: threads.retire(article))
    return comment


def _first_published(comment: Comment) -> None:
    """Readers see the comment for the first time: date it, and tell whom it answers (if they asked).
    Called inside the transaction that publishes it, so the email is queued with it or not at all."""
    if comment.published_at is not None:
        return  # back from moderation after an edit: its parent's author has heard of it already
    comment.published_at = timezone.now()
    comment.save(update_fields=["published_at"])
    subscriptions.queue_reply_notice(comment)


def moderate(comment: Comment, status: str, *, by) -> Comment:
    """The one transition of a comment's status: stamps who and when (cleared back at pending)."""
    pending = status == Comment.Status.PENDING
    with transaction.atomic():
        comment.status = status
        comment.moderated_by = None if pending else by
        comment.moderated_at = None if pending else timezone.now()
        comment.save(update_fields=["status", "moderated_by", "moderated_at"])
        if status == Comment.Status.APPROVED:
            _first_published(comment)
        if status == Comment.Status.SPAM:
            # Spam under an address: it is trusted no more, in any browser, nor by a link sent before.
            verification.revoke(comment.email)
    threads.retire(comment.article)
    return comment


def approve(comment: Comment, *, by) -> Comment:
    return moderate(comment, Comment.Status.APPROVED, by=by)


def reject(comment: Comment, *, by) -> Comment:
    return moderate(comment, Comment.Status.REJECTED, by=by)


def mark_spam(comment: Comment, *, by) -> Comment:
    return moderate(comment, Comment.Status.SPAM, by=by)


# What readers see of a comment: a moderator's change to either is marked on the page.
PUBLIC_FIELDS = ("name", "body")


def edited(comment: Comment, changed: list[str]) -> None:
    """A moderator corrected a comment (the admin form): readers see it at once, marked "edited by
    the clinic" where its name or words changed (the admin's history says who)."""
    if set(changed) & set(PUBLIC_FIELDS):
        comment.edited_by_clinic_at = timezone.now()
        comment.save(update_fields=["edited_by_clinic_at"])
    threads.retire(comment.article)


def delete_comments(comments) -> int:
    """Delete comments (and, by cascade, their replies and likes); each article's thread is retired once."""
    articles = {comment.article_id: comment.article for comment in comments.select_related("article")}
    count, _by_model = comments.delete()
    for article in articles.values():
        threads.retire(article)
    return count


def reply_as_clinic(parent: Comment, *, by, body: str) -> Comment:
    """A staff reply, published at once under the clinic's name."""
    now = timezone.now()
    practice = current_practice()
    with transaction.atomic():
        reply = Comment.objects.create(
            article=parent.article,
            parent=parent,
            name=practice.name,
            email=practice.email,
            body=body,
            status=Comment.Status.APPROVED,
            is_staff_reply=True,
            moderated_by=by,
            moderated_at=now,
            created_at=now,
        )
        _first_published(reply)
    threads.retire(parent.article)
    return reply


def edit_by_author(comment: Comment, *, body: str, trusted: bool) -> Comment:
    """The author changes the words of their comment (comments.authorship says who may).

    The comment is marked edited. A published comment stays published only when its author would be
    published at once (``trusted``: an address verified and proved by this browser's cookie or by the
    emailed link, see the view) and the new words call for no hold; otherwise it goes back to the
    moderators, who are told. Raises CommentRejected as a new comment would.
    """
    blocked = blocked_links(body)
    if blocked:
        raise CommentRejected(blocked)
    reasons = hold_reasons(
        name=comment.name, email=comment.email, body=body, reserved_address=is_reserved_address(comment.email)
    )
    was_public = comment.status == Comment.Status.APPROVED
    stays_public = was_public and trusted and settings.COMMENTS_AUTO_APPROVE_VERIFIED and not reasons
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.held_reason = "; ".join(reasons)
        fields = ["body", "edited_at", "held_reason"]
        if was_public and not stays_public:
            comment.status = Comment.Status.PENDING
            comment.moderated_by = comment.moderated_at = None
            fields += ["status", "moderated_by", "moderated_at"]
        comment.save(update_fields=fields)
        if was_public and not stays_public:
            notify_moderators(comment)
    if was_public:
        threads.retire(comment.article)
    return comment


def remove_by_author(comment: Comment) -> None:
    """The author deletes their comment. With replies waiting or published under it, it stays as a
    placeholder ("removed by its author": no name, no address, no words); without, it goes, and so
    does a placeholder above it that is left with no replies."""
    was_public = comment.status == Comment.Status.APPROVED
    live = [Comment.Status.PENDING, Comment.Status.APPROVED]
    with transaction.atomic():
        if comment.replies.filter(status__in=live).exists():
            comment.name = comment.email = comment.body = comment.held_reason = ""
            comment.notify_replies = False
            comment.removed_at = timezone.now()
            comment.save(
                update_fields=["name", "email", "body", "held_reason", "notify_replies", "removed_at"]
            )
        else:
            parent = comment.parent
            comment.delete()
            while (
                parent is not None
                and parent.is_removed
                and not parent.replies.filter(status__in=live).exists()
            ):
                above = parent.parent
                parent.delete()
                parent = above
    if was_public:
        threads.retire(comment.article)


def moderator_emails() -> list[str]:
    """Active members of the moderators' group with an email; the settings list when there are none."""
    emails = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.COMMENT_MODERATORS)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(emails) or list(settings.COMMENTS_MODERATOR_EMAILS)


def _throttle_key(email: str) -> str:
    return "comments:notified:" + salted_hmac("blog.comments.notify", email.lower()).hexdigest()


def notify_moderators(comment: Comment) -> int:
    """Queue an email to each moderator about a new pending comment, at most once per NOTIFY_EVERY_MINUTES.

    The email holds a count and links to the admin, never the comment's text or its author. It goes
    through the mail queue (``make worker`` delivers it), so a slow mail server never holds up the
    commenter's request. Returns the number of emails queued.
    """
    context = {
        "clinic_name": current_practice().name,
        "pending": Comment.objects.pending().count(),
        "change_url": absolute_url(reverse("admin:comments_comment_change", args=[comment.pk])),
        "queue_url": absolute_url(reverse("admin:comments_comment_changelist") + "?status__exact=pending"),
        "minutes": settings.COMMENTS_NOTIFY_EVERY_MINUTES,
    }
    # For staff: the site's language, whatever the language of the page the comment came from.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("comments/email/moderators_subject.txt", context).strip()
        message = render_to_string("comments/email/moderators.txt", context)
    queued = 0
    for email in moderator_emails():
        # cache.add is atomic: only the first comment in a quiet period notifies this moderator.
        # Without the cache the quiet period cannot be known: no email (the admin home shows the
        # pending count, and the first comment after the outage notifies as usual).
        try:
            first_in_period = cache.add(_throttle_key(email), 1, settings.COMMENTS_NOTIFY_EVERY_MINUTES * 60)
        except CacheUnavailable:
            first_in_period = False
        if first_in_period:
            mail.send(
                [email], settings.DEFAULT_FROM_EMAIL, subject=subject, message=message, priority="medium"
            )
            queued += 1
    return queued
