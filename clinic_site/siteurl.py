"""Absolute URLs for everything that leaves the site: links in pages, feeds, sitemaps and emails.

They are built from ``SITE_URL`` alone, never from the request's Host header: a request cannot make
the site print another host or port into a page that other readers are then served from a cache.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (``/blog/...``) as a full URL on the site's public address."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def site_domain() -> str:
    """The host (and port, if any) of ``SITE_URL``, for frameworks that ask for a domain."""
    return urlsplit(settings.SITE_URL).netloc


def site_protocol() -> str:
    return urlsplit(settings.SITE_URL).scheme or "https"
