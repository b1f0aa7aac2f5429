"""Images in article bodies: an editor upload is recorded with its smaller copies, and the articles
that show it get its size and a srcset on save (blog.body_images)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from blog.body_images import with_image_sizes
from blog.models import Article, EditorImage
from clinic_site.images import variant_name
from tests.factories import ArticleEditorFactory, ArticleFactory

pytestmark = pytest.mark.django_db

# The body column at each screen width (Bootstrap's container and .col-lg-8 less their gutters, at
# most 42rem), widest first; a phone's screen less its gutters.
COLUMN = (
    "(min-width: 1200px) 672px, (min-width: 992px) 616px, (min-width: 768px) 672px, "
    "(min-width: 576px) 516px, calc(100vw - 24px)"
)


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(size) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 140)).save(out, format="PNG")
    return out.getvalue()


def uploaded(client, size=(1200, 800)) -> dict:
    """Upload an image as the editor does; its JSON answer (url, fileName)."""
    response = client.post(
        reverse("admin:blog_article_upload_image"), {"upload": SimpleUploadedFile("knee.png", png(size))}
    )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def editor(client):
    client.force_login(ArticleEditorFactory())
    return client


def article_page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_editor_upload_is_recorded_with_its_size_and_smaller_copies(editor):
    data = uploaded(editor)
    image = EditorImage.objects.get()
    name = f"uploads/{data['fileName']}"
    assert (image.name, image.width, image.height) == (name, 1200, 800)
    assert [v["width"] for v in image.variants["variants"]] == [240, 480, 720, 960]
    for variant in image.variants["variants"]:
        assert variant["name"] == variant_name(name, variant["width"])
        assert default_storage.exists(variant["name"])


def test_an_article_showing_the_upload_offers_its_copies_for_the_body_column(editor, client):
    url = uploaded(editor)["url"]
    article = ArticleFactory(
        body=f'<p>The knee.</p><p><img src="{url}" alt="A knee" width="1200" height="800"></p>'
    )
    stem = url.removesuffix(".png")
    copies = [f"{stem}-{width}w.webp {width}w" for width in (240, 480, 720, 960)]
    srcset = ", ".join([*copies, f"{url} 1200w"])
    expected = f'<img src="{url}" alt="A knee" width="1200" height="800" srcset="{srcset}" sizes="{COLUMN}">'
    assert expected in article_page(client, article)


def test_an_image_staff_made_smaller_is_offered_at_the_size_it_is_shown(editor):
    url = uploaded(editor)["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee" width="300" height="200"></p>')
    assert 'width="300" height="200"' in article.body
    assert 'sizes="(min-width: 324px) 300px, calc(100vw - 24px)"' in article.body


def test_an_image_without_its_size_gets_the_recorded_one(editor):
    url = uploaded(editor, size=(800, 600))["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee"></p>')
    assert 'width="800" height="600"' in article.body
    assert f'sizes="{COLUMN}"' in article.body


def test_a_small_image_gets_its_size_but_no_srcset(editor):
    url = uploaded(editor, size=(200, 100))["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A dot"></p>')
    assert f'<img src="{url}" alt="A dot" width="200" height="100">' in article.body


def test_a_srcset_typed_into_the_body_is_dropped_and_ours_written_instead(editor):
    url = uploaded(editor)["url"]
    body = (
        f'<p><img src="{url}" alt="A knee" width="1200" height="800" '
        'srcset="https://tracker.example/pixel.png 2000w" sizes="100vw"></p>'
    )
    article = ArticleFactory(body=body)
    assert "tracker.example" not in article.body
    assert 'sizes="100vw"' not in article.body
    assert article.body.count("srcset=") == 1
    assert f"{url} 1200w" in article.body


def test_an_image_narrower_than_the_column_is_offered_at_its_own_width_where_it_fits(editor):
    url = uploaded(editor)["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee" width="600" height="400"></p>')
    sizes = "(min-width: 768px) 600px, (min-width: 576px) 516px, calc(100vw - 24px)"
    assert f'sizes="{sizes}"' in article.body


def test_one_side_given_gets_the_other_in_the_pictures_proportions(editor):
    url = uploaded(editor)["url"]  # 1200 by 800
    by_width = ArticleFactory(body=f'<p><img src="{url}" alt="A knee" width="300"></p>')
    by_height = ArticleFactory(body=f'<p><img src="{url}" alt="A knee" height="100"></p>')
    assert 'width="300" height="200" srcset=' in by_width.body
    assert 'sizes="(min-width: 324px) 300px, calc(100vw - 24px)"' in by_width.body
    assert 'width="150" height="100" srcset=' in by_height.body


@pytest.mark.parametrize("width", ["50%", "²", "0"])
def test_a_size_that_is_not_pixels_is_left_as_the_editor_gave_it(editor, width):
    url = uploaded(editor)["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee" width="{width}" height="400"></p>')
    assert f'<img src="{url}" alt="A knee" width="{width}" height="400">' in article.body


def test_a_quoted_angle_bracket_does_not_end_the_tag(editor):
    # What the allow-list gives today has "&gt;" there; the reading must not depend on it.
    url = uploaded(editor)["url"]
    body = f'<p><img src="{url}" alt="Knee > hip" width="600" height="400"> after</p>'
    written = with_image_sizes(body)
    assert written.startswith(f'<p><img src="{url}" alt="Knee > hip" width="600" height="400" srcset=')
    assert written.endswith("> after</p>")
    assert written.count("<img") == 1


def test_only_the_allowed_attributes_are_written_back(editor):
    url = uploaded(editor)["url"]
    body = f'<p><img src="{url}" alt="A knee" onerror="alert(1)" width="600" height="400"></p>'
    written = with_image_sizes(body)
    assert "onerror" not in written
    assert written.startswith(f'<p><img src="{url}" alt="A knee" width="600" height="400" srcset=')


def test_saving_again_leaves_the_body_as_it_was(editor):
    url = uploaded(editor)["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee"></p>')
    first = article.body
    article.save()
    assert Article.objects.get(pk=article.pk).body == first


def test_an_image_without_a_record_is_left_as_it_came(editor):
    name = default_storage.save("uploads/older.png", ContentFile(png((1200, 800))))
    body = f'<p><img src="/media/{name}" alt="An older upload"></p>'
    assert ArticleFactory(body=body).body == body


def test_the_command_records_earlier_uploads_and_saves_their_articles(client):
    name = default_storage.save("uploads/older.png", ContentFile(png((1200, 800))))
    article = ArticleFactory(body=f'<p><img src="/media/{name}" alt="An older upload"></p>')
    assert "srcset" not in article_page(client, article)  # and now cached
    updated_at = Article.objects.get(pk=article.pk).updated_at

    out = io.StringIO()
    call_command("make_image_variants", stdout=out)

    image = EditorImage.objects.get(name=name)
    assert (image.width, image.height) == (1200, 800)
    assert [v["width"] for v in image.variants["variants"]] == [240, 480, 720, 960]
    page = article_page(client, article)
    assert 'width="1200" height="800" srcset="/media/uploads/older-240w.webp 240w' in page
    # A technical save: the article does not say it was updated.
    assert Article.objects.get(pk=article.pk).updated_at == updated_at
    assert "for 1 pictures" in out.getvalue()

    again = io.StringIO()
    call_command("make_image_variants", stdout=again)
    assert "for 0 pictures" in again.getvalue()


def test_the_command_saves_a_translation_showing_a_picture_recorded_for_its_original(client):
    name = default_storage.save("uploads/older.png", ContentFile(png((1200, 800))))
    body = f'<p><img src="/media/{name}" alt="An older upload"></p>'
    original = ArticleFactory(body=body)
    translation = ArticleFactory(body=body, language="es", translation_of=original)
    call_command("make_image_variants", stdout=io.StringIO())
    assert EditorImage.objects.filter(name=name).count() == 1
    for article in (original, translation):
        assert "srcset=" in Article.objects.get(pk=article.pk).body


def test_the_command_reports_an_upload_gone_from_the_storage():
    ArticleFactory(body='<p><img src="/media/uploads/gone.png" alt="Gone"></p>')
    out, err = io.StringIO(), io.StringIO()
    call_command("make_image_variants", stdout=out, stderr=err)
    assert "'uploads/gone.png' could not be read" in err.getvalue()
    assert "1 could not be read" in out.getvalue()
    assert not EditorImage.objects.exists()


def test_on_the_bucket_the_copies_go_there_and_the_page_offers_them_from_our_origin(
    editor, client, media_bucket
):
    url = uploaded(editor)["url"]
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee" width="1200" height="800"></p>')
    name = url.removeprefix("/media/")
    copies = {variant_name(name, width) for width in (240, 480, 720, 960)}
    assert media_bucket.keys() == {name} | copies
    page = article_page(client, article)
    assert f"/media/{variant_name(name, 480)} 480w" in page
    served = client.get(f"/media/{variant_name(name, 480)}")
    assert served["Content-Type"] == "image/webp"


def test_an_upload_whose_copies_cannot_be_written_is_kept_and_shown_alone(editor, monkeypatch):
    exists = default_storage.exists

    def bucket_down_for_copies(name):
        if name.endswith("w.webp"):
            raise RuntimeError("the bucket does not answer")
        return exists(name)

    monkeypatch.setattr(default_storage, "exists", bucket_down_for_copies)
    url = uploaded(editor)["url"]
    monkeypatch.undo()
    image = EditorImage.objects.get()
    assert (image.width, image.height, image.variants) == (1200, 800, None)
    article = ArticleFactory(body=f'<p><img src="{url}" alt="A knee"></p>')
    assert f'<img src="{url}" alt="A knee" width="1200" height="800">' in article.body
