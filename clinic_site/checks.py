"""Start-up checks about the configuration that settings.py cannot raise as errors itself."""

from django.conf import settings
from django.core import checks


@checks.register()
def check_old_env_names(app_configs=None, **kwargs):
    """A variable set under a name renamed in this release still works, but not after the next one."""
    return [
        checks.Warning(
            f"The environment variable {old} is now called {new}.",
            hint=f"Rename it to {new}. Until then {old} is read when {new} is not set; "
            "the next release reads only the new name.",
            id="clinic_site.W001",
        )
        for old, new in settings.OLD_ENV_NAMES_SET
    ]


@checks.register()
def check_no_trusted_proxy_count(app_configs=None, **kwargs):
    """The proxy count is gone: a wrong count either believed forged addresses or merged all clients."""
    if not settings.TRUSTED_PROXY_COUNT_SET:
        return []
    return [
        checks.Error(
            "DJANGO_TRUSTED_PROXY_COUNT is no longer read: the site does not start while it is set.",
            hint="Remove it and list the proxies in front of the site by address or CIDR range in "
            "DJANGO_TRUSTED_PROXIES instead (nginx on the same machine: DJANGO_TRUSTED_PROXIES=127.0.0.1). "
            "See README.md, Production.",
            id="clinic_site.E001",
        )
    ]


PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches)
def check_one_cache_for_all_workers(app_configs=None, **kwargs):
    """Several gunicorn workers with a cache each would keep several truths: rate limits multiplied,
    a moderated comment still served by another worker, view counts lost. Refused without DEBUG.

    The worker count is ``WEB_WORKERS``: gunicorn.conf.py sets it from gunicorn's own ``--workers``
    when gunicorn starts (and runs these checks then); ``manage.py check`` reads WEB_CONCURRENCY.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or settings.WEB_WORKERS <= 1 or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            f"The cache is kept in each process ({backend.rsplit('.', 1)[-1]}), but {settings.WEB_WORKERS} "
            "gunicorn workers would serve the site.",
            hint="Leave CACHE_URL unset for the machine's file cache (var/cache, shared by every process "
            "on this machine), set CACHE_URL=redis://... (shared by several machines), or run one "
            "worker with threads (--workers 1 --threads 4). See README.md, Production.",
            id="clinic_site.E004",
        )
    ]


def describe_cache(*, workers: int, threads: int) -> str:
    """One line for the server's start: which cache the workers share, and what that allows."""
    cache = settings.CACHES["default"]
    backend = cache["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return (
            f"Cache: local memory in the one worker process ({threads} threads); nothing is shared with "
            "another process. Leave CACHE_URL unset for the machine's file cache, or set "
            "CACHE_URL=redis://... for several workers."
        )
    served_by = f"{workers} worker{'s' if workers != 1 else ''}"
    if backend == "clinic_site.cache.DiskCache":
        return (
            f"Cache: the machine's file cache in {cache['LOCATION']}, shared by the {served_by} on this "
            "machine; set CACHE_URL=redis://... for several machines."
        )
    name = backend.rsplit(".", 1)[-1]
    return f"Cache: {name} (CACHE_URL), shared by the {served_by} and by any other machine using it."
