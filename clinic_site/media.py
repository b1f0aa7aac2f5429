"""Uploaded files, served by Django when DJANGO_SERVE_MEDIA is on (DEBUG, `make serve`, and always
when media are on a bucket, which browsers never reach).

Files come from the default storage (local disk or the bucket) through its API only, never a local
path, so the same view serves either. Uploads come from staff, but a file is still treated as
untrusted: images in a few raster formats are shown inline with their own type; anything else (SVG,
HTML, PDF, ...) is sent as a download, and every answer forbids sniffing and runs in a CSP sandbox,
so a file can never act as a page of the site. A name that leaves the media folder (``..``, an
absolute path) is refused by the storage and answered 404, like a missing file.

An image that staff uploaded is stored under a random name of 32 hex digits (``blog.uploads``), and
its smaller copies under that name and a width (``clinic_site.images``); the storage never
overwrites a name (local disk, and the bucket with ``file_overwrite`` off), so such a name holds the
same bytes for as long as it exists, and browsers may keep it for a year without asking again. Other
names (the demo's pictures, files put there by hand) could be replaced in place: a day.
"""

import mimetypes
import re

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
# <32 hex digits>[-<width>w][_<7 characters the storage adds to a name already taken>].<extension>
UPLOADED_NAME = re.compile(r"(?:^|/)[0-9a-f]{32}(?:-\d+w)?(?:_[A-Za-z0-9]{7})?\.[a-z0-9]+$")
ONE_YEAR = 60 * 60 * 24 * 365
ONE_DAY = 60 * 60 * 24


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
        if UPLOADED_NAME.search(path):
            patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
        else:
            patch_cache_control(response, public=True, max_age=ONE_DAY)
    else:
        response = FileResponse(file, as_attachment=True, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
