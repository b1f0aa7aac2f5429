import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from PIL import Image

from clinic_site import roles
from tests.factories import StaffFactory, UserFactory

UPLOAD_URL = "admin:blog_article_upload_image"


def image_bytes(fmt="PNG", size=(40, 30), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 140))
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (36.0, 50.0, 0.0)}  # GPSInfo
    return exif


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def editor_client(client, db):
    editor = StaffFactory(username="an-editor")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    client.force_login(editor)
    return client


def upload(client, name, content, **extra):
    return client.post(reverse(UPLOAD_URL), {"upload": SimpleUploadedFile(name, content)}, **extra)


def test_a_png_is_accepted_and_stored_under_uploads_with_a_random_name(editor_client, settings):
    response = upload(editor_client, "my holiday.png", image_bytes())
    data = response.json()
    assert response.status_code == 200
    assert data["uploaded"] == 1
    # Typed: this address goes into article bodies, and blog.sanitize lets only it through.
    assert data["url"].startswith("/media/uploads/")
    assert data["url"].endswith(".png")
    assert "holiday" not in data["url"]
    assert (settings.MEDIA_ROOT / "uploads" / data["fileName"]).exists()


def test_the_stored_extension_follows_the_content_not_the_name(editor_client):
    response = upload(editor_client, "photo.gif", image_bytes("JPEG"))
    assert response.json()["url"].endswith(".jpg")


def test_a_jpeg_is_re_encoded_without_its_exif_metadata(editor_client, settings):
    original = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif()
    response = upload(editor_client, "phone.jpg", original)
    stored = settings.MEDIA_ROOT / "uploads" / response.json()["fileName"]
    assert stored.read_bytes() != original
    assert not Image.open(stored).getexif()


def test_bytes_after_the_image_do_not_survive_re_encoding(editor_client, settings):
    polyglot = image_bytes() + b"<?php system($_GET['c']); ?>"
    response = upload(editor_client, "x.png", polyglot)
    stored = settings.MEDIA_ROOT / "uploads" / response.json()["fileName"]
    assert b"<?php" not in stored.read_bytes()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shell.png", b"<?php echo shell_exec($_GET['c']); ?>"),
        ("page.png", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
)
def test_a_file_that_is_not_an_image_is_rejected_whatever_its_name(editor_client, settings, name, content):
    response = upload(editor_client, name, content)
    assert response.status_code == 400
    assert response.json()["uploaded"] == 0
    assert "not a JPEG, PNG, GIF or WebP" in response.json()["error"]["message"]
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_an_image_in_another_format_is_rejected(editor_client):
    response = upload(editor_client, "scan.png", image_bytes("TIFF"))
    assert response.status_code == 400


def test_a_file_over_the_byte_limit_is_rejected(editor_client, settings):
    settings.BLOG_UPLOAD_MAX_BYTES = 100
    response = upload(editor_client, "big.png", image_bytes(size=(200, 200)))
    assert response.status_code == 400
    assert "too large" in response.json()["error"]["message"]


def test_an_image_over_the_pixel_limit_is_rejected(editor_client, settings):
    settings.BLOG_UPLOAD_MAX_PIXELS = 100
    response = upload(editor_client, "wide.png", image_bytes(size=(20, 20)))
    assert response.status_code == 400
    assert "pixels" in response.json()["error"]["message"]


def test_a_post_without_a_file_is_a_400(editor_client):
    response = editor_client.post(reverse(UPLOAD_URL))
    assert response.status_code == 400


def test_anonymous_visitors_are_sent_to_the_admin_login(client, db):
    response = upload(client, "a.png", image_bytes())
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_logged_in_non_staff_user_is_sent_to_the_admin_login(client, db):
    client.force_login(UserFactory())
    response = upload(client, "a.png", image_bytes())
    assert response.status_code == 302


def test_staff_without_article_permissions_get_403(client, db):
    moderator = StaffFactory()
    moderator.groups.add(Group.objects.get(name=roles.COMMENT_MODERATORS))
    client.force_login(moderator)
    response = upload(client, "a.png", image_bytes())
    assert response.status_code == 403
    assert response.json()["uploaded"] == 0


def test_the_upload_needs_the_csrf_token_that_the_editor_script_sends(db):
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(reverse("admin:blog_article_add"))
    token = page.context["csrf_token"]
    assert upload(client, "a.png", image_bytes()).status_code == 403
    assert upload(client, "a.png", image_bytes(), headers={"X-CSRFToken": str(token)}).status_code == 200


def test_the_editor_config_points_at_our_upload_view_and_offers_no_file_browser(editor_client):
    page = editor_client.get(reverse("admin:blog_article_add")).content.decode()
    config = json.loads(
        page.split('data-config="', 1)[1].split('"', 1)[0].replace("&quot;", '"').replace("&amp;", "&")
    )
    assert config["filebrowserImageUploadUrl"] == reverse(UPLOAD_URL)
    assert config["imageUploadUrl"] == reverse(UPLOAD_URL)
    assert not any("Browse" in key for key in config)
    assert "sourcearea" in config["removePlugins"]
    # The CSRF hook must load after CKEditor itself, or it never sees an editor.
    assert page.index("ckeditor/ckeditor/ckeditor.js") < page.index("blog/js/editor-upload.js")


def test_there_is_no_file_browse_view():
    with pytest.raises(NoReverseMatch):
        reverse("ckeditor_browse")


def animated_gif(frames: int) -> bytes:
    """Tiny frames, each a different colour so that Pillow keeps every one of them."""
    images = [Image.new("P", (2, 2), color=i % 256) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=20, optimize=False)
    return out.getvalue()


def test_a_gif_of_twenty_thousand_tiny_frames_is_refused_quickly(editor_client):
    """Before: small enough in bytes and pixels, it kept a worker re-encoding for 12 seconds."""
    import time

    content = animated_gif(20_000)
    started = time.monotonic()
    response = upload(editor_client, "dance.gif", content)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The animation has 20000 frames; the limit is 300."
    assert time.monotonic() - started < 3


def test_an_animation_of_three_hundred_frames_is_accepted(editor_client):
    response = upload(editor_client, "short.gif", animated_gif(300))
    assert response.status_code == 200
    assert response.json()["url"].endswith(".gif")


def test_an_editor_image_goes_to_the_bucket_and_is_served_from_our_origin(editor_client, media_bucket):
    response = upload(editor_client, "knee.png", image_bytes())
    data = response.json()
    key = f"uploads/{data['fileName']}"
    assert media_bucket.keys() == {key}
    assert data["url"] == f"/media/{key}"
    served = editor_client.get(data["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == media_bucket.read(key)


def test_a_refused_upload_leaves_nothing_on_the_bucket(editor_client, media_bucket):
    response = upload(editor_client, "x.png", b"<svg onload=alert(1)>")
    assert response.status_code == 400
    assert media_bucket.keys() == set()
