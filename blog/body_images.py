"""The images in an article body get their size and their smaller copies, written in on save.

An image uploaded through the editor (blog.uploads) is recorded as a ``blog.EditorImage`` with its
width, height and the WebP copies made of it (clinic_site.images). When an article is saved, after
the body has passed the allow-list (blog.sanitize, which drops any ``srcset`` or ``sizes`` that came
in), each ``<img>`` showing a recorded upload gets:

- ``width`` and ``height`` from the record when the editor gave neither (the page then keeps its
  place for the picture before it arrives);
- ``srcset`` listing the copies and ``sizes`` for the article's column, so a phone downloads a
  picture its own size.

So every ``srcset`` in a body is ours, made from our records, and the page costs nothing more to
render. An image uploaded before its record existed is shown as it was until
``manage.py make_image_variants`` records it and saves its articles again.
"""

import re

from django.core.files.storage import default_storage
from django.utils.html import escape

from clinic_site import images

from .uploads import UPLOAD_DIR

# The sanitiser's output is html5ever's serialisation: every attribute double-quoted, with any quote
# inside escaped, so a tag and its attributes can be read off with these (a ">" inside a value,
# which ammonia escapes anyway, would not end the tag).
IMG_TAG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
# The body column (.article-body in site.css): at most 42rem, less the page's gutters on a phone.
COLUMN_WIDTH = 672
GUTTERS = 24


def upload_name(src: str) -> str | None:
    """The storage name of an editor upload from its address in a body, or None if it is not one."""
    prefix = default_storage.url(f"{UPLOAD_DIR}/")
    if not src.startswith(prefix):
        return None
    return f"{UPLOAD_DIR}/{src[len(prefix) :]}"


def upload_names(body: str) -> set[str]:
    """The storage names of the editor uploads that the images of ``body`` show."""
    names = {upload_name(dict(ATTRIBUTE.findall(tag)).get("src", "")) for tag in IMG_TAG.findall(body)}
    return names - {None}


def is_size(value: str | None) -> bool:
    return bool(value) and value.isdigit() and int(value) > 0


def sizes_for(width: int) -> str:
    """The ``sizes`` of an image shown ``width`` CSS pixels wide at most, in the body column."""
    if width >= COLUMN_WIDTH:
        return f"(min-width: {COLUMN_WIDTH + GUTTERS}px) {COLUMN_WIDTH}px, calc(100vw - {GUTTERS}px)"
    return f"(min-width: {width + GUTTERS}px) {width}px, calc(100vw - {GUTTERS}px)"


def with_image_sizes(body: str) -> str:
    """``body`` (sanitised HTML) with each recorded editor image given its size and its copies."""
    from .models import EditorImage

    names = upload_names(body)
    if not names:
        return body
    records = {image.name: image for image in EditorImage.objects.filter(name__in=names)}

    def rewrite(match: re.Match) -> str:
        tag = match.group(0)
        attributes = dict(ATTRIBUTE.findall(tag))
        record = records.get(upload_name(attributes.get("src", "")))
        if record is None:
            return tag
        if not (is_size(attributes.get("width")) and is_size(attributes.get("height"))):
            attributes["width"], attributes["height"] = str(record.width), str(record.height)
        srcset = images.srcset(default_storage, record.name, record.variants)
        if srcset:
            attributes["srcset"] = escape(srcset)
            attributes["sizes"] = sizes_for(int(attributes["width"]))
        return "<img " + " ".join(f'{key}="{value}"' for key, value in attributes.items()) + ">"

    return IMG_TAG.sub(rewrite, body)
