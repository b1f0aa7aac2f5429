"""Uploaded files as browsers get them from /media/ (clinic_site.media), on local disk and on a bucket."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

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
