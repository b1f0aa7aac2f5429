"""The comment thread under an article: one query, a tree built in Python, HTML cached.

The cache key holds the generations of the site's pages and of this article's thread
(clinic_site.generations); ``retire`` starts new ones.

The cached HTML holds only what every reader sees (approved comments, like counts). Nothing about
the browser that asks is in it: the like buttons carry no CSRF token (their view checks the
request's origin instead, see clinic_site.origin).
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from blog import pagecache
from clinic_site import generations

from .models import Comment

# Replies nest this deep; deeper replies line up at the last level (each says whom it answers).
MAX_DEPTH = 3


def _scope(article_id: int) -> str:
    return f"thread:{article_id}"


def retire(article) -> None:
    """After a change to the article's comments or comment likes: its thread and its cached page.

    The one call every such change makes (comments.moderation, and the comment like view); no
    signal does it again.
    """
    generations.retire(_scope(article.pk), pagecache.article_scope(article.slug))


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
    key = f"comments:thread:{generations.current(pagecache.SITE_SCOPE, _scope(article.pk))}:{article.pk}"
    data = cache.get(key)
    if data is None:
        comments = list(Comment.objects.approved().filter(article_id=article.pk).order_by("created_at", "pk"))
        html = render_to_string(
            "comments/_thread.html",
            {"roots": build_tree(comments), "article": article},
        )
        data = {"html": html, "count": len(comments)}
        cache.set(key, data, settings.COMMENTS_THREAD_CACHE_SECONDS)
    return data


def approved_count(article) -> int:
    return _thread_data(article)["count"]


def thread_html(article) -> str:
    return mark_safe(_thread_data(article)["html"])
