"""The practice's logo and browser icons, drawn and resized by Pillow on our own server.

``draw_logo(name)`` draws a default logo (a mark and the name) for a practice that has none of its
own, as the demo does. ``build_icons(practice)`` makes ``favicon.ico`` (16, 32 and 48 pixels) and
the PNG touch icons from the logo's mark (its left square, or the default mark without a logo) into
the media storage, in a folder named by their version: a hash of the logo's stored name. The version
is in the icon URLs, so they are cached for a year and change the moment the logo does; the first
request for a new version makes them.
"""

import hashlib
import io
import logging
import math
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps

logger = logging.getLogger(__name__)

# The site's colours (static/css/site.css): deep teal and a sea-green accent on white.
TEAL = (11, 93, 107)
SEA = (72, 169, 166)
INK = (23, 42, 58)
WHITE = (255, 255, 255)

ICON_DIR = "practice/icons"
# name -> (pixel size, format); favicon.ico holds several sizes.
ICONS = {
    "favicon.ico": (48, "ICO"),
    "icon-32.png": (32, "PNG"),
    "apple-touch-icon.png": (180, "PNG"),
    "icon-192.png": (192, "PNG"),
    "icon-512.png": (512, "PNG"),
}
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled sans-serif (no font file needed on the server)."""
    return ImageFont.load_default(size=size)


def draw_mark(size: int) -> Image.Image:
    """The default mark: a rounded teal square with a white figure stretching upward over a wave."""
    scale = 4  # drawn large, then reduced, for smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, s - 1, s - 1], radius=s // 5, fill=TEAL)
    # The wave: a band of sea green across the lower third.
    points = []
    for i in range(0, 101):
        x = s * i / 100
        y = s * 0.74 + math.sin(i / 100 * 2 * math.pi) * s * 0.05
        points.append((x, y))
    points += [(s, s), (0, s)]
    wave = Image.new("L", (s, s), 0)
    ImageDraw.Draw(wave).polygon(points, fill=255)
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, s - 1, s - 1], radius=s // 5, fill=255)
    band = Image.new("RGBA", (s, s), (*SEA, 255))
    image.paste(band, (0, 0), Image.composite(wave, Image.new("L", (s, s), 0), mask))
    # The figure: a head and an arc of a body reaching up, in white.
    w = max(2, s // 14)
    cx = s * 0.5
    draw.ellipse([cx - s * 0.08, s * 0.16, cx + s * 0.08, s * 0.32], fill=WHITE)
    draw.arc([s * 0.24, s * 0.36, s * 0.76, s * 0.98], start=200, end=340, fill=WHITE, width=w)
    draw.line([(cx, s * 0.36), (cx, s * 0.66)], fill=WHITE, width=w)
    draw.line([(cx, s * 0.66), (s * 0.36, s * 0.84)], fill=WHITE, width=w)
    draw.line([(cx, s * 0.66), (s * 0.64, s * 0.84)], fill=WHITE, width=w)
    return image.resize((size, size), Image.LANCZOS)


def draw_logo(name: str, *, height: int = 192) -> bytes:
    """A default logo as PNG: the mark, then the practice's name on one or two lines."""
    words = name.split()
    # Two lines for a long name: the first word(s) large, the rest (often "Physical Therapy") smaller.
    if len(words) > 1:
        first, rest = words[0], " ".join(words[1:])
    else:
        first, rest = name, ""
    big = font(int(height * 0.42))
    small = font(int(height * 0.22))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    first_w = probe.textlength(first, font=big)
    rest_w = probe.textlength(rest.upper(), font=small) + len(rest) * height * 0.012 if rest else 0
    gap = int(height * 0.18)
    width = int(height + gap + max(first_w, rest_w) + height * 0.1)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.alpha_composite(draw_mark(height), (0, 0))
    draw = ImageDraw.Draw(image)
    x = height + gap
    if rest:
        draw.text((x, height * 0.47), first, font=big, fill=INK, anchor="ls", stroke_width=1, stroke_fill=INK)
        # The second line letter-spaced, in the mark's teal.
        cursor = x
        for letter in rest.upper():
            draw.text((cursor, height * 0.82), letter, font=small, fill=TEAL, anchor="ls")
            cursor += probe.textlength(letter, font=small) + height * 0.012
    else:
        draw.text((x, height * 0.64), first, font=big, fill=INK, anchor="ls", stroke_width=1, stroke_fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def mark_from_logo(logo_file) -> Image.Image:
    """The square to make icons from: a square logo whole, a wide one's left square (its mark)."""
    with Image.open(logo_file) as image:
        image = ImageOps.exif_transpose(image).convert("RGBA")
    side = min(image.width, image.height)
    square = image.crop((0, 0, side, side)) if image.width > image.height else image
    if square.width != square.height:  # a tall logo: centred on a white square
        canvas = Image.new("RGBA", (max(square.size),) * 2, (*WHITE, 255))
        canvas.alpha_composite(square, ((canvas.width - square.width) // 2, 0))
        square = canvas
    return square


def render_icons(mark: Image.Image) -> dict[str, bytes]:
    """Each icon's bytes from the mark. Touch icons get an opaque background (iOS would fill it black)."""
    files = {}
    for name, (size, fmt) in ICONS.items():
        icon = mark.resize((size, size), Image.LANCZOS)
        out = io.BytesIO()
        if fmt == "ICO":
            icon.save(out, format="ICO", sizes=ICO_SIZES)
        else:
            if name.startswith("apple-touch"):
                opaque = Image.new("RGBA", icon.size, (*WHITE, 255))
                opaque.alpha_composite(icon)
                icon = opaque.convert("RGB")
            icon.save(out, format="PNG", optimize=True)
        files[name] = out.getvalue()
    return files


# Raise when draw_mark or render_icons change, so browsers fetch the new default icons.
DEFAULT_MARK_VERSION = "1"


def version_for(logo_name: str) -> str:
    """The icons' version for a logo (stored logos have unique random names) or for the default mark."""
    source = f"logo:{logo_name}" if logo_name else f"default:{DEFAULT_MARK_VERSION}"
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def icon_path(version: str, name: str) -> str:
    return f"{ICON_DIR}/{version}/{name}"


def build_icons(practice) -> str:
    """Make and store the icons of the practice's current logo; returns their version.

    Called on the first request for an icon of a new version, so a new logo costs one Pillow run.
    """
    version = practice.icons_version
    mark = None
    if practice.logo:
        try:
            with practice.logo.open("rb") as logo:
                mark = mark_from_logo(logo)
        except (OSError, ValueError):  # gone from the storage, or not an image Pillow can read
            logger.warning("The practice's logo could not be read; its icons show the default mark.")
    if mark is None:
        mark = draw_mark(512)
    for name, content in render_icons(mark).items():
        path = icon_path(version, name)
        if default_storage.exists(path):
            continue
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:  # another process stored it meanwhile: keep theirs
            default_storage.delete(saved)
    return version


def icon_file(practice, name: str):
    """An open file of the named icon at the practice's current version, made if missing."""
    path = icon_path(practice.icons_version, name)
    if not default_storage.exists(path):
        build_icons(practice)
    return default_storage.open(path, "rb")
