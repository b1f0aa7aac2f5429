"""Whole-page cache for the article page as anonymous readers see it.

Most readers arrive with no cookie of ours and all see the same page, so it is rendered once,
compressed once, and served from the cache until something on it changes. The page keeps nothing
personal for that to be safe: its forms carry no CSRF token (the anonymous POST views check the
request's origin instead, see ``blog.origin``) and the comment form's time trap lives in a cookie set
on the response, not in the HTML.

A reader with a session, a flash message or the like cookie, or a URL with a query string, gets the
page rendered for them. Any change to the blog's content bumps one version number, which retires
every cached page at once; the pages also expire after ``BLOG_PAGE_CACHE_SECONDS`` so the view count
shown stays fresh.
"""

import gzip
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from clinic_site.models import Clinician, Location

from .browser import COOKIE_NAME as BROWSER_COOKIE
from .models import Article, Condition

VERSION_KEY = "blog:pages:version"


@dataclass(frozen=True)
class CachedPage:
    article_id: int
    content_type: str
    gzipped: bytes  # the body is kept compressed only: nearly every browser accepts gzip


def _personal_cookies() -> set[str]:
    return {settings.SESSION_COOKIE_NAME, "messages", BROWSER_COOKIE}


def is_cacheable_request(request) -> bool:
    """Whether this request would get the page every anonymous reader gets."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not _personal_cookies().intersection(request.COOKIES)
    )


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def invalidate_pages(**kwargs) -> None:
    """Retire every cached page (connected to the signals of whatever a page shows)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


# Whatever an article page shows: the article, its people and conditions, the footer's locations.
# Comments and likes are not here: every change to them already goes through
# threads.invalidate_thread (comments, comment likes) or services.like_article, which retire the
# pages after the counters are updated, not before.
for _model in (Article, Condition, Clinician, Location):
    post_save.connect(invalidate_pages, sender=_model, dispatch_uid=f"pagecache.save.{_model.__name__}")
    post_delete.connect(invalidate_pages, sender=_model, dispatch_uid=f"pagecache.delete.{_model.__name__}")
m2m_changed.connect(invalidate_pages, sender=Article.conditions.through, dispatch_uid="pagecache.m2m")


def _key(slug: str) -> str:
    return f"blog:page:{_version()}:{slug}"


def get(slug: str) -> CachedPage | None:
    if not settings.BLOG_PAGE_CACHE_SECONDS:
        return None
    return cache.get(_key(slug))


def store(slug: str, article_id: int, response) -> None:
    if not settings.BLOG_PAGE_CACHE_SECONDS or response.status_code != 200 or response.cookies:
        return
    page = CachedPage(
        article_id=article_id,
        content_type=response["Content-Type"],
        gzipped=gzip.compress(response.content, compresslevel=6, mtime=0),
    )
    cache.set(_key(slug), page, settings.BLOG_PAGE_CACHE_SECONDS)


def respond(page: CachedPage, request) -> HttpResponse:
    """The cached page, compressed when the browser accepts it."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(page.gzipped, content_type=page.content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(page.gzipped), content_type=page.content_type)
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return response
