from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from blog.comments import moderation
from blog.comments.models import Comment
from clinic_site import roles
from tests.factories import ArticleFactory, CommentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def submit(article=None, **kwargs):
    fields = {"name": "Ana", "email": "ana@example.com", "body": "Very clear, thank you."}
    fields.update(kwargs)
    return moderation.submit_comment(article=article or ArticleFactory(), **fields)


def moderator(email="mod@example.com"):
    user = StaffFactory(email=email)
    user.groups.add(Group.objects.get(name=roles.COMMENT_MODERATORS))
    return user


def test_a_new_comment_is_pending():
    assert submit().status == Comment.Status.PENDING


def test_a_comment_from_a_browser_that_confirmed_the_address_is_published_at_once():
    assert submit(verified_browser=True).status == Comment.Status.APPROVED


def test_an_address_with_approved_comments_proves_nothing_by_itself():
    CommentFactory(email="ana@example.com", status=Comment.Status.APPROVED)
    assert submit(email="ANA@example.com").status == Comment.Status.PENDING


def test_auto_approval_can_be_turned_off(settings):
    settings.COMMENTS_AUTO_APPROVE_VERIFIED = False
    assert submit(verified_browser=True).status == Comment.Status.PENDING


def test_too_many_links_hold_even_a_verified_commenter(settings):
    settings.COMMENTS_MAX_LINKS = 1
    comment = submit(body="See https://a.example.org and http://b.example.org", verified_browser=True)
    assert comment.status == Comment.Status.PENDING
    assert "links" in comment.held_reason


def test_a_blocked_word_holds_the_comment(settings):
    settings.COMMENTS_BLOCKED_WORDS = ["casino"]
    comment = submit(body="Best Casino bonus here", verified_browser=True)
    assert comment.status == Comment.Status.PENDING
    assert "casino" in comment.held_reason


def test_a_link_to_a_blocked_domain_is_refused(settings):
    settings.COMMENTS_BLOCKED_DOMAINS = ["spam.example"]
    with pytest.raises(moderation.CommentRejected):
        submit(body="Cheap pills at https://shop.spam.example/now")
    assert not Comment.objects.exists()


def test_comments_close_after_the_configured_days(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=31))
    with pytest.raises(moderation.CommentRejected):
        submit(article)


def test_zero_days_keeps_comments_open(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3000))
    assert moderation.comments_open(article)


def test_a_reply_is_attached_to_its_parent():
    parent = CommentFactory()
    reply = submit(parent.article, parent=parent)
    assert reply.parent == parent


def test_a_reply_to_a_comment_of_another_article_is_refused():
    parent = CommentFactory()
    with pytest.raises(moderation.CommentRejected):
        submit(ArticleFactory(), parent=parent)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (moderation.approve, Comment.Status.APPROVED),
        (moderation.reject, Comment.Status.REJECTED),
        (moderation.mark_spam, Comment.Status.SPAM),
    ],
)
def test_moderation_records_who_and_when(action, status):
    comment = CommentFactory(status=Comment.Status.PENDING)
    staff = StaffFactory()
    action(comment, by=staff)
    comment.refresh_from_db()
    assert comment.status == status
    assert comment.moderated_by == staff
    assert timezone.now() - comment.moderated_at < timedelta(seconds=5)


def test_a_clinic_reply_is_approved_and_marked_as_the_clinics(settings):
    parent = CommentFactory()
    staff = StaffFactory()
    reply = moderation.reply_as_clinic(parent, by=staff, body="Thanks for asking.")
    assert reply.parent == parent
    assert reply.status == Comment.Status.APPROVED
    assert reply.is_staff_reply
    assert reply.name == settings.CLINIC_NAME
    assert reply.moderated_by == staff


def queued():
    """The moderators' notices waiting in the mail queue (make worker delivers them)."""
    return [email for email in Email.objects.order_by("pk") if "awaits moderation" in email.subject]


def test_moderators_are_emailed_about_a_pending_comment(django_capture_on_commit_callbacks):
    moderator("mod@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(body="My private story about my sciatica")
    [message] = queued()
    assert message.to == ["mod@example.com"]
    assert reverse("admin:comments_comment_change", args=[comment.pk]) in message.message
    assert "1 pending" in message.message


def test_the_moderator_email_is_queued_not_sent_during_the_request(
    settings, django_capture_on_commit_callbacks, mailoutbox, mail_worker
):
    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    moderator("mod@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert mailoutbox == []
    mail_worker.run()
    assert ["mod@example.com"] in [m.to for m in mailoutbox]


def test_the_moderator_email_holds_no_comment_text_or_author(django_capture_on_commit_callbacks):
    moderator()
    with django_capture_on_commit_callbacks(execute=True):
        submit(name="Zed Quill", email="zed@example.com", body="My private story about my sciatica")
    sent = queued()[0].subject + queued()[0].message
    assert "sciatica" not in sent
    assert "Zed Quill" not in sent
    assert "zed@example.com" not in sent


def test_a_comment_published_at_once_sends_the_moderators_no_email():
    moderator()
    submit(verified_browser=True)
    assert queued() == []


def test_moderator_emails_are_throttled(django_capture_on_commit_callbacks):
    moderator()
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            submit(article, email=f"new{n}@example.com")
    assert len(queued()) == 1


def test_each_moderator_has_their_own_throttle(django_capture_on_commit_callbacks):
    moderator("one@example.com")
    moderator("two@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert sorted(m.to[0] for m in queued()) == ["one@example.com", "two@example.com"]


def test_the_settings_list_is_the_fallback_for_an_empty_group(settings, django_capture_on_commit_callbacks):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.com"]
    UserFactory(email="not-a-moderator@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert [m.to for m in queued()] == [["desk@example.com"]]


def test_the_email_is_stored_with_the_comment_or_not_at_all(monkeypatch):
    moderator()

    def broken_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Comment.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        submit()
    assert queued() == []
