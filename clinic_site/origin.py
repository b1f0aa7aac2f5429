"""Cross-site request protection for the anonymous forms on cached pages.

Django's CSRF token must be in the page, which would make every reader's copy of a page different
and the page impossible to cache. The forms on the article page (like a comment, like an article,
post a comment) and the inquiry form change nothing that belongs to the person sending them (they
add a like, a comment that waits for moderation, a new inquiry, and act for no signed-in person),
and their views check instead what the browser says about where a request comes from:
``Sec-Fetch-Site`` (sent by every current browser), else ``Origin``. A request that carries neither
did not come from a browser, so it cannot be a forged cross-site request. This is the check Go's
``http.CrossOriginProtection`` makes.

Every other form on the site (the admin, the secure replies among them) keeps Django's CSRF
token. The admin also refuses every cross-site request but a top-level GET navigation
(``clinic_site.middleware.AdminRequestGuardMiddleware``), with the same reading of the headers.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def is_cross_site(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


def is_top_level_navigation(request) -> bool:
    """A GET the browser makes to show a page in its window: a link followed, an address typed."""
    return (
        request.method in ("GET", "HEAD")
        and request.headers.get("Sec-Fetch-Mode") == "navigate"
        and request.headers.get("Sec-Fetch-Dest") == "document"
    )


def is_cross_site_unless_navigation(request) -> bool:
    """Cross-site, and not a page opened from a link on another site (the admin's rule)."""
    return is_cross_site(request) and not is_top_level_navigation(request)


def same_origin_only(view):
    """Refuse (403) an unsafe request that a browser says came from another site."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in SAFE_METHODS and is_cross_site(request):
            raise PermissionDenied("Cross-site request refused.")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
