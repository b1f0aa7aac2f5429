from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicSiteConfig(AppConfig):
    name = "clinic_site"
    verbose_name = _("Practice")

    def ready(self):
        from . import antispam, checks  # noqa: F401  (they register the settings checks)
        from .signin import middleware  # noqa: F401  (stamps the sign-in time on each login)
