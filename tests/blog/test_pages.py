import pytest
from django.urls import reverse

from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_home_page_renders_the_practice_name(client, settings):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.CLINIC_NAME in response.content.decode()


@pytest.mark.django_db
def test_published_article_opens_at_its_slug(client):
    article = ArticleFactory(title="Myofascial release, explained")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Myofascial release, explained" in response.content.decode()
