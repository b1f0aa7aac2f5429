"""Readers' comments under articles, and their likes. The rules are in comments.moderation."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models import Article
from clinic_site.fields import language_field

NAME_KEY_LENGTH = 200


def name_key_of(name: str) -> str:
    """A name as names are compared (``spam.normalize_name``: case, accents, spacing and look-alike
    characters aside), as ``Comment.name_key`` keeps it."""
    from .spam import normalize_name

    return normalize_name(name)[:NAME_KEY_LENGTH]


def set_name_keys(comment_model, batch_size: int = 2000) -> int:
    """Set every comment's ``name_key`` again, a batch at a time (each its own transaction when the
    caller holds none); for a migration, with its historical model. Returns how many changed."""
    changed, batch = 0, []
    for comment in comment_model.objects.only("pk", "name", "name_key").order_by("pk").iterator(batch_size):
        key = name_key_of(comment.name)
        if key != comment.name_key:
            comment.name_key = key
            batch.append(comment)
        if len(batch) == batch_size:
            changed += comment_model.objects.bulk_update(batch, ["name_key"])
            batch = []
    return changed + (comment_model.objects.bulk_update(batch, ["name_key"]) if batch else 0)


def _with_name_keys(comments) -> list:
    comments = list(comments)
    for comment in comments:
        comment.name_key = name_key_of(comment.name)
    return comments


class CommentQuerySet(models.QuerySet):
    """Every way of writing a comment's name writes its ``name_key`` too."""

    def bulk_create(self, objs, *args, update_fields=None, **kwargs):
        objs = _with_name_keys(objs)
        if update_fields and "name" in update_fields:
            update_fields = [*update_fields, "name_key"]
        return super().bulk_create(objs, *args, update_fields=update_fields, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "name" in fields:
            objs = _with_name_keys(objs)
            fields = [*fields, "name_key"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if "name" in kwargs and "name_key" not in kwargs:  # bulk_update gives both
            if not isinstance(kwargs["name"], str):
                raise TypeError("A comment's name is updated with a string, so that its name_key follows it.")
            kwargs["name_key"] = name_key_of(kwargs["name"])
        return super().update(**kwargs)

    def approved(self):
        """What readers see under an article (a comment removed by its author among them, shown as
        a placeholder while it has replies)."""
        return self.filter(status=Comment.Status.APPROVED)

    def public(self):
        """Approved comments that still have words: what the comment counts count."""
        return self.approved().filter(removed_at__isnull=True)

    def pending(self):
        """The moderators' queue."""
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    """A reader's comment on an article, or a reply to one. Public only once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    name = models.CharField(_("name"), max_length=80)
    # The name as compared (name_key_of), written with the name by every save and QuerySet method: a
    # name another commenter already uses is found by its index however it is spelled. A change to
    # how names are compared (an upgrade of confusable-homoglyphs among them) needs a migration that
    # runs set_name_keys again, as 0011 does.
    name_key = models.CharField(max_length=NAME_KEY_LENGTH, editable=False, blank=True)
    email = models.EmailField(_("email"), help_text=_("Never shown on the site."))
    body = models.TextField(_("comment"), max_length=3000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    is_staff_reply = models.BooleanField(
        _("reply from the clinic"), default=False, help_text=_("Written by staff on behalf of the clinic.")
    )
    held_reason = models.CharField(
        _("held because"),
        max_length=200,
        blank=True,
        help_text=_("Why the spam checks held this comment for a moderator."),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    published_at = models.DateTimeField(
        _("first published"),
        null=True,
        blank=True,
        help_text=_("When readers could first see it; replies notify their parent's author only then."),
    )
    edited_at = models.DateTimeField(
        _("edited by its author"), null=True, blank=True, help_text=_("Shown to readers as “edited”.")
    )
    # A moderator's correction of a reader's name or words (blog.comments.moderation.edited).
    edited_by_clinic_at = models.DateTimeField(
        _("edited by the clinic"),
        null=True,
        blank=True,
        help_text=_("Shown to readers as “edited by the clinic”."),
    )
    removed_at = models.DateTimeField(
        _("removed by its author"),
        null=True,
        blank=True,
        help_text=_("Its name, address and words are erased; it stays as a placeholder above its replies."),
    )
    # The language of the page it was written on: the emails its author gets are in it.
    language = language_field(editable=False)
    notify_replies = models.BooleanField(
        _("author asked to hear of replies"),
        default=False,
        help_text=_("Honoured only for an address confirmed from the browser that sent the comment."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx"),
            models.Index(fields=["status", "-created_at"], name="comment_status_created_idx"),
            models.Index(fields=["email", "status"], name="comment_email_status_idx"),
            # The moderators' list (blog.comments.admin): its default order and date drill-down, and
            # each of its filters in that order.
            models.Index(fields=["created_at", "id"], name="comment_created_idx"),
            models.Index(fields=["language", "created_at"], name="comment_language_created_idx"),
            models.Index(fields=["is_staff_reply", "created_at"], name="comment_staff_created_idx"),
            # ... and the columns it sorts by.
            models.Index(fields=["name"], name="comment_name_idx"),
            # Another commenter's name (moderation.name_used_by_someone_else); made concurrently (0012).
            models.Index(fields=["name_key"], name="comment_name_key_idx"),
            models.Index(fields=["like_count", "id"], name="comment_likes_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True)
                | models.Q(name="", email="", body="", notify_replies=False),
                name="comment_removed_keeps_nothing",
            ),
        ]

    def __str__(self):
        if self.is_removed:
            return _("Comment removed by its author on %(article)s") % {"article": self.article}
        return _("Comment by %(name)s on %(article)s") % {"name": self.name, "article": self.article}

    def save(self, *args, **kwargs):
        self.name_key = name_key_of(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its own address, which redirects to the page of the thread that holds it (comments.views)."""
        return reverse("comments:show", args=[self.pk])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class CommentLike(models.Model):
    """One browser's like of a comment (blog.likes). Only a hash of the browser's token is stored."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    browser_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comment like")
        verbose_name_plural = _("comment likes")
        constraints = [
            models.UniqueConstraint(fields=["comment", "browser_key"], name="comment_like_once_per_browser")
        ]

    def __str__(self):
        return _("Like of %(comment)s") % {"comment": self.comment}


class VerifiedAddressQuerySet(models.QuerySet):
    def of(self, email: str):
        return self.filter(email=normalize_email(email))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def mailbox_of(email: str) -> str:
    """The mailbox an address reaches: ``ana+blog@example.com`` is ``ana@example.com``."""
    local, at, domain = normalize_email(email).partition("@")
    return local.split("+", 1)[0] + at + domain


class VerifiedAddress(models.Model):
    """An email address whose owner opened the confirmation link we sent to it.

    Only a browser that confirmed it (and holds the signed cookie that says so) may publish under
    it without a moderator; typing the address elsewhere proves nothing.
    """

    email = models.EmailField(_("email"), unique=True)
    verified_at = models.DateTimeField(_("verified"), default=timezone.now)

    objects = VerifiedAddressQuerySet.as_manager()

    class Meta:
        ordering = ["-verified_at"]
        verbose_name = _("verified commenter address")
        verbose_name_plural = _("verified commenter addresses")

    def __str__(self):
        return self.email


class RevokedAddress(models.Model):
    """An address trusted no more (a comment of its marked spam, or a moderator deleted its
    verification), and when: a confirmation link sent to it before then confirms nothing
    (comments.verification). Kept only as long as such a link could still work."""

    email = models.EmailField(unique=True)
    revoked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revoked commenter address")
        verbose_name_plural = _("revoked commenter addresses")

    def __str__(self):
        return self.email
