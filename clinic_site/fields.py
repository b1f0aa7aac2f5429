"""Model fields of our own."""

import logging

from django.conf import settings
from django.core import checks
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.translation import gettext_lazy as _

from . import images

logger = logging.getLogger(__name__)


class SizedImageField(models.ImageField):
    """An image field that keeps its picture's width and height in two other fields, and survives a
    picture gone from the storage.

    Django reads the picture to fill in a missing width or height each time a row is loaded; with the
    file missing (a restore without media, a bucket emptied by hand) that read raised, so every page
    that loads the row failed. Here the size stays unknown, the failure is logged, and the pages go on.

    A row is saved with its picture's size whichever way the picture came: Django 5.2 leaves the size
    empty for a picture stored with ``field.save(name, ContentFile(data))`` (content without a name
    of its own), and every later load of that row would read the picture again, from the bucket in
    production. Django saves fields in the order they are declared, so the width and height fields
    come after this one (checked: clinic_site.E008); a save limited to some fields
    (``update_fields``) stores the size only when it names them too.
    """

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        names = [field.name for field in self.model._meta.concrete_fields]
        for name in self.dimension_field_names:
            if name not in names or names.index(name) < names.index(self.name):
                errors.append(
                    checks.Error(
                        f"{name!r} must be a field declared after {self.name!r}: its value is set as "
                        f"{self.name!r} is saved.",
                        obj=self,
                        id="clinic_site.E008",
                    )
                )
        return errors

    def pre_save(self, model_instance, add):
        file = super().pre_save(model_instance, add)
        if file and not all(getattr(model_instance, name) for name in self.dimension_field_names):
            self.update_dimension_fields(model_instance, force=True)
        return file

    @property
    def dimension_field_names(self) -> list[str]:
        return [name for name in (self.width_field, self.height_field) if name]

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


class ResponsiveImageFieldFile(ImageFieldFile):
    @property
    def variants(self) -> list[images.Variant]:
        """The smaller copies made of this picture (clinic_site.images), narrowest first."""
        return images.variants_of(self.name, getattr(self.instance, self.field.variants_field))

    @property
    def srcset(self) -> str:
        """The ``srcset`` of an ``<img>`` showing this picture: its copies and itself, each with its
        width; empty when it has no copies (the ``src`` alone is then the picture)."""
        return images.srcset(self.storage, self.name, getattr(self.instance, self.field.variants_field))


class ResponsiveImageField(SizedImageField):
    """A picture that public pages show: saving a new one makes its smaller copies
    (clinic_site.images) and records them in ``variants_field``, a JSON field declared after this one
    (fields are saved in the order they are declared, and this one writes the record as it saves)."""

    attr_class = ResponsiveImageFieldFile

    def __init__(self, *args, variants_field: str, **kwargs):
        self.variants_field = variants_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["variants_field"] = self.variants_field
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        names = [field.name for field in self.model._meta.concrete_fields]
        if self.variants_field not in names or names.index(self.variants_field) < names.index(self.name):
            errors.append(
                checks.Error(
                    f"variants_field {self.variants_field!r} must be a field declared after {self.name!r}.",
                    obj=self,
                    id="clinic_site.E007",
                )
            )
        return errors

    def pre_save(self, model_instance, add):
        file = super().pre_save(model_instance, add)  # stores a fresh upload under its final name
        record = getattr(model_instance, self.variants_field)
        if not file:
            record = None
        elif not images.is_record_of(record, file.name):
            # A new picture (uploaded, or another stored file put in its place): read it back from
            # the storage, where it now is, and make its copies.
            record = images.make_variants(file.storage, file.name)
        setattr(model_instance, self.variants_field, record)
        return file


def language_field(**options) -> models.CharField:
    """The language something was written in, one of ``LANGUAGES`` (an article, the form a patient or
    a commenter sent); English unless told."""
    return models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        **{"default": settings.LANGUAGE_CODE, **options},
    )
