import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from clinic_site import roles

pytestmark = pytest.mark.django_db

staff_groups = importlib.import_module("clinic_site.migrations.0002_staff_groups")


def codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_role_names_are_the_ones_existing_databases_hold():
    # Renaming a constant would orphan every group already created under the old name.
    assert (roles.EDITORS, roles.COMMENT_MODERATORS, roles.INQUIRY_HANDLERS) == (
        "Editors",
        "Comment moderators",
        "Inquiry handlers",
    )


def test_editors_may_write_articles_their_references_and_conditions_and_only_see_the_practice():
    assert codenames(roles.EDITORS) == {
        "blog.add_article",
        "blog.change_article",
        "blog.delete_article",
        "blog.view_article",
        "blog.view_condition",
        "blog.add_condition",
        "blog.change_condition",
        "blog.add_reference",
        "blog.change_reference",
        "blog.delete_reference",
        "blog.view_reference",
        "clinic_site.view_clinician",
        "clinic_site.view_location",
    }


@pytest.mark.parametrize("name", [roles.COMMENT_MODERATORS, roles.INQUIRY_HANDLERS])
def test_the_other_staff_groups_exist_without_article_permissions(name):
    assert not any(perm.endswith("_article") for perm in codenames(name))


def test_the_migration_reverses_and_reapplies():
    state_apps = MigrationLoader(connection).project_state(("clinic_site", "0002_staff_groups")).apps
    staff_groups.remove_groups(state_apps, None)
    assert not Group.objects.filter(name__in=staff_groups.GROUP_PERMISSIONS).exists()
    staff_groups.create_groups(state_apps, None)
    assert "blog.change_article" in codenames(roles.EDITORS)
