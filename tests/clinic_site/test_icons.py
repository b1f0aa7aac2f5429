import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from clinic_site import icons
from clinic_site.models import Practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_favicon_ico_is_served_not_404(client):
    response = client.get("/favicon.ico")  # typed: where browsers look without reading a page
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    with Image.open(io.BytesIO(_body(response))) as image:
        assert image.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= set(image.info["sizes"])
    assert "max-age=86400" in response["Cache-Control"]


def test_pages_link_versioned_icons_cached_for_a_year(client):
    content = client.get(reverse("home")).content.decode()
    version = Practice.objects.get().icons_version
    touch = reverse("icon", args=[version, "apple-touch-icon.png"])
    assert f'<link rel="apple-touch-icon" href="{touch}">' in content
    assert f'href="{reverse("icon", args=[version, "favicon.ico"])}"' in content
    response = client.get(touch)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    with Image.open(io.BytesIO(_body(response))) as image:
        assert image.size == (180, 180)
        assert image.mode == "RGB"  # opaque: iOS would paint transparency black


def test_a_new_logo_makes_new_icons_under_a_new_version(client):
    practice = Practice.objects.get()
    before = practice.icons_version
    red = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 20, 20)).save(red, format="PNG")
    practice.logo.save("logo.png", ContentFile(red.getvalue()))
    assert practice.icons_version != before
    response = client.get(reverse("icon", args=[practice.icons_version, "icon-192.png"]))
    with Image.open(io.BytesIO(_body(response))) as image:
        assert image.convert("RGB").getpixel((96, 96)) == (200, 20, 20)  # from the logo's left square
    assert f'href="{reverse("icon", args=[practice.icons_version, "favicon.ico"])}"' in (
        client.get(reverse("home")).content.decode()
    )


def test_an_old_version_is_sent_to_the_current_icon(client):
    response = client.get(reverse("icon", args=["0123456789ab", "icon-192.png"]))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "icon", args=[Practice.objects.get().icons_version, "icon-192.png"]
    )


def test_an_unknown_icon_name_is_a_404(client):
    version = Practice.objects.get().icons_version
    assert client.get(reverse("icon", args=[version, "passwd"])).status_code == 404


def test_icons_are_made_once_and_then_read_from_storage(client, tmp_media):
    version = Practice.objects.get().icons_version
    client.get("/favicon.ico")
    made = sorted(p.name for p in (tmp_media / icons.ICON_DIR / version).iterdir())
    assert made == sorted(icons.ICONS)


def test_the_default_logo_is_a_wide_png_with_the_mark():
    with Image.open(io.BytesIO(icons.draw_logo("Tidewater Physical Therapy"))) as image:
        assert image.format == "PNG"
        assert image.width > 2 * image.height
        assert image.getpixel((image.height // 2, 10))[:3] == icons.TEAL


@pytest.mark.parametrize("content", [None, b"not an image at all"])
def test_a_logo_gone_from_storage_or_unreadable_gives_the_default_mark_not_an_error(
    client, tmp_media, content
):
    practice = Practice.objects.get()
    if content is None:
        blue = io.BytesIO()
        Image.new("RGB", (300, 100), (20, 20, 200)).save(blue, format="PNG")
        content = blue.getvalue()
        practice.logo.save("logo.png", ContentFile(content))
        # The file is lost from the storage (a restore without media, say); its size stays recorded.
        (tmp_media / practice.logo.name).unlink()
    else:
        practice.logo.save("logo.png", ContentFile(content))
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    with Image.open(io.BytesIO(_body(response))) as image:
        assert image.format == "ICO"
    assert client.get(reverse("home")).status_code == 200
