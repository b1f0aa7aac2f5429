"""Which language a page is in, and where the same page is in the other languages.

Public pages: the URL says it. English keeps the unprefixed URLs, every other language of
``LANGUAGES`` has its prefix (``/es/``), through ``i18n_patterns`` and Django's ``LocaleMiddleware``.
Nothing else (no cookie, no session, no header) changes the language of a public URL, so a cached page
is the same for every reader of that URL. The one exception is a first visit to the home page: a
browser that asks for Spanish first and comes from outside the site is sent to ``/es/``
(``first_visit_language``); coming back to ``/`` from one of our own pages (the switcher's "English")
keeps English.

The admin: each staff member's own preference (``StaffLanguage``), else what their browser asks for
(``StaffLanguageMiddleware``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

from .siteurl import absolute_url


def language_name(code: str) -> str:
    """A language as its own speakers write it ("Español"), as the switcher shows it."""
    return dict(settings.LANGUAGES)[code]


def other_languages(current: str | None = None) -> list[str]:
    current = current or translation.get_language()
    return [code for code, _name in settings.LANGUAGES if code != current]


def _from_our_site(request) -> bool:
    referer = request.headers.get("Referer", "")
    return bool(referer) and urlsplit(referer).netloc == request.get_host()


def first_visit_language(request) -> str | None:
    """For a GET of the English home page: the language to send this browser to instead, if any.

    Only a browser arriving from elsewhere (a bookmark, a search engine, a typed address) that ranks a
    language of ours above English; a reader who chose English on our switcher came from our own page.
    """
    english_page = translation.get_language() == settings.LANGUAGE_CODE
    if request.method not in ("GET", "HEAD") or not english_page:
        return None
    return language_to_send_to(request)


def language_to_send_to(request) -> str | None:
    """The language a first visit to the English home page is sent to: ``first_visit_language``
    without its check of the page (blog.pagecache.SharedPageMiddleware asks before any is active)."""
    if _from_our_site(request):
        return None
    preferred = translation.get_language_from_request(request, check_path=False)
    return preferred if preferred != settings.LANGUAGE_CODE else None


def home_url(language: str) -> str:
    with translation.override(language):
        return reverse("home")


def page_in(request, language: str) -> str:
    """This page's path in ``language``, for the switcher: its query string is kept (a search, a page
    of comments), an emailed link's token too. That page already holds the token (in its address
    and its button's form), it is never cached or indexed, and its Referrer-Policy keeps the token
    on our origin; without it, the switch said the link was broken."""
    query = request.GET.urlencode()
    path = translate_url(request.path, language)
    return f"{path}?{query}" if query else path


def alternates(request, versions: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """``(hreflang, absolute URL)`` for every language this page exists in, and ``x-default`` (the
    English one). ``versions`` (language to path) is given by a page whose versions are not simply
    its URL under another prefix (an article and its translation); otherwise every language has one."""
    if versions is None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return []
        versions = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    links = [(code, absolute_url(path)) for code, path in versions.items()]
    if settings.LANGUAGE_CODE in versions:
        links.append(("x-default", absolute_url(versions[settings.LANGUAGE_CODE])))
    return links


def staff_language(user) -> str | None:
    """The language a staff member chose for the admin, if they chose one."""
    if not (user.is_authenticated and user.is_staff):
        return None
    preference = getattr(user, "language_preference", None)
    return preference.language if preference is not None else None


class StaffLanguageMiddleware:
    """Under the admin (``ADMIN_PATH_PREFIXES``), the staff member's language: theirs if they chose
    one (their account's "Language" page), else the first of ours their browser asks for. After
    ``AuthenticationMiddleware``; LocaleMiddleware has set English for these unprefixed URLs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(tuple(settings.ADMIN_PATH_PREFIXES)):
            language = staff_language(request.user) or translation.get_language_from_request(
                request, check_path=False
            )
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
