import pytest
from django.db.models.functions import Upper
from django.urls import reverse

from blog.comments.models import Comment
from blog.comments.threads import build_tree
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_approved_and_pending_querysets():
    approved = CommentFactory(status=Comment.Status.APPROVED)
    pending = CommentFactory(status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.SPAM)
    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.pending()) == [pending]


def test_a_comment_has_an_address_of_its_own():
    comment = CommentFactory()
    assert comment.get_absolute_url() == reverse("comments:show", args=[comment.pk])


def test_a_comment_names_its_author_and_article():
    comment = CommentFactory(name="Ana")
    assert str(comment) == f"Comment by Ana on {comment.article}"


def test_deep_replies_line_up_at_the_last_level():
    root = CommentFactory()
    chain = [root]
    for _ in range(4):
        chain.append(CommentFactory(article=root.article, parent=chain[-1]))
    roots = build_tree(list(Comment.objects.order_by("created_at", "pk")))
    assert [c.pk for c in roots] == [root.pk]
    second = roots[0].children[0]
    assert [c.pk for c in second.children] == [chain[2].pk, chain[3].pk, chain[4].pk]
    assert chain[4].pk == second.children[2].pk
    assert second.children[2].replying_to.pk == chain[3].pk


def test_a_reply_to_a_hidden_comment_stands_on_its_own():
    parent = CommentFactory(status=Comment.Status.REJECTED)
    reply = CommentFactory(article=parent.article, parent=parent)
    roots = build_tree(list(Comment.objects.approved()))
    assert roots == [reply]
    assert roots[0].replying_to is None


def test_every_way_of_writing_a_name_writes_its_name_key():
    """Another commenter's name is found by name_key: no write of a name may leave it behind."""

    comment = CommentFactory(name="Dana R.")
    assert comment.name_key == "dana r"
    Comment.objects.filter(pk=comment.pk).update(name="Tom  H.")
    assert Comment.objects.get(pk=comment.pk).name_key == "tom h"
    comment.refresh_from_db()
    comment.name = "LEE"
    Comment.objects.bulk_update([comment], ["name"])
    assert Comment.objects.get(pk=comment.pk).name_key == "lee"
    comment.name = "Ana"
    comment.save(update_fields=["name"])
    assert Comment.objects.get(pk=comment.pk).name_key == "ana"
    with pytest.raises(TypeError):
        Comment.objects.update(name=Upper("name"))
