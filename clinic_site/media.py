"""Uploaded files, served by Django when DJANGO_SERVE_MEDIA is on (DEBUG, `make serve`, and always
when media are on a bucket, which browsers never reach).

Files come from the default storage (local disk or the bucket) through its API only, never a local
path, so the same view serves either. Uploads come from staff, but a file is still treated as
untrusted: images in a few raster formats are shown inline with their own type; anything else (SVG,
HTML, PDF, ...) is sent as a download, and every answer forbids sniffing and runs in a CSP sandbox,
so a file can never act as a page of the site. A name that leaves the media folder (``..``, an
absolute path) is refused by the storage and answered 404, like a missing file.
"""

import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})


def serve_media(request, path: str):
    if not settings.SERVE_MEDIA:
        raise Http404
    try:
        # Opening checks that the file is there (a HEAD request on a bucket); nothing is read yet.
        file = default_storage.open(path, "rb")
    except (OSError, ValueError, SuspiciousOperation):
        # Missing, a folder, a name the file system refuses (a NUL byte, too long), or outside media.
        raise Http404 from None
    content_type, _encoding = mimetypes.guess_type(path)
    if content_type in INLINE_TYPES:
        response = FileResponse(file, content_type=content_type)
    else:
        response = FileResponse(file, as_attachment=True, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
