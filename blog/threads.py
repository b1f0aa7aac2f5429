"""The comment thread under an article: one query, a tree built in Python, HTML cached.

The cached HTML holds only what every reader sees (approved comments, like counts). Nothing about
the browser that asks is in it: the like buttons carry no CSRF token (their view checks the
request's origin instead, see clinic_site.origin).
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import pagecache
from .models import Comment

# Replies nest this deep; deeper replies line up at the last level (each says whom it answers).
MAX_DEPTH = 3


def _version_key(article_id: int) -> str:
    return f"blog:comments:version:{article_id}"


def thread_version(article_id: int) -> str:
    version = cache.get(_version_key(article_id))
    if version is None:
        version = uuid.uuid4().hex
        cache.set(_version_key(article_id), version, None)
    return version


def invalidate_thread(article_id: int) -> None:
    """Make the next render of this article's thread (and of the cached pages) start afresh."""
    cache.set(_version_key(article_id), uuid.uuid4().hex, None)
    pagecache.invalidate_pages()


@receiver(post_save, sender=Comment, dispatch_uid="blog.comment_saved")
@receiver(post_delete, sender=Comment, dispatch_uid="blog.comment_deleted")
def _comment_changed(sender, instance, **kwargs):
    invalidate_thread(instance.article_id)


def build_tree(comments) -> list[Comment]:
    """Arrange approved comments (oldest first) into roots with ``.children`` and ``.replying_to``.

    A reply nests under the comment it answers down to MAX_DEPTH levels; deeper replies join the
    last level. A reply whose parent is not public is shown at the top level rather than lost.
    """
    by_id = {c.pk: c for c in comments}
    for comment in comments:
        comment.children = []
        comment.replying_to = by_id.get(comment.parent_id)
        comment.depth = None
    roots = []

    def place(comment, seen=()):
        if comment.depth is not None:
            return
        parent = comment.replying_to
        if parent is None or parent.pk in seen:
            comment.replying_to = None
            comment.depth = 0
            roots.append(comment)
            return
        place(parent, (*seen, comment.pk))
        holder = parent
        if parent.depth >= MAX_DEPTH - 1:
            holder = parent.holder
        comment.holder = holder
        comment.depth = holder.depth + 1
        holder.children.append(comment)

    for comment in comments:
        place(comment)
    return roots


def _thread_data(article) -> dict:
    key = f"blog:comments:thread:{article.pk}:{thread_version(article.pk)}"
    data = cache.get(key)
    if data is None:
        comments = list(Comment.objects.approved().filter(article_id=article.pk).order_by("created_at", "pk"))
        html = render_to_string(
            "blog/_comment_thread.html",
            {"roots": build_tree(comments), "article": article},
        )
        data = {"html": html, "count": len(comments)}
        cache.set(key, data, settings.COMMENTS_THREAD_CACHE_SECONDS)
    return data


def approved_count(article) -> int:
    return _thread_data(article)["count"]


def thread_html(article) -> str:
    return mark_safe(_thread_data(article)["html"])
