"""The comment thread under an article, a page at a time: two queries, a tree built in Python, HTML cached.

A page holds ``COMMENTS_PER_PAGE`` top-level threads, each with all its replies, oldest thread first
or newest first (replies always read oldest first). To find a page, the shape of the whole thread is
read (ids and parents only, one query); the page's comments are then read whole (one more). The
number of queries is the same for 2 comments or 2,000.

Each page's HTML is cached under a key holding the generations of the site's pages and of this
article's thread (clinic_site.generations), the order and the page number; ``retire`` starts new
generations, so every page and order of the thread goes at once.

The cached HTML holds only what every reader sees (approved comments, like counts). Nothing about
the browser that asks is in it: the like buttons carry no CSRF token (their view checks the
request's origin instead, see clinic_site.origin), and the links to change one's own comment are
outside it (templates/comments/_comments.html). A flash message about one comment (a like, its
publication) is put into the HTML at that comment for the one reader it is for (``html_with``).
"""

import math
import re
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from blog import pagecache
from clinic_site import generations

from .models import Comment

# Replies nest this deep; deeper replies line up at the last level (each says whom it answers).
MAX_DEPTH = 3
# The id of the article page's comments section (templates/comments/_comments.html): where the views
# that send a reader back to the comments send them, and say what happened (clinic_extras.placed).
SECTION = "comments"
# Each comment's element in the thread's HTML (templates/comments/_comment.html): its opening tag.
_COMMENT_TAG = re.compile(r'<li class="comment[^"]*" id="comment-(\d+)">')


def anchor(comment_pk: int) -> str:
    """The id of a comment's element in the page: its link's fragment, and the place of the flash
    messages about it (clinic_extras.placed)."""
    return f"comment-{comment_pk}"


class Order(models.TextChoices):
    OLDEST = "oldest", _("Oldest first")
    NEWEST = "newest", _("Newest first")


class PageNotFound(Exception):
    """The page asked for is not a page of this thread (a bad number, or past the last)."""


def _scope(article_id: int) -> str:
    return f"thread:{article_id}"


def retire(article) -> None:
    """After a change to the article's comments or comment likes: its thread (every page, both
    orders) and its cached page.

    The one call every such change makes (comments.moderation, and the comment like view); no
    signal does it again.
    """
    generations.retire(_scope(article.pk), pagecache.article_scope(article.slug))


def build_tree(comments) -> list:
    """Arrange approved comments (oldest first) into roots with ``.children`` and ``.replying_to``.

    A reply nests under the comment it answers down to MAX_DEPTH levels; deeper replies join the
    last level. A reply whose parent is not public is shown at the top level rather than lost. A
    comment its author removed stays as a placeholder only while a public reply hangs from it.
    Works on comments and on the lighter ``_Shape`` rows alike.
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
    return _without_empty_placeholders(roots)


def _without_empty_placeholders(nodes: list) -> list:
    kept = []
    for node in nodes:
        node.children = _without_empty_placeholders(node.children)
        if node.children or node.removed_at is None:
            kept.append(node)
    return kept


@dataclass
class _Shape:
    """A comment as far as the page layout needs it."""

    pk: int
    parent_id: int | None
    removed_at: object


def _subtree_ids(node) -> list[int]:
    ids = [node.pk]
    for child in node.children:
        ids += _subtree_ids(child)
    return ids


def _roots(article_id: int) -> list:
    """The thread's top-level comments (oldest first), each with its replies: one query."""
    rows = (
        Comment.objects.approved()
        .filter(article_id=article_id)
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id", "removed_at")
    )
    return build_tree([_Shape(*row) for row in rows])


def _count(nodes) -> int:
    """Public comments among ``nodes`` and their replies (placeholders not counted)."""
    return sum((node.removed_at is None) + _count(node.children) for node in nodes)


@dataclass(frozen=True)
class ThreadPage:
    """One page of an article's comments, as cached (the HTML) and as the template pages through it."""

    html: str
    count: int  # public comments in the whole thread (placeholders not counted)
    number: int
    num_pages: int
    order: str

    @property
    def thread_html(self):
        return mark_safe(self.html)

    @cached_property
    def anchors(self) -> set[str]:
        """The anchors of the comments this page shows (placeholders included): read once a
        request, by the article view (its message places) and the comments tag."""
        return {anchor(int(pk)) for pk in _COMMENT_TAG.findall(self.html)}

    def html_with(self, notes: dict[str, str]):
        """The HTML with each of ``notes`` (anchor: HTML) first inside its comment's element, where
        a reader sent to ``#<anchor>`` lands."""
        if not notes:
            return self.thread_html

        def with_note(match):
            return match.group(0) + notes.get(anchor(int(match.group(1))), "")

        return mark_safe(_COMMENT_TAG.sub(with_note, self.html))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_query(self) -> str:
        return page_query(self.number - 1, self.order)

    @property
    def next_query(self) -> str:
        return page_query(self.number + 1, self.order)

    @property
    def page_links(self) -> list[tuple[int | None, str]]:
        """(number, query) for the first and last pages and two either side of this one; (None, "")
        where pages are left out."""
        shown = {1, self.num_pages, *range(self.number - 2, self.number + 3)}
        links, previous = [], 0
        for number in sorted(n for n in shown if 1 <= n <= self.num_pages):
            if number > previous + 1:
                links.append((None, ""))
            links.append((number, page_query(number, self.order)))
            previous = number
        return links

    @property
    def order_queries(self) -> list[tuple[str, str, bool]]:
        return [(order.label, page_query(1, order.value), order.value == self.order) for order in Order]


def page_query(number: int, order: str) -> str:
    """The query string of a page ("" for the first page oldest first: the page the page cache serves)."""
    parts = []
    if number > 1:
        parts.append(f"cpage={number}")
    if order != Order.OLDEST:
        parts.append(f"comments={order}")
    return "?" + "&".join(parts) if parts else ""


# The query strings ``page_query`` makes (a page after the first, the newest order): the only ones an
# article page is shared with (blog.pagecache), one stored page each.
SHARED_PAGE_QUERY = re.compile(
    rf"cpage=[1-9][0-9]{{0,5}}(&comments={Order.NEWEST.value})?|comments={Order.NEWEST.value}"
)


def requested_page(params) -> tuple[int, str]:
    """The page number and order a query string asks for (``?cpage=2&comments=newest``); raises
    PageNotFound for anything else than a positive number and a known order."""
    number = params.get("cpage", "1")
    order = params.get("comments", Order.OLDEST)
    if not (number.isascii() and number.isdecimal()) or int(number) < 1 or len(number) > 6:
        raise PageNotFound(number)
    if order not in Order.values:
        raise PageNotFound(order)
    return int(number), order


def _key(article, number: int, order: str) -> str:
    gens = generations.current(pagecache.SITE_SCOPE, _scope(article.pk))
    # The thread's words around the comments ("Reply", dates) are in the page's language.
    return f"comments:thread:{gens}:{translation.get_language()}:{article.pk}:{order}:{number}"


def page(article, number: int = 1, order: str = Order.OLDEST) -> ThreadPage:
    """A page of the article's thread; raises PageNotFound past the last page. The key is read before
    the comments, so a change while rendering retires what is stored (clinic_site.generations)."""
    key = _key(article, number, order)
    cached = cache.get(key)
    if cached is not None:
        return cached
    roots = _roots(article.pk)
    num_pages = max(1, math.ceil(len(roots) / settings.COMMENTS_PER_PAGE))
    if number > num_pages:
        raise PageNotFound(number)
    if order == Order.NEWEST:
        roots.reverse()
    start = (number - 1) * settings.COMMENTS_PER_PAGE
    ids = [pk for root in roots[start : start + settings.COMMENTS_PER_PAGE] for pk in _subtree_ids(root)]
    comments = list(Comment.objects.filter(pk__in=ids).order_by("created_at", "pk")) if ids else []
    tree = build_tree(comments)
    if order == Order.NEWEST:
        tree.reverse()
    html = render_to_string("comments/_thread.html", {"roots": tree, "article": article})
    result = ThreadPage(html=html, count=_count(roots), number=number, num_pages=num_pages, order=order)
    cache.set(key, result, settings.COMMENTS_THREAD_CACHE_SECONDS)
    return result


def page_number_of(comment: Comment) -> int | None:
    """The page (oldest first) whose thread holds ``comment``; None when readers cannot see it."""
    for index, root in enumerate(_roots(comment.article_id)):
        if comment.pk in _subtree_ids(root):
            return index // settings.COMMENTS_PER_PAGE + 1
    return None


def approved_count(article) -> int:
    """Public comments under the article (from the cached first page)."""
    return page(article).count
