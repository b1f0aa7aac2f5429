from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from blog.comments.models import Comment
from clinic_site import roles
from tests.factories import ArticleFactory, ClinicianFactory, CommentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture
def moderator():
    user = StaffFactory(username="moderator")
    user.groups.add(Group.objects.get(name=roles.COMMENT_MODERATORS))
    return user


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def test_the_group_has_exactly_the_comment_permissions():
    codenames = set(
        Group.objects.get(name=roles.COMMENT_MODERATORS).permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_comment",
        "change_comment",
        "add_comment",
        "delete_comment",
        "view_verifiedaddress",
        "delete_verifiedaddress",
    }


def test_a_moderator_cannot_open_the_user_admin(mod_client):
    assert mod_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_moderator_cannot_change_an_article(mod_client, moderator):
    article = ArticleFactory()
    assert not moderator.has_perm("blog.change_article")
    assert mod_client.get(f"/admin/blog/article/{article.pk}/change/").status_code in (403, 404)


@pytest.mark.parametrize("app", ["inquiries", "auth", "clinic_site"])
def test_a_moderator_has_no_permission_outside_comments(moderator, app):
    assert not moderator.has_module_perms(app)


def test_a_moderator_sees_the_comment_list_and_filters(mod_client):
    CommentFactory(name="Filterable", status=Comment.Status.PENDING)
    response = mod_client.get(reverse(CHANGELIST), {"status__exact": "pending", "q": "Filterable"})
    assert response.status_code == 200
    assert "Filterable" in response.content.decode()


def test_search_covers_body_name_and_email(mod_client):
    CommentFactory(body="unusual-word-in-body")
    CommentFactory(email="findme@example.com")
    for term in ("unusual-word-in-body", "findme@example.com"):
        response = mod_client.get(reverse(CHANGELIST), {"q": term})
        assert response.context["cl"].result_count == 1


def test_the_change_page_renders_for_a_moderator(mod_client):
    comment = CommentFactory()
    response = mod_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert response.status_code == 200
    assert "Reply as the clinic" in response.content.decode()


def test_staff_cannot_write_a_readers_comment_only_reply_as_the_clinic(admin_client, mod_client):
    assert admin_client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert reverse("admin:comments_comment_add") not in mod_client.get(reverse(CHANGELIST)).content.decode()
    comment = CommentFactory(status=Comment.Status.APPROVED)
    page = mod_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert 'name="clinic_reply"' in page


@pytest.mark.parametrize(("field", "value"), [("body", "Now with different words"), ("name", "Dana R.")])
def test_a_moderators_change_to_what_readers_see_is_marked_on_the_page(client, mod_client, field, value):
    comment = CommentFactory(status=Comment.Status.APPROVED, name="Dana", body="Original words")
    page = comment.article.get_absolute_url()
    assert "edited by the clinic" not in client.get(page).content.decode()  # and now cached
    mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]), _change_data(comment, **{field: value})
    )
    html = client.get(page).content.decode()
    assert value in html
    assert "· edited by the clinic" in html


def test_a_corrected_address_is_not_marked_readers_never_see_it(client, mod_client):
    comment = CommentFactory(status=Comment.Status.APPROVED, email="typo@exmaple.com")
    mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        _change_data(comment, email="typo@example.com"),
    )
    comment.refresh_from_db()
    assert comment.email == "typo@example.com"
    assert comment.edited_by_clinic_at is None


def test_a_moderator_cannot_give_a_readers_comment_a_clinicians_name(mod_client):
    ClinicianFactory(name="Maya Okafor")
    comment = CommentFactory(status=Comment.Status.APPROVED, name="Dana")
    response = mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]), _change_data(comment, name="Maya Okafor")
    )
    assert "cannot carry the name “Maya Okafor”: reply as the clinic instead" in response.content.decode()
    comment.refresh_from_db()
    assert comment.name == "Dana"


def test_the_queue_says_why_each_comment_waits(mod_client):
    CommentFactory(status=Comment.Status.PENDING, held_reason="blocked words: casino")
    CommentFactory(status=Comment.Status.REJECTED, held_reason="more than 2 links")
    html = mod_client.get(reverse(CHANGELIST)).content.decode()
    assert '<td class="field-held_because">blocked words: casino</td>' in html
    assert "more than 2 links" not in html  # decided already


def test_a_comment_held_for_a_reserved_name_is_not_published_under_it(client, mod_client):
    """Approving it as it stands, from its page or from the list, would sign a reader's words
    with the clinic's name."""
    ClinicianFactory(name="Maya Okafor")
    held = CommentFactory(status=Comment.Status.PENDING, name="Maya Okafor", body="Book now, special price")
    fine = CommentFactory(status=Comment.Status.PENDING, name="Dana", article=held.article)
    change = reverse("admin:comments_comment_change", args=[held.pk])
    response = mod_client.post(change, _change_data(held, status="approved"))
    assert "not published under the name “Maya Okafor”" in response.content.decode()
    listed = mod_client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [held.pk, fine.pk]},
        follow=True,
    )
    assert "1 comment is not approved" in listed.content.decode()
    alone = mod_client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [held.pk]}, follow=True
    )
    assert "0 comments approved" not in alone.content.decode()  # no success to report
    held.refresh_from_db(), fine.refresh_from_db()
    assert held.status == Comment.Status.PENDING and fine.status == Comment.Status.APPROVED
    assert "special price" not in client.get(held.article.get_absolute_url()).content.decode()
    # Under a name of their own, the same words may go out.
    mod_client.post(change, _change_data(held, status="approved", name="Reader"))
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_a_comment_under_a_look_alike_of_a_reserved_name_is_not_approved(mod_client):
    ClinicianFactory(name="Maya Okafor")
    held = CommentFactory(status=Comment.Status.PENDING, name="Maya \u041ekafor")  # a Cyrillic O
    mod_client.post(reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve_selected", "approved"), ("reject_selected", "rejected"), ("mark_selected_as_spam", "spam")],
)
def test_bulk_actions_moderate_and_record_who_and_when(mod_client, moderator, action, status):
    comments = CommentFactory.create_batch(2, status=Comment.Status.PENDING)
    response = mod_client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [c.pk for c in comments]}
    )
    assert response.status_code == 302
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == moderator
        assert timezone.now() - comment.moderated_at < timedelta(seconds=5)


def _change_data(comment, **overrides):
    data = {"status": comment.status, "name": comment.name, "email": comment.email, "body": comment.body}
    data.update(overrides)
    return data


def test_changing_the_status_stamps_the_moderator(mod_client, moderator):
    comment = CommentFactory(status=Comment.Status.PENDING)
    mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]), _change_data(comment, status="approved")
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator


def test_editing_the_text_alone_does_not_stamp_a_moderator(mod_client):
    comment = CommentFactory(status=Comment.Status.APPROVED)
    mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]), _change_data(comment, body="Typo fixed")
    )
    comment.refresh_from_db()
    assert comment.body == "Typo fixed"
    assert comment.moderated_by is None


def test_a_moderator_replies_as_the_clinic_from_the_change_page(mod_client, moderator):
    comment = CommentFactory()
    response = mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        _change_data(comment, clinic_reply="Thank you for sharing."),
    )
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.is_staff_reply
    assert reply.status == Comment.Status.APPROVED
    assert reply.moderated_by == moderator
    assert reply.body == "Thank you for sharing."


def test_a_pending_comment_must_be_approved_before_a_clinic_reply(mod_client):
    comment = CommentFactory(status=Comment.Status.PENDING)
    response = mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        _change_data(comment, clinic_reply="Hello"),
    )
    assert response.status_code == 200
    assert not Comment.objects.filter(parent=comment).exists()


def test_the_admin_index_shows_the_pending_count(mod_client):
    CommentFactory.create_batch(3, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.APPROVED)
    html = mod_client.get(reverse("admin:index")).content.decode()
    assert "3 comments await moderation" in html


def test_the_pending_count_is_not_shown_to_staff_without_comment_access(client):
    client.force_login(StaffFactory())
    CommentFactory(status=Comment.Status.PENDING)
    assert "await moderation" not in client.get(reverse("admin:index")).content.decode()


def test_a_plain_user_cannot_reach_the_comment_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse(CHANGELIST)).status_code == 302


def test_a_comment_removed_by_its_author_renders_read_only_and_takes_no_clinic_reply(mod_client):
    removed = CommentFactory(name="", email="", body="", removed_at=timezone.now())
    CommentFactory(article=removed.article, parent=removed)
    url = reverse("admin:comments_comment_change", args=[removed.pk])
    response = mod_client.get(url)
    assert response.status_code == 200
    assert 'name="body"' not in response.content.decode()
    assert "(removed by its author)" in mod_client.get(reverse(CHANGELIST)).content.decode()
    answer = mod_client.post(url, {"status": "approved", "clinic_reply": "Hello?"})
    assert answer.status_code == 200
    assert "Its author removed this comment" in answer.content.decode()
    assert not Comment.objects.filter(parent=removed, is_staff_reply=True).exists()


def test_the_change_page_shows_edits_and_the_wish_to_hear_of_replies(mod_client):
    comment = CommentFactory(edited_at=timezone.now(), notify_replies=True)
    html = mod_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "edited by its author" in html.lower()
    assert "author asked to hear of replies" in html.lower()


def test_view_on_site_only_for_a_comment_readers_see(mod_client):
    approved = CommentFactory(status=Comment.Status.APPROVED)
    rejected = CommentFactory(status=Comment.Status.REJECTED)
    page = mod_client.get(reverse("admin:comments_comment_change", args=[approved.pk])).content.decode()
    assert f'href="{approved.get_absolute_url()}"' in page
    page = mod_client.get(reverse("admin:comments_comment_change", args=[rejected.pk])).content.decode()
    assert "View on site" not in page  # its address would be a 404


def test_the_change_page_links_nowhere_a_moderator_may_not_go(mod_client, moderator):
    """The article as its public page, the moderator by name: a moderator may open neither the
    admin's article pages nor staff accounts (a 403)."""
    comment = CommentFactory(status=Comment.Status.PENDING, article=ArticleFactory(slug="neck"))
    mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]), _change_data(comment, status="approved")
    )
    html = mod_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "/admin/blog/article/" not in html
    assert "/admin/auth/user/" not in html
    assert '<a href="/blog/neck/">' in html
    assert moderator.username in html


def test_a_correction_saved_with_the_approval_is_marked_too(client, mod_client):
    """A held comment with a phone number in it: the moderator takes it out and approves, one save."""
    comment = CommentFactory(status=Comment.Status.PENDING, body="Call me on 757 555 0199 about my knee")
    mod_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        _change_data(comment, status="approved", body="Call me about my knee"),
    )
    html = client.get(comment.article.get_absolute_url()).content.decode()
    assert "Call me about my knee" in html
    assert "· edited by the clinic" in html


def test_the_comment_page_says_why_it_waits_only_while_it_waits(mod_client, moderator):
    """Once decided, the old reason read as if it still stood (after a rename, say)."""
    from blog.comments import moderation

    comment = CommentFactory(status=Comment.Status.PENDING, held_reason="blocked words: casino")
    page = reverse("admin:comments_comment_change", args=[comment.pk])
    assert "blocked words: casino" in mod_client.get(page).content.decode()
    moderation.approve(comment, by=moderator)
    assert "blocked words: casino" not in mod_client.get(page).content.decode()


def test_why_a_comment_waits_is_kept_in_the_sites_language_whatever_the_readers(client):
    from tests.blog.comments.helpers import comment_data

    article = ArticleFactory(language="es")
    with translation.override("es"):
        url = reverse("comments:create", args=[article.slug])
    client.post(url, comment_data(body="Visite www.a.com www.b.com www.c.com www.d.com"))
    assert Comment.objects.get().held_reason.startswith("more than")


def test_the_search_finds_a_name_spelled_with_look_alike_letters(mod_client):
    """A moderator looking for comments signed as a clinician types the name as it reads."""
    spoof = CommentFactory(name="Dr. \u039fkafor", body="Take two of these")  # a Greek capital O
    CommentFactory(name="Dana", body="Thanks")
    html = mod_client.get(reverse(CHANGELIST), {"q": "Okafor"}).content.decode()
    assert "Take two of these" in html
    assert "Thanks" not in html
    assert spoof.name in html
