"""Uploaded files as `make serve` sends them (clinic_site.media)."""

import pytest
from django.http import Http404

from clinic_site.media import serve_media

# The requests are typed: uploaded files live at MEDIA_URL, and some paths here are hostile on purpose.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "covers").mkdir(parents=True)
    return settings.MEDIA_ROOT


def test_image_is_shown_inline_with_its_own_type(rf, media_root):
    (media_root / "covers" / "knee.png").write_bytes(PNG)
    response = serve_media(rf.get("/media/covers/knee.png"), "covers/knee.png")
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content) == PNG


def test_svg_is_sent_as_a_download_not_a_page(rf, media_root):
    (media_root / "covers" / "logo.svg").write_text("<svg><script>alert(1)</script></svg>")
    response = serve_media(rf.get("/media/covers/logo.svg"), "covers/logo.svg")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_html_is_sent_as_a_download_not_a_page(rf, media_root):
    (media_root / "page.html").write_text("<h1>hello</h1>")
    response = serve_media(rf.get("/media/page.html"), "page.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_every_file_forbids_sniffing_and_runs_sandboxed(rf, media_root):
    (media_root / "covers" / "knee.png").write_bytes(PNG)
    response = serve_media(rf.get("/media/covers/knee.png"), "covers/knee.png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_path_outside_the_media_folder_is_not_found(rf, media_root):
    (media_root.parent / "secret_key").write_text("not for the web")
    with pytest.raises(Http404):
        serve_media(rf.get("/media/../secret_key"), "../secret_key")


def test_missing_file_is_not_found(rf, media_root):
    with pytest.raises(Http404):
        serve_media(rf.get("/media/covers/none.png"), "covers/none.png")
