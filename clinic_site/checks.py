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
