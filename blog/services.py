"""The blog's rules for counting readers' views (likes are blog.likes).

View counts are first-party and cheap. A page view stores nothing about the reader (no IP address,
nothing that identifies them) and does not touch the article's row: it increments a counter in the
cache, and the pending count reaches the database in one ``F()`` UPDATE every
``BLOG_VIEW_FLUSH_EVERY`` views, or when ``manage.py flush_view_counts`` runs. A cache restart can
lose at most the pending views, which is an acceptable price for a visitor counter.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import F

from .models import Article

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
    _count_view(article)
    return True


def record_cached_view(article_pk: int, request) -> bool:
    """The same for a page served from the page cache, which holds public articles only."""
    if not is_reader_request(request):
        return False
    _count_view(Article(pk=article_pk))
    return True


def _count_view(article: Article) -> None:
    key = _pending_key(article.pk)
    try:
        pending = cache.incr(key)  # one cache round trip for nearly every view
    except ValueError:  # the first pending view (or the counter was evicted)
        pending = 1 if cache.add(key, 1, timeout=None) else cache.incr(key)
    # Each incr() returns a distinct value, so exactly one request sees the threshold and flushes.
    if pending == settings.BLOG_VIEW_FLUSH_EVERY:
        _flush(article, pending)


def pending_views(article: Article) -> int:
    return max(0, cache.get(_pending_key(article.pk)) or 0)


def displayed_view_count(article: Article) -> int:
    """The count readers see: what the database holds plus what waits in the cache."""
    return article.view_count + pending_views(article)


def _flush(article: Article, count: int) -> int:
    """Move up to ``count`` pending views into the database; returns how many moved.

    ``decr`` is relative, so views counted meanwhile stay pending. If another flush took some of
    the same views first, the counter goes below zero: give that part back and move only the rest.
    """
    if count <= 0:
        return 0
    key = _pending_key(article.pk)
    try:
        left = cache.decr(key, count)
    except ValueError:  # the counter is gone: nothing to move
        return 0
    if left < 0:
        cache.incr(key, -left)
        count += left
    if count > 0:
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + count)
        article.view_count += count
    return max(count, 0)


def flush_view_counts() -> int:
    """Move every article's pending views into the database; returns the number of views moved."""
    articles = {article.pk: article for article in Article.objects.only("pk", "view_count")}
    pending = cache.get_many([_pending_key(pk) for pk in articles])
    moved = 0
    for pk, article in articles.items():
        moved += _flush(article, pending.get(_pending_key(pk)) or 0)
    return moved
