"""The staff roles as groups, each with only the permissions it needs.

"Comment moderators" and "Inquiry handlers" start empty: the comments and inquiries apps add their
own permissions to them in their own migrations (with get_or_create, so the order does not matter).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from clinic_site.roles import COMMENT_MODERATORS, EDITORS, INQUIRY_HANDLERS

GROUP_PERMISSIONS = {
    EDITORS: {
        "blog": ["add_article", "change_article", "delete_article", "view_article",
                 "view_condition", "add_condition", "change_condition"],
        "clinic_site": ["view_clinician", "view_location"],
    },
    COMMENT_MODERATORS: {},
    INQUIRY_HANDLERS: {},
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); make them now.
    for label in ("blog", "clinic_site"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, by_app in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in by_app.items():
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic_site", "0001_initial"),
        ("blog", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
