"""Names other packages show in the admin, given Spanish here.

django-axes leaves its models' names in English, and django-post-office's own Spanish reads oddly
("Oficina de Correos"). Django reads our catalogue (LOCALE_PATHS) before theirs, so a name marked
here, with the same words (and context) as the package's, gets the Spanish of locale/es. Nothing
imports this module: the marks are for `make messages`, which keeps these strings in the catalogue.
(django-otp's and django-tasks' names are plain strings, not translatable.)
"""

from django.utils.translation import gettext_noop, pgettext_lazy

NAMES = [
    # axes/models.py
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    # post_office/apps.py and models.py
    gettext_noop("Post Office"),
    pgettext_lazy("Email address", "Email"),
    pgettext_lazy("Email addresses", "Emails"),
    gettext_noop("Email Template"),
    gettext_noop("Email Templates"),
    gettext_noop("Log"),
    gettext_noop("Logs"),
]
