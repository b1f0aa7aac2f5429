import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_renders_the_practice_name(client, settings):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.CLINIC_NAME in response.content.decode()
