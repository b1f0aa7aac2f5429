from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from . import pagecache  # noqa: F401  (connect the cache-retirement signals)

        connection_created.connect(register_sqlite_functions)


def register_sqlite_functions(sender, connection, **kwargs):
    """What a search on SQLite calls (blog.models.ArticleQuerySet.search)."""
    if connection.vendor == "sqlite":
        from .models import fold

        connection.connection.create_function("clinic_fold", 1, fold, deterministic=True)
