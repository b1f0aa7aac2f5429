"""Comment moderators may see and delete verified commenter addresses (deleting one revokes it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from clinic_site.roles import COMMENT_MODERATORS

PERMISSIONS = ["view_verifiedaddress", "delete_verifiedaddress"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COMMENT_MODERATORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="comments", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COMMENT_MODERATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="comments", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_verifiedaddress"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
