"""The "Inquiry handlers" group and exactly the permissions it needs to work inquiries.

get_or_create, so it coexists with any other migration that creates the same group by name.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from clinic_site.roles import INQUIRY_HANDLERS
PERMISSIONS = [
    ("inquiries", "view_inquiry"),
    ("inquiries", "change_inquiry"),
    ("inquiries", "add_inquirynote"),
    ("inquiries", "view_inquirynote"),
    ("inquiries", "view_routingrule"),
    # The mail queue: handlers can see whether a notification or acknowledgement went out.
    # Mail bodies carry a reference and a link, never health details.
    ("post_office", "view_email"),
    ("post_office", "view_log"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=INQUIRY_HANDLERS)
    for app_label, codename in PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=INQUIRY_HANDLERS).first()
    if group is None:
        return
    for app_label, codename in PERMISSIONS:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inquiries", "0001_initial"),
        ("post_office", "0014_alter_email_recipient_delivery_status_and_more"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
