"""Django's error reports (the debug page, error emails) without the site's bearer secrets.

A signed link carries its token in the query string (``?token=...``: the inquiry's secure link, the
comment confirmation, edit and unsubscribe links), and the open inquiry thread, the confirmed
commenter and the comments a browser may change are cookies; each opens something for whoever holds
it. Django's report shows the query string three times (the URL, the GET items, the
``QUERY_STRING`` of META) and every cookie whose name does not look secret, so these two classes
(``DEFAULT_EXCEPTION_REPORTER`` and ``DEFAULT_EXCEPTION_REPORTER_FILTER``) mask them. A token
posted in a form is masked by the views' ``sensitive_post_parameters``.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .capabilities import TOKEN_PARAMETERS

HIDDEN_QUERY_PARAMETERS = TOKEN_PARAMETERS
# The secure thread's in each language (inquiries.secure_links.cookies), the commenter's.
HIDDEN_COOKIES = frozenset({"inquiry_thread", "inquiry_thread_es", "verified_commenter", "comment_author"})
SUBSTITUTE = SafeExceptionReporterFilter.cleansed_substitute


def hide_in_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(key, SUBSTITUTE if key in HIDDEN_QUERY_PARAMETERS else value) for key, value in pairs]
    return urlencode(masked, safe="*")


def hide_in_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=hide_in_query(parts.query))) if parts.query else url


class TokenHidingReporterFilter(SafeExceptionReporterFilter):
    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if meta.get("QUERY_STRING"):
            meta["QUERY_STRING"] = hide_in_query(meta["QUERY_STRING"])
        if meta.get("HTTP_REFERER"):  # the page with the link's token posts its own form
            meta["HTTP_REFERER"] = hide_in_url(meta["HTTP_REFERER"])
        return meta

    def cleanse_special_types(self, request, value):
        if isinstance(value, HttpRequest):  # its repr is the full path, query string included
            return f"<{type(value).__name__}: {value.method} {hide_in_url(value.get_full_path())!r}>"
        return super().cleanse_special_types(request, value)

    def get_safe_cookies(self, request):
        cookies = super().get_safe_cookies(request)
        return {name: SUBSTITUTE if name in HIDDEN_COOKIES else value for name, value in cookies.items()}


class TokenHidingExceptionReporter(ExceptionReporter):
    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [
                (key, SUBSTITUTE if key in HIDDEN_QUERY_PARAMETERS else value)
                for key, value in self.request.GET.items()
            ]
            data["request_insecure_uri"] = hide_in_url(data.get("request_insecure_uri") or "")
        return data
