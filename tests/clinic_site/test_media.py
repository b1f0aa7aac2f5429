"""Uploaded files as browsers get them from /media/ (clinic_site.media), on local disk and on a bucket."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from blog.uploads import CleanImage
from clinic_site.media import UPLOADED_NAME

# The 404 page is the site's own, which reads the practice's locations.
pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture(params=["disk", "bucket"])
def media(request, settings, tmp_path):
    """Media served by Django, stored on local disk or on the local S3 server's bucket."""
    if request.param == "bucket":
        request.getfixturevalue("media_bucket")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.SERVE_MEDIA = True
    return request.param


def media_url(path):
    return reverse("media", kwargs={"path": path})


def test_the_media_address_is_our_own_origin(media):
    # Typed: pages link here, never to the bucket (no presigned or public bucket URL).
    assert default_storage.url("covers/knee.png") == "/media/covers/knee.png"


def test_image_is_shown_inline_with_its_own_type(client, media):
    default_storage.save("covers/knee.png", ContentFile(PNG))
    response = client.get(media_url("covers/knee.png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == PNG


def test_svg_is_sent_as_a_download_not_a_page(client, media):
    default_storage.save("covers/logo.svg", ContentFile(b"<svg><script>alert(1)</script></svg>"))
    response = client.get(media_url("covers/logo.svg"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_html_is_sent_as_a_download_not_a_page(client, media):
    default_storage.save("page.html", ContentFile(b"<h1>hello</h1>"))
    response = client.get(media_url("page.html"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_every_file_forbids_sniffing_and_runs_sandboxed(client, media):
    default_storage.save("covers/knee.png", ContentFile(PNG))
    response = client.get(media_url("covers/knee.png"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("path", ["../secret_key", "covers/../../secret_key", "/etc/passwd"])
def test_a_path_outside_the_media_folder_is_not_found(client, media, settings, path):
    if media == "disk":
        (settings.MEDIA_ROOT.parent / "secret_key").write_text("not for the web")
    response = client.get(f"/media/{path}")
    assert response.status_code == 404


def test_an_encoded_path_outside_the_media_folder_is_not_found(client, media):
    response = client.get("/media/%2e%2e/secret_key")
    assert response.status_code == 404


def test_missing_file_is_not_found(client, media):
    assert client.get(media_url("covers/none.png")).status_code == 404


def test_a_folder_is_not_a_file(client, media):
    default_storage.save("covers/knee.png", ContentFile(PNG))
    assert client.get(media_url("covers")).status_code == 404


def test_nothing_is_served_when_django_does_not_serve_media(client, media, settings):
    default_storage.save("covers/knee.png", ContentFile(PNG))
    settings.SERVE_MEDIA = False
    assert client.get(media_url("covers/knee.png")).status_code == 404


def test_a_file_on_the_bucket_is_read_from_the_bucket(client, media_bucket):
    media_bucket.s3.put_object(Bucket=media_bucket.name, Key="covers/from-elsewhere.png", Body=PNG)
    response = client.get(media_url("covers/from-elsewhere.png"))
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize("name", ["%00", "a" * 300, "covers/%00.png"])
def test_a_name_the_storage_cannot_hold_is_not_found_not_an_error(client, media, name):
    assert client.get(f"/media/{name}").status_code == 404


UPLOADED = "covers/2026/12/0123456789abcdef0123456789abcdef.png"


@pytest.mark.parametrize(
    "name",
    [
        UPLOADED,  # blog.uploads: a random name, never reused
        "covers/2026/12/0123456789abcdef0123456789abcdef-480w.webp",  # its smaller copy
        "team/0123456789abcdef0123456789abcdef_Ab3dE9z.png",  # the storage's suffix on a taken name
    ],
)
def test_an_uploaded_image_is_cached_for_a_year_as_immutable(client, media, name):
    default_storage.save(name, ContentFile(PNG))
    response = client.get(media_url(name))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("name", ["covers/demo/knee.png", "covers/demo/knee-480w.webp", "0123abc.png"])
def test_an_image_under_a_name_of_its_own_is_cached_for_a_day(client, media, name):
    # Not a random upload name: the file could be replaced under the same name.
    default_storage.save(name, ContentFile(PNG))
    response = client.get(media_url(name))
    assert response["Cache-Control"] == "public, max-age=86400"


def test_a_download_is_not_marked_cacheable(client, media):
    name = "0123456789abcdef0123456789abcdef.html"
    default_storage.save(name, ContentFile(b"<h1>hello</h1>"))
    assert "Cache-Control" not in client.get(media_url(name))


def test_an_upload_name_is_the_one_the_cache_rule_trusts():
    names = {CleanImage(b"", "png", 1, 1).random_name() for _ in range(20)}
    assert len(names) == 20
    assert all(UPLOADED_NAME.search(f"covers/2026/12/{name}") for name in names)
