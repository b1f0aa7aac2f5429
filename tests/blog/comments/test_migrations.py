"""Comments moved from the blog app to their own: a database from before the move keeps everything."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from blog.comments.models import Comment, CommentLike
from clinic_site import roles
from tests.factories import ArticleFactory, StaffFactory

BEFORE_THE_MOVE = [("blog", "0005_comment_clinic_reply_label"), ("comments", None)]
# Before blog 0004, which makes the "Comment moderators" group: the test goes through it, so the group
# it moves is the one that migration makes, even when a transactional test before this one emptied
# every table (groups included) on its way out.
BEFORE_THE_GROUP = [("blog", "0003_comments"), ("comments", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_comments_likes_stamps_and_moderators():
    article = ArticleFactory()
    staff = StaffFactory(username="grace")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(BEFORE_THE_GROUP)
    old = migrate(BEFORE_THE_MOVE)
    try:
        OldComment = old.get_model("blog", "Comment")
        OldLike = old.get_model("blog", "CommentLike")
        OldGroup = old.get_model("auth", "Group")
        OldUser = old.get_model("auth", "User")
        root = OldComment.objects.create(
            article_id=article.pk, name="Dana", email="dana@example.com", body="It helped.",
            status="approved", moderated_by_id=staff.pk, like_count=1,
        )  # fmt: skip
        reply = OldComment.objects.create(
            article_id=article.pk, parent=root, name="Tidewater", email="clinic@example.com",
            body="Glad to hear it.", status="approved", is_staff_reply=True,
        )  # fmt: skip
        OldComment.objects.create(article_id=article.pk, name="Lee", email="lee@example.com", body="?")
        OldLike.objects.create(comment=root, browser_key="a" * 64)
        group = OldGroup.objects.get(name=roles.COMMENT_MODERATORS)
        assert group.permissions.filter(codename="change_comment", content_type__app_label="blog").exists()
        OldUser.objects.get(pk=staff.pk).groups.add(group)
    finally:
        migrate(latest)

    assert Comment.objects.count() == 3
    moved = Comment.objects.get(pk=root.pk)
    assert (moved.body, moved.status, moved.moderated_by, moved.like_count) == (
        "It helped.",
        "approved",
        staff,
        1,
    )
    assert Comment.objects.get(pk=reply.pk).parent == moved
    assert Comment.objects.get(pk=reply.pk).is_staff_reply
    assert CommentLike.objects.get().comment == moved
    assert Comment.objects.pending().get().name == "Lee"
    codenames = set(
        Group.objects.get(name=roles.COMMENT_MODERATORS).permissions.values_list("codename", flat=True)
    )
    assert {"view_comment", "change_comment", "add_comment", "delete_comment"} <= codenames

    # The moderator still moderates, in the comments app's admin.
    client = Client()
    client.force_login(staff)
    pending = Comment.objects.pending().get()
    url = reverse("admin:comments_comment_changelist")
    response = client.post(url, {"action": "approve_selected", "_selected_action": [pending.pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.moderated_by) == ("approved", staff)


def test_old_admin_links_lead_to_the_comments_admin(admin_client):
    response = admin_client.get("/admin/blog/comment/12/change/?_changelist_filters=status")
    assert response.status_code == 301
    assert (
        response["Location"]
        == reverse("admin:comments_comment_change", args=[12]) + "?_changelist_filters=status"
    )


@pytest.mark.django_db(transaction=True)
def test_comments_from_before_the_name_key_are_found_by_their_names_spelled_otherwise():
    """Migration 0010 sets each existing comment's name_key, which the check for another
    commenter's name reads."""
    from blog.comments import moderation

    article = ArticleFactory()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate([("comments", "0009_comment_edited_by_clinic")])
    try:
        old.get_model("comments", "Comment").objects.create(
            article_id=article.pk, name="Tom H.", email="tom@example.com", body="Thanks", status="approved"
        )
    finally:
        migrate(latest)
    assert Comment.objects.get().name_key == "tom h"
    assert moderation.name_used_by_someone_else("Tom  H", "eve@example.com")
