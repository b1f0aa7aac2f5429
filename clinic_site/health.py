"""What the site says when a service it depends on is not there.

- ``/healthz`` for a load balancer: 200 while the database answers, 503 when it does not. A cache
  outage is named in the body but keeps 200: the site serves pages uncached and takes posts without
  it. The body holds one word per service and nothing else (no versions, hosts or timings).
- A request whose view meets a database that is down or too slow gets the site's own 503 page, which
  renders without the database, and says that what was sent was not saved.

Each failure is logged at most once a minute per process.
"""

import logging
import time

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("clinic_site.health")

HEALTHZ_PATH = "/healthz"
LOG_EVERY_SECONDS = 60
RETRY_AFTER_SECONDS = 30


class _OncePerMinute:
    def __init__(self):
        self.logged_at = -LOG_EVERY_SECONDS

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self.logged_at < LOG_EVERY_SECONDS:
            return False
        self.logged_at = now
        return True


_log_database_down = _OncePerMinute()


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def cache_answers() -> bool:
    """Whether the shared cache took a write and gave it back (a cache outage is never an error here)."""
    try:
        cache.set("healthz:probe", 1, 30)
        # clinic_site.cache.RedisCache turns an outage into misses, and says so in ``available``.
        return cache.get("healthz:probe") == 1 and getattr(cache, "available", True)
    except Exception:  # any other backend's failure is just as much "unreachable"
        return False


def healthz() -> HttpResponse:
    database = database_answers()
    if not database and _log_database_down():
        logger.error("Health check: the database does not answer (logged at most once a minute).")
    body = "database: {}\ncache: {}\n".format(
        "ok" if database else "unreachable", "ok" if cache_answers() else "unreachable"
    )
    response = HttpResponse(body, status=200 if database else 503, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    # A probe every few seconds must not fill the log: Django's request logger skips a response
    # marked as logged (gunicorn.conf.py leaves the path out of the access log).
    response._has_been_logged = True
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` before anything else runs (second in MIDDLEWARE).

    A load balancer probes each app server by its address, over plain HTTP: here no Host header is
    checked against ALLOWED_HOSTS, there is no redirect to HTTPS, no session, no rate limit. That is
    safe because the answer is the same for everyone and holds nothing from the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            return healthz()
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that meets a database that is down or past its time limit: the site's 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if _log_database_down():
            logger.error(
                "The database did not answer (%s); requests get the 503 page. Logged at most once a minute.",
                type(exception.__cause__ or exception).__name__,
            )
        # Static on purpose, like the 500 page: no request context, no context processor, no query.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        response._has_been_logged = True
        return response
