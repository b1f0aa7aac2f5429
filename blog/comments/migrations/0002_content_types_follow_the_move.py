"""The content types of the moved models follow them to the comments app.

Permissions (and so the "Comment moderators" group's rights) and the admin's history entries point at
the content type, not at the app: relabelling it keeps every one of them. On a database where the new
content types already exist (created by a run that had the comments app before this migration), the
old ones' permissions are handed over to the groups and users that held them, and the old ones go.
"""

from django.db import migrations

MODELS = ["comment", "commentlike"]


def relabel(apps, schema_editor, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        stale = ContentType.objects.filter(app_label=old, model=model).first()
        if stale is None:
            continue
        current = ContentType.objects.filter(app_label=new, model=model).first()
        if current is None:
            stale.app_label = new
            stale.save(update_fields=["app_label"])
            continue
        for permission in Permission.objects.filter(content_type=stale):
            successor = Permission.objects.filter(content_type=current, codename=permission.codename).first()
            if successor is not None:
                successor.group_set.add(*permission.group_set.all())
                successor.user_set.add(*permission.user_set.all())
        stale.delete()


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, old="blog", new="comments")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, old="comments", new="blog")


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("blog", "0004_comment_moderators_group"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
