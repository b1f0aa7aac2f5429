"""Model fields of our own."""

import logging

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class SizedImageField(models.ImageField):
    """An image field that keeps its picture's width and height in two other fields, and survives a
    picture gone from the storage.

    Django reads the picture to fill in a missing width or height each time a row is loaded; with the
    file missing (a restore without media, a bucket emptied by hand) that read raised, so every page
    that loads the row failed. Here the size stays unknown, the failure is logged, and the pages go on.
    """

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        try:
            super().update_dimension_fields(instance, force, *args, **kwargs)
        except (OSError, ValueError):
            logger.warning(
                "%s %s: the picture %r could not be read for its size.",
                instance._meta.label,
                instance.pk,
                getattr(instance, self.attname).name,
            )


def language_field(**options) -> models.CharField:
    """The language something was written in, one of ``LANGUAGES`` (an article, the form a patient or
    a commenter sent); English unless told."""
    return models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        **{"default": settings.LANGUAGE_CODE, **options},
    )
