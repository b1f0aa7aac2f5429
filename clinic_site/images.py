"""Smaller copies of the photos public pages show, so a phone downloads a picture its own size.

When a cover image or a photo is saved (``clinic_site.fields.ResponsiveImageField``), or an image
is uploaded through the article editor (``blog.uploads``), Pillow writes a WebP copy at each of
``VARIANT_WIDTHS`` narrower than the picture, next to it in the media storage (through the storage
API: local disk or the bucket), named after it: ``covers/2026/12/<name>.jpg`` gets
``covers/2026/12/<name>-480w.webp`` and so on. What was made is recorded (on the row, a JSON field;
for an editor image, its ``blog.EditorImage``), with the name of the picture it was made from, and
pages offer the copies to the browser with ``srcset``; a picture whose record is missing or names
another picture (uploaded before the copies existed, a copy that could not be made) is shown alone,
as before. ``manage.py make_image_variants`` makes them for pictures uploaded earlier.

A copy is written only under a name the storage has not used (it never overwrites), and one already
under its name is taken as it is, so a name keeps its content for good, which lets
``clinic_site.media`` mark uploads immutable.
"""

import io
import logging
import posixpath
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Chosen for how the pictures are shown: a team portrait of 7.5rem is 240 pixels on a 2x screen,
# an article card or a location photo across a phone (390 to 430 CSS pixels) 720 to 960 on one.
VARIANT_WIDTHS = (240, 480, 720, 960)
WEBP_QUALITY = 80
# Pillow first shrinks by a whole factor until the picture is at most this many times the copy's
# size, then resamples: the four copies of a 24-megapixel photo in 0.45 s instead of 1.1 s, each
# pixel within 0.04 of resampling the whole picture on average (of 255; at most 8).
REDUCING_GAP = 3.0


@dataclass(frozen=True)
class Variant:
    name: str
    width: int
    height: int


def variant_name(name: str, width: int) -> str:
    stem, _extension = posixpath.splitext(name)
    return f"{stem}-{width}w.webp"


def make_variants(storage, name: str) -> dict | None:
    """Write the smaller copies of the picture stored in ``storage`` under ``name`` and return the
    record to keep, or None when the picture cannot be read or the copies cannot be written (the
    page then shows it alone; what was being saved is saved all the same)."""
    try:
        return _make_variants(storage, name)
    except Exception:  # a storage's own errors (a bucket that does not answer) are its library's
        logger.warning("The smaller copies of %r could not be written.", name, exc_info=True)
        return None


def _make_variants(storage, name: str) -> dict | None:
    try:
        # From the storage, not through an image field's file, which stays as it was for its next reader.
        with storage.open(name, "rb") as stored, Image.open(stored) as image:
            image.load()
            animated = getattr(image, "is_animated", False)
            upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("The picture %r could not be read to make its smaller copies.", name, exc_info=True)
        return None
    record = {"source": name, "width": upright.width, "height": upright.height, "variants": []}
    if animated:  # a still copy would lose the animation; the original is shown at every width
        return record
    if upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() or upright.mode == "P" else "RGB")
    for width in VARIANT_WIDTHS:
        if width >= upright.width:
            break
        height = max(1, round(upright.height * width / upright.width))
        stored = variant_name(name, width)
        # A copy already there was made from this very file (two rows sharing one picture, as a
        # translation shares its original's cover, or a second run): kept, never written over.
        if not storage.exists(stored):
            small = upright.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
            out = io.BytesIO()
            small.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
            stored = storage.save(stored, ContentFile(out.getvalue()))
        record["variants"].append({"name": stored, "width": width, "height": height})
    return record


def is_record_of(record: dict | None, name: str) -> bool:
    """Whether ``record`` (a row's record of copies) was made from the picture ``name``."""
    return bool(name) and bool(record) and record.get("source") == name


def srcset(storage, name: str, record: dict | None) -> str:
    """The ``srcset`` of an ``<img>`` showing the picture ``name``: its copies and itself, each with
    its width; empty when it has none (the ``src`` alone is then the picture)."""
    variants = variants_of(name, record)
    if not variants:
        return ""
    candidates = [f"{storage.url(v.name)} {v.width}w" for v in variants]
    return ", ".join([*candidates, f"{storage.url(name)} {record['width']}w"])


def variants_of(name: str, record: dict | None) -> list[Variant]:
    """The copies recorded for the picture ``name``, narrowest first; none if the record is of
    another picture or missing."""
    if not is_record_of(record, name):
        return []
    return [Variant(v["name"], v["width"], v["height"]) for v in record.get("variants", [])]
