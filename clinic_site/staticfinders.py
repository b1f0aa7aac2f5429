"""The apps' static files, without the HTML pages some of them bundle."""

from fnmatch import fnmatch

from django.contrib.staticfiles.finders import AppDirectoriesFinder

from .static_headers import DOCUMENT_SUFFIXES

DOCUMENT_PATTERNS = [f"*{suffix}" for suffix in DOCUMENT_SUFFIXES if suffix != ".svg"]


class AppStaticWithoutPagesFinder(AppDirectoriesFinder):
    """Django's app directories finder, leaving out ``.html`` pages.

    CKEditor ships demo, test and dialog pages (``plugins/preview/preview.html``,
    ``plugins/wsc/dialogs/*.html``, ``plugins/exportpdf/tests/``) that our editor never loads;
    served from our origin, a page like that could run script next to a staff session. collectstatic
    does not collect them and runserver does not serve them. (Django's admin icons, SVG, stay.)
    """

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *DOCUMENT_PATTERNS])

    def find_in_app(self, app, path):
        if any(fnmatch(path.lower(), pattern) for pattern in DOCUMENT_PATTERNS):
            return None
        return super().find_in_app(app, path)
