"""Headers for every response and by where a request goes, and the admin's request rules (settings)."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

from .origin import SAFE_METHODS, is_cross_site_unless_navigation


def _under(request, prefixes) -> bool:
    return request.path_info.startswith(tuple(prefixes))


def _view_name(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else None


class SiteHeadersMiddleware:
    """Headers every response gets, static files and cached pages included (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


class AdminRequestGuardMiddleware:
    """The admin answers only what a page of its own asked for, and no GET changes anything there.

    Under ``ADMIN_PATH_PREFIXES``, a request the browser marks as coming from another site is
    refused (403) unless it is a top-level GET navigation, so a link in a staff email still opens
    its page while another site can neither post to the admin nor load it in a frame, an image or a
    script. The views in ``ADMIN_POST_ONLY_VIEWS`` act on a GET in the library that provides them;
    here they answer 405 to GET and HEAD, so no link, prefetch or crawler can set them off.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _under(request, settings.ADMIN_PATH_PREFIXES) and is_cross_site_unless_navigation(request):
            raise PermissionDenied("Cross-site request to the admin refused.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS and _view_name(request) in settings.ADMIN_POST_ONLY_VIEWS:
            return HttpResponseNotAllowed(["POST"])
        return None


def _relaxed(request) -> bool:
    return _view_name(request) in settings.CSP_RELAXED_VIEW_NAMES


class PathAwareCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the pages that load the editor on a relaxed policy.

    The views named in ``CSP_RELAXED_VIEW_NAMES`` get the directives in ``CSP_RELAXED_DIRECTIVES``
    in place of the site's; every other response, the rest of the admin included, gets
    ``CONTENT_SECURITY_POLICY`` unchanged.
    """

    # What a view or a decorator can set on a response to change its policy (django-csp's names).
    RESPONSE_OVERRIDES = (
        "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
        "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
    )  # fmt: skip

    def __init__(self, get_response):
        super().__init__(get_response)
        self._headers_by_kind = {}

    def process_response(self, request, response):
        """Most responses get one of two fixed policies: build each once, not on every request."""
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self.RESPONSE_OVERRIDES)
            or (settings.DEBUG and response.status_code in (404, 500))  # Django's debug pages
        ):
            return super().process_response(request, response)
        kind = (
            _relaxed(request),
            # Settings objects, so a test (or a reload) that swaps a policy gets it built again.
            id(settings.CONTENT_SECURITY_POLICY),
            id(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)),
            id(settings.CSP_RELAXED_DIRECTIVES),
        )
        headers = self._headers_by_kind.get(kind)
        if headers is None:
            probe = super().process_response(request, HttpResponse())
            headers = {name: probe[name] for name in (HEADER, HEADER_REPORT_ONLY) if name in probe}
            self._headers_by_kind[kind] = headers
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and _relaxed(request):
            parts.replace = {**settings.CSP_RELAXED_DIRECTIVES, **(parts.replace or {})}
            # A nonce next to 'unsafe-inline' would make browsers ignore 'unsafe-inline'.
            parts.nonce = None
        return parts


class NoStoreMiddleware:
    """Tell browsers and shared caches never to keep pages under ``NO_STORE_PATH_PREFIXES``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _under(request, settings.NO_STORE_PATH_PREFIXES):
            add_never_cache_headers(response)
        return response


class RejectNullBytesMiddleware:
    """Answer 400 to a query string holding a NUL character, before any view searches with it.

    PostgreSQL refuses NUL in text, so ``?q=%00`` or ``?condition=%00`` would otherwise end in a
    500 on every page that looks a parameter up. Form fields already refuse NUL on their own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the query string.")
        return self.get_response(request)
