import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog.admin import ArticleAdminForm
from blog.models import Article
from tests.factories import ArticleFactory, ClinicianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(size=(60, 40)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return SimpleUploadedFile("cover.png", out.getvalue(), content_type="image/png")


def form_data(**overrides):
    data = {
        "title": "Stretching after a long drive",
        "slug": "stretching-after-a-long-drive",
        "summary": "Three stretches.",
        "body": "<p>Words.</p>",
        "author": ClinicianFactory().pk,
        "status": Article.Status.DRAFT,
        "published_at": "2026-01-05 10:00",
        "cover_alt": "",
    }
    data.update(overrides)
    return data


def run_action(client, action, articles):
    return client.post(
        reverse("admin:blog_article_changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


def test_publish_now_makes_drafts_and_scheduled_articles_live(admin_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(days=5))
    response = run_action(admin_client, "publish_now", [draft, scheduled])
    assert response.status_code == 200
    assert set(Article.objects.published()) == {draft, scheduled}
    assert "2 articles published." in response.content.decode()


def test_publish_now_keeps_the_date_of_an_article_already_live(admin_client):
    live = ArticleFactory(published_at=timezone.now() - timedelta(days=30))
    before = live.published_at
    run_action(admin_client, "publish_now", [live])
    live.refresh_from_db()
    assert live.published_at == before


def test_move_back_to_draft(admin_client):
    live = ArticleFactory()
    run_action(admin_client, "move_to_draft", [live])
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT


def test_an_article_moved_back_to_draft_leaves_the_page_cache_at_once(admin_client, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    live = ArticleFactory()
    reader = Client(headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"})
    assert reader.get(live.get_absolute_url()).status_code == 200  # now in the page cache
    run_action(admin_client, "move_to_draft", [live])
    assert Client().get(live.get_absolute_url()).status_code == 404


def test_the_changelist_shows_live_scheduled_and_draft(admin_client):
    ArticleFactory(title="Live one")
    ArticleFactory(title="Later one", published_at=timezone.now() + timedelta(days=2))
    ArticleFactory(title="Draft one", status=Article.Status.DRAFT)
    page = admin_client.get(reverse("admin:blog_article_changelist")).content.decode()
    assert "Live" in page
    assert "Scheduled" in page
    assert 'class="field-state">Draft' in page


def test_view_on_site_opens_a_draft_for_staff(admin_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200


def test_a_cover_image_needs_alt_text_in_the_model():
    article = ArticleFactory.build(author=ClinicianFactory(), cover_image="covers/x.png", cover_alt=" ")
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "cover_alt" in excinfo.value.message_dict


def test_a_cover_image_needs_alt_text_in_the_admin_form():
    form = ArticleAdminForm(data=form_data(), files={"cover_image": png()})
    assert not form.is_valid()
    assert "cover_alt" in form.errors


def test_a_cover_image_with_alt_text_is_saved_re_encoded_under_a_random_name():
    form = ArticleAdminForm(data=form_data(cover_alt="A teal square."), files={"cover_image": png()})
    assert form.is_valid(), form.errors
    article = form.save()
    assert article.cover_image.name.startswith("covers/")
    assert article.cover_image.name.endswith(".png")
    assert "cover" not in article.cover_image.name.rsplit("/", 1)[-1]


def test_a_cover_image_over_the_pixel_limit_is_refused(settings):
    settings.BLOG_UPLOAD_MAX_PIXELS = 1000
    form = ArticleAdminForm(data=form_data(cover_alt="Big."), files={"cover_image": png((100, 100))})
    assert not form.is_valid()
    assert "cover_image" in form.errors


def test_a_cover_that_is_not_an_image_is_refused():
    fake = SimpleUploadedFile("cover.png", b"<html>not an image</html>", content_type="image/png")
    form = ArticleAdminForm(data=form_data(cover_alt="x"), files={"cover_image": fake})
    assert not form.is_valid()
    assert "cover_image" in form.errors


def test_a_cover_uploaded_in_the_admin_goes_to_the_bucket_and_is_served_from_our_origin(
    admin_client, media_bucket
):
    data = form_data(cover_alt="A teal square.", status=Article.Status.PUBLISHED)
    # The admin's date and time widgets.
    del data["published_at"]
    data.update(published_at_0="2026-01-05", published_at_1="10:00", cover_image=png())
    response = admin_client.post(reverse("admin:blog_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="stretching-after-a-long-drive")
    assert media_bucket.keys() == {article.cover_image.name}
    assert article.cover_image.url == f"/media/{article.cover_image.name}"
    served = admin_client.get(article.cover_image.url)
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == media_bucket.read(article.cover_image.name)
