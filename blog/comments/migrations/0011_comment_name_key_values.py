"""Every existing comment's name_key (blog.comments.models.set_name_keys), a batch per transaction:
no lock on the whole table while it runs, and running it again finishes what an interrupted run began."""

from django.db import migrations


def set_name_keys(apps, schema_editor):
    from blog.comments.models import set_name_keys

    set_name_keys(apps.get_model("comments", "Comment"))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0010_comment_name_key"),
    ]

    operations = [migrations.RunPython(set_name_keys, migrations.RunPython.noop, elidable=True)]
