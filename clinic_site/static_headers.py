"""Headers for static files that WhiteNoise adds (``WHITENOISE_ADD_HEADERS_FUNCTION``).

Imported by the settings, so it imports nothing of Django's.
"""

DOCUMENT_SUFFIXES = (".html", ".htm", ".xhtml", ".svg")


def static_file_headers(headers, path: str, url: str) -> None:
    """A document among the static files gets no power of its own.

    No HTML is collected (``clinic_site.staticfinders`` leaves it out); should a document
    be served anyway, it runs no script, loads nothing and cannot be framed.
    """
    if url.lower().endswith(DOCUMENT_SUFFIXES):
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        headers["X-Frame-Options"] = "DENY"
