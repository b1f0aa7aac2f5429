from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db.models import Q

from blog import body_images
from blog.models import Article, EditorImage
from blog.uploads import UPLOAD_DIR
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
        "they were made on upload, or whose copies could not be made then; record the width and "
        "height of pictures saved without them; and record the editor "
        "images that article bodies show without a record (blog.EditorImage), saving those "
        "articles again so their images get their size and copies. Pictures that have theirs are "
        "left alone, so it can be run again at any time."
    )

    def handle(self, *args, **options):
        made = unreadable = 0
        for model, field in responsive_fields():
            for row in model.objects.exclude(**{field.name: ""}).only("pk", field.name, field.variants_field):
                file = getattr(row, field.name)
                if images.is_record_of(getattr(row, field.variants_field), file.name):
                    continue
                record = images.make_variants(file.storage, file.name)
                if record is None:
                    unreadable += 1
                    self.stderr.write(f"{model._meta.label} {row.pk}: {file.name!r} could not be read.")
                    continue
                setattr(row, field.variants_field, record)
                # save(), not update(): the change retires the cached pages that show the picture.
                row.save(update_fields=[field.variants_field])
                made += 1
        editor_made, editor_unreadable = self.record_editor_images()
        made += editor_made
        unreadable += editor_unreadable
        self.stdout.write(f"Smaller copies made for {made} pictures; {unreadable} could not be read.")
        self.stdout.write(f"Width and height recorded for {self.record_sizes()} pictures.")

    def record_sizes(self) -> int:
        """Save the size of each picture stored without it (clinic_site.fields.SizedImageField): a
        row without one reads its picture each time it is loaded. Loading the row reads it once more
        (an unreadable picture is logged and left as it is); saving keeps what that read found."""
        recorded = 0
        for model, field in responsive_fields():
            sizes = field.dimension_field_names
            missing = Q()
            for name in sizes:
                missing |= Q(**{f"{name}__isnull": True})
            for row in model.objects.exclude(**{field.name: ""}).filter(missing):
                if all(getattr(row, name) for name in sizes):
                    # save(), not update(): the change retires the cached pages that show the picture.
                    row.save(update_fields=sizes)
                    recorded += 1
        return recorded

    def record_editor_images(self) -> tuple[int, int]:
        """Record the editor images shown in article bodies that have no record yet (uploaded before
        records were kept), then save each article whose body blog.body_images would now write
        differently: one that shows a picture just recorded, or one recorded for another article (a
        translation showing its original's picture) or by an earlier run cut short."""
        made, unreadable = 0, set()
        for article in Article.objects.filter(body__contains=default_storage.url(f"{UPLOAD_DIR}/")):
            names = body_images.upload_names(article.body)
            missing = names - set(EditorImage.objects.filter(name__in=names).values_list("name", flat=True))
            for name in sorted(missing - unreadable):
                record = images.make_variants(default_storage, name)  # None when it cannot be read
                if record is None:
                    unreadable.add(name)
                    self.stderr.write(f"Article {article.pk}: the editor image {name!r} could not be read.")
                    continue
                EditorImage.objects.create(
                    name=name, width=record["width"], height=record["height"], variants=record
                )
                made += 1
            if body_images.with_image_sizes(article.body) != article.body:
                # Only the body: a technical save is not an update the page should announce. save()
                # still retires the cached pages that show the article.
                article.save(update_fields=["body"])
        return made, len(unreadable)
