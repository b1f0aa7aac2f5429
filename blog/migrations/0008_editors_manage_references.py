"""Editors list an article's references with the article: they may add, change and delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from clinic_site.roles import EDITORS

PERMISSIONS = ["add_reference", "change_reference", "delete_reference", "view_reference"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("blog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="blog", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="blog", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0007_article_review_and_references"),
        ("clinic_site", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
