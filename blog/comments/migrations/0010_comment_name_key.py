"""Each comment keeps its name as names are compared (Comment.name_key), so that a name another
commenter already uses is found by an index however it is spelled ("Tom  H." is "Tom H.")."""

from django.db import migrations, models

BATCH = 2000


def set_name_keys(apps, schema_editor):
    from blog.comments.models import name_key_of

    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "name").order_by("pk").iterator(chunk_size=BATCH):
        comment.name_key = name_key_of(comment.name)
        batch.append(comment)
        if len(batch) == BATCH:
            Comment.objects.bulk_update(batch, ["name_key"])
            batch = []
    Comment.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_comment_edited_by_clinic"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200),
        ),
        migrations.RunPython(set_name_keys, migrations.RunPython.noop, elidable=True),
    ]
