"""The "Comment moderators" group: view, change, reply to (add) and delete comments, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from clinic_site.roles import COMMENT_MODERATORS as GROUP_NAME
PERMISSIONS = ["view_comment", "change_comment", "add_comment", "delete_comment"]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure they exist now.
    # A migration's app config has no models module, which create_permissions would take as
    # "no models"; flag it for the call.
    app_config = apps.get_app_config("blog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="blog", codename__in=PERMISSIONS)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_comments"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
