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
