"""The blog's rules for counting readers' views (likes are blog.likes).

View counts are first-party and cheap. A page view stores nothing about the reader (no IP address,
nothing that identifies them) and does not touch the article's row: it increments a counter in the
cache, and the pending count reaches the database in one ``F()`` UPDATE every
``BLOG_VIEW_FLUSH_EVERY`` views, or when ``manage.py flush_view_counts`` runs. A cache restart can
lose at most the pending views, which is an acceptable price for a visitor counter. While the cache
cannot be reached, each view goes straight to the database instead. A flush that fails (the database
is down) leaves the views it was moving in the cache, for the next flush.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F

from clinic_site.cache import CacheUnavailable

from .models import Article

logger = logging.getLogger(__name__)

# Words that mark the usual crawlers, link unfurlers and scripted clients. "headless" is left out on
# purpose: our own browser tests run headless Chromium and must behave like a reader.
BOT_MARKERS = (
    "bot",
    "spider",
    "crawl",
    "slurp",
    "preview",
    "scrape",
    "fetch",
    "monitor",
    "facebookexternalhit",
    "embedly",
    "lighthouse",
    "pingdom",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "httpx",
    "go-http-client",
    "java/",
    "libwww",
    "okhttp",
    "axios",
)


def is_bot(user_agent: str) -> bool:
    user_agent = user_agent.strip().lower()
    return not user_agent or any(marker in user_agent for marker in BOT_MARKERS)


def _pending_key(article_pk: int) -> str:
    return f"blog:article:{article_pk}:pending_views"


def is_reader_request(request) -> bool:
    """A reader's page view: a GET that is not from staff, a prefetch or a bot."""
    if request.method != "GET":
        return False
    if request.user.is_authenticated and request.user.is_staff:
        return False
    if request.headers.get("Sec-Purpose", request.headers.get("Purpose", "")).startswith("prefetch"):
        return False
    return not is_bot(request.headers.get("User-Agent", ""))


def should_count_view(article: Article, request) -> bool:
    """A reader's view of a public article (never a staff preview)."""
    return article.is_public and is_reader_request(request)


def record_view(article: Article, request) -> bool:
    """Count one view of ``article`` if ``request`` is a reader's. Returns whether it counted."""
    if not should_count_view(article, request):
        return False
    _count_view(article.pk, in_hand=article)
    return True


def record_cached_view(article_pk: int, request) -> bool:
    """The same for a page served from the page cache, which holds public articles only."""
    if not is_reader_request(request):
        return False
    _count_view(article_pk)
    return True


def _count_view(article_pk: int, in_hand: Article | None = None) -> None:
    """One view of the article; a flush updates the article ``in_hand`` (the page being rendered).
    A cached page's view has none: making a model instance for it cost as much as the count."""
    key = _pending_key(article_pk)
    try:
        try:
            pending = cache.incr(key)  # one cache round trip for nearly every view
        except ValueError:  # the first pending view (or the counter was evicted)
            pending = 1 if cache.add(key, 1, timeout=None) else cache.incr(key)
    except CacheUnavailable:
        Article.objects.filter(pk=article_pk).update(view_count=F("view_count") + 1)
        return
    # Each incr() returns a distinct value, so exactly one request sees the threshold and flushes.
    if pending == settings.BLOG_VIEW_FLUSH_EVERY:
        try:
            _flush(in_hand or Article(pk=article_pk), pending)
        except DatabaseError:
            # The views stay pending for the next flush; the page (maybe from the page cache) is
            # served all the same.
            logger.warning("View counts of article %s not flushed: the database did not answer.", article_pk)


def pending_views(article: Article) -> int:
    return max(0, cache.get(_pending_key(article.pk)) or 0)


def displayed_view_count(article: Article) -> int:
    """The count readers see: what the database holds plus what waits in the cache."""
    return article.view_count + pending_views(article)


def _flush(article: Article, count: int) -> int:
    """Move up to ``count`` pending views into the database; returns how many moved.

    The views leave the cache only with the database's commit: ``decr`` runs inside the transaction
    that adds them to the article, and if the update or the commit fails they are given back (a
    cache that cannot be reached rolls the update back instead). ``decr`` is relative, so views
    counted meanwhile stay pending; if another flush took some of the same views first, the counter
    goes below zero, and that part is given back and not moved.
    """
    if count <= 0:
        return 0
    key = _pending_key(article.pk)
    taken = 0
    try:
        with transaction.atomic():
            try:
                left = cache.decr(key, count)
            except (ValueError, CacheUnavailable):  # the counter is gone, or the cache: nothing moves
                return 0
            taken = count
            if left < 0:
                cache.incr(key, -left)
                taken += left
            if taken > 0:
                Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + taken)
    except DatabaseError:
        if taken > 0:
            cache.incr(key, taken)
        raise
    if taken > 0:
        article.view_count += taken
    return max(taken, 0)


def flush_view_counts() -> int:
    """Move every article's pending views into the database; returns the number of views moved."""
    articles = {article.pk: article for article in Article.objects.only("pk", "view_count")}
    pending = cache.get_many([_pending_key(pk) for pk in articles])
    moved = 0
    for pk, article in articles.items():
        moved += _flush(article, pending.get(_pending_key(pk)) or 0)
    return moved
