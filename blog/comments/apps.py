from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Comments under the blog's articles: they depend on articles, never the other way round."""

    name = "blog.comments"
    label = "comments"
    verbose_name = _("Comments")
