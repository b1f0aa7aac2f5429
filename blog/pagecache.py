"""Whole-page cache for the article page as anonymous readers see it.

Most readers arrive with no cookie of ours and all see the same page, so it is rendered once,
compressed once, and served from the cache until something on it changes. The page keeps nothing
personal for that to be safe: its forms carry no CSRF token (the anonymous POST views check the
request's origin instead, see ``clinic_site.origin``) and the time trap lives in the page-shown cookie
set on the response (``clinic_site.antispam``), not in the HTML.

A reader with a session, a flash message, the like cookie or a commenter's cookie (a confirmed
address, a comment they may still change), or a URL with a query string (another page of comments
among them), gets the page rendered for them. The key holds two generations
(clinic_site.generations): the site's, retired by the signals below whenever an article, its
references, a condition, clinician, location, opening hours or the practice's record change (any
page may show them), and the article's own, retired by an explicit call after a like or a comment
change on that article only. The pages also expire after
``BLOG_PAGE_CACHE_SECONDS`` so the view count stays fresh. The key never depends on the request's
host: every absolute URL in the page comes from ``SITE_URL``; it holds the page's language, which
its URL names (clinic_site.i18n).
"""

import gzip
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from clinic_site import generations
from clinic_site.models import Clinician, Location, OpeningHours, Practice

from .browser import COOKIE_NAME as BROWSER_COOKIE
from .models import Article, Condition, Reference

SITE_SCOPE = "pages"


@dataclass(frozen=True)
class CachedPage:
    article_id: int
    content_type: str
    gzipped: bytes  # the body is kept compressed only: nearly every browser accepts gzip


def _personal_cookies() -> set[str]:
    # A commenter's cookies change what the comment section offers them: the reply-email checkbox
    # (a confirmed address) and the links to change their recent comments (comments.authorship).
    from blog.comments import authorship, verification

    return {
        settings.SESSION_COOKIE_NAME,
        "messages",
        BROWSER_COOKIE,
        verification.COOKIE_NAME,
        authorship.COOKIE_NAME,
    }


def is_cacheable_request(request) -> bool:
    """Whether this request would get the page every anonymous reader gets."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not _personal_cookies().intersection(request.COOKIES)
    )


def article_scope(slug: str) -> str:
    """The generation scope of one article's page, for callers that retire it with others at once."""
    return f"article-page:{slug}"


def retire_all(**kwargs) -> None:
    """Retire every cached page (connected to the signals of whatever any page shows)."""
    generations.retire(SITE_SCOPE)


def retire_article(slug: str) -> None:
    """Retire one article's cached page (a like, a comment change)."""
    generations.retire(article_scope(slug))


# Whatever an article page shows besides its likes and comments: the article, its references, the
# related and recent articles, its people (authors, reviewer) and conditions, the footer's locations
# and hours, the practice's name, logo and phone. Likes and comments have no signal: their one path
# (blog.likes, comments.moderation) retires only their own article's page.
for _model in (Article, Reference, Condition, Clinician, Location, OpeningHours, Practice):
    post_save.connect(retire_all, sender=_model, dispatch_uid=f"pagecache.save.{_model.__name__}")
    post_delete.connect(retire_all, sender=_model, dispatch_uid=f"pagecache.delete.{_model.__name__}")
m2m_changed.connect(retire_all, sender=Article.conditions.through, dispatch_uid="pagecache.m2m")


def key_for(slug: str) -> str:
    """The page's key under the current generations; read it before rendering, store under it after.
    The page's language is part of it: /blog/<slug>/ and /es/blog/<slug>/ are two pages."""
    gens = generations.current(SITE_SCOPE, article_scope(slug))
    return f"blog:page:{gens}:{translation.get_language()}:{slug}"


def get(key: str) -> CachedPage | None:
    if not settings.BLOG_PAGE_CACHE_SECONDS:
        return None
    return cache.get(key)


def store(key: str, article_id: int, response) -> None:
    if not settings.BLOG_PAGE_CACHE_SECONDS or response.status_code != 200 or response.cookies:
        return
    page = CachedPage(
        article_id=article_id,
        content_type=response["Content-Type"],
        gzipped=gzip.compress(response.content, compresslevel=6, mtime=0),
    )
    cache.set(key, page, settings.BLOG_PAGE_CACHE_SECONDS)


def respond(page: CachedPage, request) -> HttpResponse:
    """The cached page, compressed when the browser accepts it."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(page.gzipped, content_type=page.content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(page.gzipped), content_type=page.content_type)
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return response
