"""Whole-page cache for the public pages as readers with nothing personal see them.

Most readers arrive with no cookie of ours and all see the same page, so it is rendered once,
compressed once, and served from the cache until something on it changes. The pages keep nothing
personal for that to be safe: the article's forms carry no CSRF token (the anonymous POST views check
the request's origin instead, see ``clinic_site.origin``) and the time trap lives in the page-shown
cookie set on the response (``clinic_site.antispam``), not in the HTML; a response that used a CSRF
token or set a cookie is never stored.

The article page has a view of its own (it counts views); every other public page a reader can reach
without a session (home, blog list and its pages, conditions, team, locations, privacy, the feed,
the sitemap) goes through ``serve``. A reader with a session, a flash message or a commenter's
cookie (a confirmed address, a comment they may still change), or a URL with a query string other
than a list's page number, an article's page of comments or the blog list's search, gets the page
rendered for them; the like cookie alone changes only the article page's like section (``blog.views``).

A search of the blog list (``?q=``, ``?condition=``, with its page number) is shared too, by every
reader who asks the same, but its words are the reader's own and may name their condition: the key
holds a keyed hash of the query string, not the words, and the stored page holds no trace of them.
Wherever the page shows them, in its text or in its links, the page is stored with a placeholder
(``_masked``), and each reader's words are put back when it is served (``_unmasked``). The same
words make the same key, so the page each reader gets is exactly the page rendered for them.

The key holds two generations (clinic_site.generations): the site's, retired by the signals below
whenever an article, its references, a condition, clinician, location, opening hours or the
practice's record change (any page may show them), and, for an article, its own, retired by an
explicit call after a like or a comment change on that article only. The pages also expire after
``BLOG_PAGE_CACHE_SECONDS`` (the view count stays fresh, a scheduled article appears). The key never
depends on the request's host: every absolute URL in the page comes from ``SITE_URL``; it holds the
page's language, which its URL names (clinic_site.i18n).
"""

import functools
import gzip
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac

from clinic_site import antispam, generations, i18n
from clinic_site.models import Clinician, Location, OpeningHours, Practice

from .browser import COOKIE_NAME as BROWSER_COOKIE
from .models import Article, Condition, Reference

SITE_SCOPE = "pages"


@dataclass(frozen=True)
class CachedPage:
    content_type: str
    gzipped: bytes  # the body is kept compressed only: nearly every browser accepts gzip
    # What the view set besides the body (the sitemap's X-Robots-Tag).
    headers: tuple[tuple[str, str], ...] = ()
    article_id: int | None = None
    # A search's page: the reader's words are masked in the body (``_masked``).
    masked: bool = False
    # The article page as browsers with personal parts see it, compressed too, by (liked, reply
    # emails offered): made with the shared page, once (see ``personalised``).
    variants: dict[tuple[bool, bool], bytes] = field(default_factory=dict, hash=False)


# Where the article page's personal parts are (templates/blog/article_detail.html, _comment_form.html).
LIKE_START, LIKE_END = "<!--like-->", "<!--/like-->"
REPLY_EMAILS = "<!--reply-emails-->"


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


def _cookies_held(request) -> set[str]:
    """The cookies the request carries with a value (an emptied one, like a read flash message, is none)."""
    return {name for name, value in request.COOKIES.items() if value}


def _swapped_cookies() -> set[str]:
    """Cookies whose only mark on the article page is one of its personal parts: a reader with them
    gets the shared page with those parts swapped (``personalised``), not a page of their own."""
    from blog.comments import verification

    return {BROWSER_COOKIE, verification.COOKIE_NAME}


def _gets_shared_page(request, *, harmless_cookies: set[str], shared_query: re.Pattern) -> bool:
    """Whether this request gets the page every reader with nothing personal gets: a GET or HEAD,
    no query string but one ``shared_query`` matches, and no personal cookie but ``harmless_cookies``."""
    query = request.META.get("QUERY_STRING", "")
    return (
        request.method in ("GET", "HEAD")
        and (not query or shared_query.fullmatch(query) is not None)
        and not (_personal_cookies() - harmless_cookies).intersection(_cookies_held(request))
    )


def is_cacheable_request(request) -> bool:
    """Whether this request gets the shared article page (with its personal parts swapped): its
    first page of comments, or another page of them (``?cpage=N``, the newest first)."""
    from blog.comments.threads import SHARED_PAGE_QUERY

    return _gets_shared_page(request, harmless_cookies=_swapped_cookies(), shared_query=SHARED_PAGE_QUERY)


# A list's page number, the one query string a shared page may have (?page=2; ?page=1 is page 1).
_PAGE_NUMBER = re.compile(r"page=([1-9][0-9]{0,5})")


def shared_page_key(request) -> str | None:
    """The key of the page this request would get like every reader with nothing personal, or None.

    The like cookie changes nothing outside the article page, so it does not count here."""
    if not _gets_shared_page(request, harmless_cookies={BROWSER_COOKIE}, shared_query=_PAGE_NUMBER):
        return None
    query = request.META.get("QUERY_STRING", "")
    gens = generations.current(SITE_SCOPE)
    # request.path names the language (/es/...); the key is never longer than a URL we answer.
    return f"page:{gens}:{request.path}?{query}"[:400]


# The blog list's search: its words, a condition and the page number, in any order.
SEARCH_QUERY = re.compile(r"(?:q|condition|page)=[^&]*(?:&(?:q|condition|page)=[^&]*)*")


def search_page_key(request) -> str | None:
    """The key of a search's page as every reader with nothing personal who asks the same gets it,
    or None. It holds a keyed hash of the query string (the reader's words stay out of the cache).
    A query string naming a parameter twice (made by hand: the form never does) is not shared: the
    view reads one value of each, so only that one would be masked."""
    if not _gets_shared_page(request, harmless_cookies={BROWSER_COOKIE}, shared_query=SEARCH_QUERY):
        return None
    if any(len(values) > 1 for _name, values in request.GET.lists()):
        return None
    digest = salted_hmac("blog.pagecache.search", request.META.get("QUERY_STRING", "")).hexdigest()
    return f"search:{generations.current(SITE_SCOPE)}:{request.path}:{digest}"


def serve(
    request, render: Callable[[], HttpResponse], *, reader_words: tuple[str, ...] | None = None
) -> HttpResponse:
    """The shared page from the cache, or ``render()``'s response, stored for the next reader.

    ``reader_words``: for a page that answers a search (the blog list), every form in which this
    request's words appear in the page (escaped in its text, encoded in its links); the search's
    page is then shared under ``search_page_key`` with those forms masked."""
    if not settings.BLOG_PAGE_CACHE_SECONDS:
        return render()
    key, words = shared_page_key(request), ()
    if key is None and reader_words is not None:
        key, words = search_page_key(request), tuple(word for word in reader_words if word)
    if key is None:
        return render()
    page = get(key)
    if page is not None:
        response = respond(page, request, words=words)
        if not words:
            response.door = Door(key, (SITE_SCOPE,))  # SharedPageMiddleware answers it next time
        return response
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    # A page that used a CSRF token holds one reader's token: never shared.
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        store(key, response, masked_words=words)
    return response


@dataclass(frozen=True)
class Door:
    """What ``SharedPageMiddleware`` needs to answer a page its view answered from the cache: the
    page's key, the generation scopes in it and their generations then, the article whose views it
    counts (the article page), and whether the view sends a first visit that prefers another language
    elsewhere (the English home page, ``clinic_site.i18n.first_visit_language``)."""

    key: str
    scopes: tuple[str, ...]
    article_id: int | None = None
    language_redirect: bool = False

    @property
    def generations(self) -> str:
        # Every key is "<kind>:<generations>:...", and a generation holds no colon.
        return self.key.split(":", 2)[1]


def _door_key(request) -> str:
    # Hashed: a key cut to a length could name two addresses.
    address = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
    return "door:" + hashlib.sha256(address.encode()).hexdigest()


# Set per response by whoever answers: never replayed from a stored page's headers.
_NOT_KEPT = {"content-length", "content-encoding", "set-cookie", "date"}
PAGE_SHOWN = antispam.PAGE_SHOWN_COOKIE


class SharedPageMiddleware:
    """A shared page for a reader with no cookie of ours that changes it, answered before the
    middleware that has nothing to do for them (sessions, CSRF, authentication, messages...).

    Served so, the team page ran at about 2,600 requests a second instead of 1,800 on the benchmark
    machine (README.md, Performance). The first time its view answers a GET from the cache
    (``serve``, the article page; not a search with words, nor a page with personal parts swapped
    in), this keeps, under its path and query string, the page's key (``Door``) and
    what the rest of the stack added to it (the content security policy, X-Frame-Options,
    Content-Language, Vary). A later request for that path gets the same page with the same headers,
    as long as its generations are still current (and, on the English home page, unless the
    browser's first visit would be sent to its language); a page-shown cookie (the inquiry form's and the
    comment form's time trap) is made anew, and an article's view is counted, as its view would.
    Otherwise the request goes through the whole stack. It sits after SecurityMiddleware (the HTTPS
    redirect, HSTS) and WhiteNoise, and checks the Host header as CommonMiddleware would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answers = (
            settings.BLOG_PAGE_CACHE_SECONDS
            and request.method == "GET"  # a view may refuse HEAD (the inquiry form answers 405)
            and not (_personal_cookies() & _cookies_held(request))
        )
        door_key = _door_key(request) if answers else ""
        if answers:
            response = self.answer(request, door_key)
            if response is not None:
                return response
        response = self.get_response(request)
        door = getattr(response, "door", None)
        # The one cookie a shared page may come with says when it was shown, made for each reader.
        cookies = set(response.cookies)
        if answers and door is not None and response.status_code == 200 and cookies <= {PAGE_SHOWN}:
            headers = tuple(
                (name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT
            )
            entry = (door, headers, bool(cookies))
            cache.set(door_key, entry, settings.BLOG_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def answer(request, door_key: str) -> HttpResponse | None:
        entry = cache.get(door_key)
        if entry is None:
            return None
        door, headers, page_shown = entry
        if door.language_redirect and i18n.language_to_send_to(request) is not None:
            return None
        if generations.current(*door.scopes) != door.generations:
            return None
        page = get(door.key)
        if page is None:
            return None
        request.get_host()  # an unknown host is refused (400), as for every other request
        response = respond(page, request)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(response.content))
        if page_shown:
            antispam.remember_page_shown(response)
        if door.article_id is not None:
            from . import services

            request.user = AnonymousUser()  # no session cookie: nobody signed in
            services.record_cached_view(door.article_id, request)
        return response


def shared(view):
    """``serve`` as a view decorator (the feed, the sitemap)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return serve(request, lambda: view(request, *args, **kwargs))

    return wrapper


class SharedPageMixin:
    """For a class-based view whose GET is a shared public page (``serve``). A view whose page
    answers a search says where the reader's words show in it (``reader_words``)."""

    def reader_words(self) -> tuple[str, ...] | None:
        return None

    def get(self, request, *args, **kwargs):
        return serve(
            request,
            lambda: super(SharedPageMixin, self).get(request, *args, **kwargs),
            reader_words=self.reader_words(),
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


def key_for(slug: str, query: str = "") -> str:
    """The page's key under the current generations; read it before rendering, store under it after.
    The page's language is part of it: /blog/<slug>/ and /es/blog/<slug>/ are two pages; so is its
    page of comments (``query``, as ``is_cacheable_request`` lets it through)."""
    gens = generations.current(SITE_SCOPE, article_scope(slug))
    # "article:" since the page has its personal variants (an older entry has a shape of its own).
    return f"article:{gens}:{translation.get_language()}:{slug}?{query}"


def article_door(slug: str, key: str, article_id: int) -> Door:
    """The article page under ``key`` (``key_for``) for SharedPageMiddleware, which counts its views."""
    return Door(key, (SITE_SCOPE, article_scope(slug)), article_id)


def get(key: str) -> CachedPage | None:
    if not settings.BLOG_PAGE_CACHE_SECONDS:
        return None
    return cache.get(key)


# Headers a stored page keeps: what a view may set on its own (the rest come from the middleware on
# every response, cached or not).
_KEPT_HEADERS = ("X-Robots-Tag", "Last-Modified")


def _compressed(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=6, mtime=0)


def _swapped(html: str, *, liked_section: str, reply_emails_field: str) -> str:
    if liked_section:
        before, found, rest = html.partition(LIKE_START)
        if found:
            html = before + LIKE_START + liked_section + LIKE_END + rest.partition(LIKE_END)[2]
    if reply_emails_field:
        html = html.replace(REPLY_EMAILS, reply_emails_field, 1)
    return html


# Characters that stand for a reader's words in a stored search page: Unicode's private use area,
# which no page of ours holds (a page that does is not stored).
_MASKS = tuple(chr(0xE000 + index) for index in range(8))


def _masked(html: str, words: tuple[str, ...]) -> str | None:
    """``html`` with each of ``words`` (a form of the reader's words) replaced by a mask of its own,
    or None when it cannot be: too many forms, or a mask already in the page or the words. Undone
    exactly by ``_unmasked`` with the same words: each mask stood only where its form was."""
    masks = _MASKS[: len(words)]
    if len(words) > len(_MASKS) or any(mask in text for mask in masks for text in (html, *words)):
        return None
    for word, mask in zip(words, masks, strict=True):
        html = html.replace(word, mask)
    return html


def _unmasked(html: str, words: tuple[str, ...]) -> str:
    for word, mask in reversed(tuple(zip(words, _MASKS, strict=False))):
        html = html.replace(mask, word)
    return html


def make_page(
    response,
    *,
    article_id=None,
    liked_section: str = "",
    reply_emails_field: str = "",
    masked_words: tuple[str, ...] = (),
) -> CachedPage | None:
    """``response`` as a CachedPage; for the article page, also its variants with the personal parts
    swapped in (``liked_section``, ``reply_emails_field``: those parts as such a browser sees them);
    for a search's page, its body with ``masked_words`` masked (None if they cannot be)."""
    content = response.content
    if masked_words:
        masked = _masked(content.decode(), masked_words)
        if masked is None:
            return None
        content = masked.encode()
    variants = {}
    if liked_section or reply_emails_field:
        html = response.content.decode()
        for liked, reply_emails in ((True, False), (False, True), (True, True)):
            swapped = _swapped(
                html,
                liked_section=liked_section if liked else "",
                reply_emails_field=reply_emails_field if reply_emails else "",
            )
            variants[liked, reply_emails] = _compressed(swapped.encode())
    return CachedPage(
        content_type=response["Content-Type"],
        gzipped=_compressed(content),
        headers=tuple((name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)),
        article_id=article_id,
        masked=bool(masked_words),
        variants=variants,
    )


def store(key: str, response, **parts) -> CachedPage | None:
    """Keep ``response`` under ``key`` if it is a 200 that sets no cookie, and return it as a
    CachedPage (whether kept or not) when it is a 200; ``parts`` go to ``make_page`` (a search's
    page whose words cannot be masked is neither kept nor returned)."""
    if response.status_code != 200 or response.streaming or response.has_header("Content-Encoding"):
        return None
    page = make_page(response, **parts)
    if page is not None and settings.BLOG_PAGE_CACHE_SECONDS and not response.cookies:
        cache.set(key, page, settings.BLOG_PAGE_CACHE_SECONDS)
    return page


def personalised(page: CachedPage, request, *, liked: bool, reply_emails: bool) -> HttpResponse:
    """The shared article page for this browser: its like section as a browser that liked it sees
    it, the box to hear of replies where it confirmed an address; each variant made and compressed
    once, with the shared page."""
    body = page.variants.get((liked, reply_emails)) if liked or reply_emails else None
    return respond(page, request, body=body)


def respond(
    page: CachedPage, request, body: bytes | None = None, words: tuple[str, ...] = ()
) -> HttpResponse:
    """The cached page (or ``body``, one of its variants), compressed when the browser accepts it;
    a search's page with this reader's ``words`` put back where they were masked."""
    body = body or page.gzipped
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    if page.masked:
        # The key held the same query string, so ``words`` are the ones masked, in the same order.
        content = _unmasked(gzip.decompress(body).decode(), words).encode()
        body = _compressed(content) if accepts_gzip else content
    elif not accepts_gzip:
        body = gzip.decompress(body)
    response = HttpResponse(body, content_type=page.content_type)
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    for name, value in page.headers:
        response[name] = value
    patch_vary_headers(response, ["Accept-Encoding", "Cookie"])
    return response
