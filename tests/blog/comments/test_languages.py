"""A commenter's emails are in the language of the page they wrote on; moderators' in the site's."""

import pytest
from django.urls import reverse
from django.utils import translation
from post_office.models import Email

from blog.comments import moderation
from blog.comments.models import Comment
from tests.blog.comments.helpers import comment_data, confirm_address
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db


def spanish(name, *args):
    with translation.override("es"):
        return reverse(name, args=args)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://clinic.example"


def test_a_spanish_commenter_is_asked_to_confirm_in_spanish_and_moderators_told_in_english(client, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["moderators@clinic.example"]
    article = ArticleFactory()
    response = client.post(spanish("comments:create", article.slug), comment_data())
    assert response.status_code == 303
    assert Comment.objects.get().language == "es"
    confirmation = Email.objects.get(to=["ana@example.com"])
    assert "Confirme su dirección" in confirmation.subject
    assert "https://clinic.example/es/blog/comments/confirm/?token=" in confirmation.message
    moderators = Email.objects.get(to=["moderators@clinic.example"])
    assert "comment" in (moderators.subject + moderators.message).lower()
    assert "comentario" not in (moderators.subject + moderators.message).lower()


def test_a_reply_notice_is_in_the_language_the_subscriber_wrote_in(client):
    article = ArticleFactory(title="Dolor de rodilla")
    confirm_address(client, "ana@example.com")
    client.post(
        spanish("comments:create", article.slug),
        comment_data(email="ana@example.com", notify_replies="on"),
    )
    comment = Comment.objects.get(email="ana@example.com", status="approved")
    with translation.override("en"):
        moderation.reply_as_clinic(comment, by=StaffFactory(), body="Gracias por su pregunta.")
    notice = Email.objects.filter(to=["ana@example.com"]).latest("pk")
    assert "Dolor de rodilla" in notice.subject
    assert "https://clinic.example/es/blog/comments/" in notice.message
    assert "replied" not in notice.message
