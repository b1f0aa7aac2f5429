"""The images in an article body get their size and their smaller copies, written in on save.

An image uploaded through the editor (blog.uploads) is recorded as a ``blog.EditorImage`` with its
width, height and the WebP copies made of it (clinic_site.images). When an article is saved, after
the body has passed the allow-list (blog.sanitize, which drops any ``srcset`` or ``sizes`` that came
in), each ``<img>`` showing a recorded upload gets:

- ``width`` and ``height``: the recorded ones when the editor gave neither; the missing one, in the
  picture's proportions, when it gave one (the page then keeps the picture's place before it
  arrives). A size that is not a number of pixels ("50%") is left as it is, and so is the image;
- ``srcset`` listing the copies and ``sizes`` for the article's column at each screen width (or the
  smaller width staff gave it), so a phone downloads a picture its own size.

The tag is written again from the allow-list's own attributes of an image (``src``, ``alt``,
``width``, ``height``) and those two, so every ``srcset`` in a body is ours, made from our records,
and the page costs nothing more to render. An image uploaded before its record existed is shown as
it was until ``manage.py make_image_variants`` records it and saves the articles that show it.
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
# What blog.sanitize lets an image keep, in the order it is written back.
KEPT_ATTRIBUTES = ("src", "alt", "width", "height")
# The body column's width (.article-body, at most 42rem, in Bootstrap's container and .col-lg-8,
# less their gutters) from each screen width up, widest first; below the last, the screen less its
# gutters.
COLUMN_WIDTHS = ((1200, 672), (992, 616), (768, 672), (576, 516))
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


def pixels(value: str | None) -> int | None:
    """A width or height attribute's number of pixels; None if it is missing or not one."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,5}", value) and int(value) > 0 else None


def sizes_for(width: int) -> str:
    """The ``sizes`` of an image at most ``width`` CSS pixels wide, in the body column."""
    steps = [(screen, min(column, width)) for screen, column in COLUMN_WIDTHS]
    if width + GUTTERS < COLUMN_WIDTHS[-1][0]:
        steps.append((width + GUTTERS, width))  # a phone wider than the picture shows it whole
    merged: list[tuple[int, int]] = []
    for screen, shown in steps:  # one step for a run of screens that show it at one width
        if merged and merged[-1][1] == shown:
            merged[-1] = (screen, shown)
        else:
            merged.append((screen, shown))
    return ", ".join([*(f"(min-width: {s}px) {w}px" for s, w in merged), f"calc(100vw - {GUTTERS}px)"])


def with_image_sizes(body: str) -> str:
    """``body`` (sanitised HTML) with each recorded editor image given its size and its copies."""
    from .models import EditorImage

    names = upload_names(body)
    if not names:
        return body
    records = {image.name: image for image in EditorImage.objects.filter(name__in=names)}

    def rewrite(match: re.Match) -> str:
        tag = match.group(0)
        found = dict(ATTRIBUTE.findall(tag))
        record = records.get(upload_name(found.get("src", "")))
        if record is None:
            return tag
        width, height = pixels(found.get("width")), pixels(found.get("height"))
        if "width" not in found and "height" not in found:
            width, height = record.width, record.height
        elif width and "height" not in found:
            height = max(1, round(width * record.height / record.width))
        elif height and "width" not in found:
            width = max(1, round(height * record.width / record.height))
        srcset = ""
        if width and height:  # else a size we cannot read: the image stays as the editor gave it
            found["width"], found["height"] = str(width), str(height)
            srcset = images.srcset(default_storage, record.name, record.variants)
        attributes = {name: found[name] for name in KEPT_ATTRIBUTES if name in found}
        if srcset:
            attributes["srcset"] = escape(srcset)
            attributes["sizes"] = sizes_for(width)
        return "<img " + " ".join(f'{key}="{value}"' for key, value in attributes.items()) + ">"

    return IMG_TAG.sub(rewrite, body)
