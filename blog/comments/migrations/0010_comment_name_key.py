"""Each comment keeps its name as names are compared (Comment.name_key). In three steps, so that a
large comments table stays readable and writable: the column (no rewrite of the table), its values
(0011, a batch per transaction), its index (0012, built concurrently on PostgreSQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0009_comment_edited_by_clinic"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="name_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
            preserve_default=False,
        ),
    ]
