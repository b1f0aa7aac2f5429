"""Uploaded files, served by Django only where no web server does it (DEBUG, `make serve`).

Uploads come from staff, but a file is still treated as untrusted: images in a few raster formats
are shown inline with their own type; anything else (SVG, HTML, PDF, ...) is sent as a download,
and every answer forbids sniffing and runs in a CSP sandbox, so a file can never act as a page of
the site.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})


def serve_media(request, path: str):
    root = Path(settings.MEDIA_ROOT).resolve()
    file_path = (root / path).resolve()
    if not file_path.is_relative_to(root) or not file_path.is_file():
        raise Http404
    content_type, _encoding = mimetypes.guess_type(file_path.name)
    if content_type in INLINE_TYPES:
        response = FileResponse(file_path.open("rb"), content_type=content_type)
    else:
        response = FileResponse(
            file_path.open("rb"), as_attachment=True, content_type="application/octet-stream"
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
