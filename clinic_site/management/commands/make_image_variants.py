from django.apps import apps
from django.core.management.base import BaseCommand

from clinic_site import images
from clinic_site.fields import ResponsiveImageField


def responsive_fields():
    """(model, field) for every picture that public pages show with its smaller copies."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ResponsiveImageField):
                yield model, field


class Command(BaseCommand):
    help = (
        "Make the smaller copies (clinic_site.images) of cover images and photos uploaded before "
        "they were made on upload, or whose copies could not be made then. Pictures that have "
        "theirs are left alone, so it can be run again at any time."
    )

    def handle(self, *args, **options):
        made = unreadable = 0
        for model, field in responsive_fields():
            for row in model.objects.exclude(**{field.name: ""}).only("pk", field.name, field.variants_field):
                file = getattr(row, field.name)
                if images.is_record_of(getattr(row, field.variants_field), file.name):
                    continue
                record = images.make_variants(file)
                if record is None:
                    unreadable += 1
                    self.stderr.write(f"{model._meta.label} {row.pk}: {file.name!r} could not be read.")
                    continue
                setattr(row, field.variants_field, record)
                # save(), not update(): the change retires the cached pages that show the picture.
                row.save(update_fields=[field.variants_field])
                made += 1
        self.stdout.write(f"Smaller copies made for {made} pictures; {unreadable} could not be read.")
