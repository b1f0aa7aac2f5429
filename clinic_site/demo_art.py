"""Pictures for the demo content, drawn by our own code with Pillow: clinicians' portraits and
article covers. Nothing is downloaded; the same arguments always draw the same picture.

Each picture is drawn at twice its size and scaled down, which smooths the edges of every shape.
"""

import functools
import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

SCALE = 2


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ca, cb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True))


def _vertical_gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, _rgb(bottom)), Image.new("RGB", size, _rgb(top)), mask)


def _diagonal_gradient(size: tuple[int, int], start: str, end: str) -> Image.Image:
    width, height = size
    side = math.ceil(math.hypot(width, height))
    mask = Image.linear_gradient("L").resize((side, side)).rotate(45, resample=Image.Resampling.BICUBIC)
    left, top = (side - width) // 2, (side - height) // 2
    mask = mask.crop((left, top, left + width, top + height))
    return Image.composite(Image.new("RGB", size, _rgb(end)), Image.new("RGB", size, _rgb(start)), mask)


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=86, optimize=True, progressive=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ---- Portraits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sitter:
    """How one clinician's portrait looks."""

    skin: str
    hair: str
    hair_style: str  # "short", "long", "bun", "curly", "crop"
    top: str  # clothing
    background: str
    accent: str
    glasses: bool = False


@functools.cache  # the same sitter always gives the same picture: draw it once per process
def portrait(sitter: Sitter, size: int = 560) -> bytes:
    """A flat, friendly head-and-shoulders illustration on a soft round backdrop (PNG)."""
    s = size * SCALE
    image = _diagonal_gradient((s, s), sitter.background, _rgb_hex(_mix(sitter.background, "#ffffff", 0.55)))
    draw = ImageDraw.Draw(image, "RGBA")
    u = s / 100  # one unit: a hundredth of the picture

    # Backdrop: a pale disc behind the head and a ring of small dots in the accent colour.
    draw.ellipse((14 * u, 10 * u, 86 * u, 82 * u), fill=(*_rgb("#ffffff"), 70))
    for i in range(18):
        angle = math.pi * (0.9 + i / 17 * 1.2)
        x, y = 50 * u + 41 * u * math.cos(angle), 46 * u + 41 * u * math.sin(angle)
        r = 0.9 * u
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*_rgb(sitter.accent), 150))

    skin, skin_shade = _rgb(sitter.skin), _mix(sitter.skin, "#000000", 0.14)
    hair = _rgb(sitter.hair)
    cx = 50 * u

    if sitter.hair_style == "long":  # hair falling behind the shoulders, drawn first
        draw.rounded_rectangle((29 * u, 24 * u, 71 * u, 76 * u), radius=18 * u, fill=hair)

    # Shoulders and top, with a V-neck in the skin colour and a name badge.
    top, top_shade = _rgb(sitter.top), _mix(sitter.top, "#000000", 0.18)
    draw.rounded_rectangle((12 * u, 72 * u, 88 * u, 130 * u), radius=22 * u, fill=top)
    draw.rectangle((43 * u, 56 * u, 57 * u, 74 * u), fill=skin_shade)  # neck
    draw.polygon([(41 * u, 72 * u), (59 * u, 72 * u), (50 * u, 84 * u)], fill=skin_shade)
    draw.line([(41 * u, 72 * u), (50 * u, 84 * u), (59 * u, 72 * u)], fill=top_shade, width=round(1.6 * u))
    draw.rounded_rectangle((63 * u, 84 * u, 74 * u, 90 * u), radius=1.2 * u, fill=(255, 255, 255, 230))
    draw.rectangle((65 * u, 86 * u, 72 * u, 87 * u), fill=(*_rgb(sitter.accent), 255))

    # Head and ears.
    draw.ellipse((32.5 * u, 48 * u - 3 * u, 37.5 * u, 48 * u + 5 * u), fill=skin)
    draw.ellipse((62.5 * u, 48 * u - 3 * u, 67.5 * u, 48 * u + 5 * u), fill=skin)
    draw.ellipse((35 * u, 24 * u, 65 * u, 62 * u), fill=skin)

    # Hair on top of the head.
    if sitter.hair_style in ("short", "crop", "long", "bun"):
        depth = {"crop": 35, "short": 38, "long": 40, "bun": 37}[sitter.hair_style]
        draw.chord((34 * u, 21 * u, 66 * u, 56 * u), 180, 360, fill=hair)
        draw.rectangle((34.2 * u, 37 * u, 37 * u, depth * u + 4 * u), fill=hair)
        draw.rectangle((63 * u, 37 * u, 65.8 * u, depth * u + 4 * u), fill=hair)
        if sitter.hair_style != "crop":  # a side parting
            draw.pieslice((36 * u, 24 * u, 64 * u, 50 * u), 200, 300, fill=hair)
    if sitter.hair_style == "bun":
        draw.ellipse((43 * u, 12 * u, 57 * u, 25 * u), fill=hair)
    if sitter.hair_style == "curly":
        rng = random.Random(sitter.hair + sitter.skin)
        for i in range(26):
            angle = math.pi * (1.0 + i / 25)
            x = cx + 15.5 * u * math.cos(angle)
            y = 38 * u + 15 * u * math.sin(angle)
            r = (4.2 + rng.random() * 1.4) * u
            draw.ellipse((x - r, y - r, x + r, y + r), fill=hair)
        draw.ellipse((37 * u, 21 * u, 63 * u, 38 * u), fill=hair)

    # A calm face: eyes, brows, a smile and a little colour in the cheeks.
    ink = _mix(sitter.hair, "#000000", 0.35)
    for ex in (44 * u, 56 * u):
        draw.ellipse((ex - 1.3 * u, 45 * u - 1.6 * u, ex + 1.3 * u, 45 * u + 1.6 * u), fill=ink)
        draw.arc((ex - 3 * u, 39.5 * u, ex + 3 * u, 43.5 * u), 200, 340, fill=ink, width=round(0.9 * u))
        draw.ellipse((ex - 3 * u, 50 * u, ex + 1 * u, 53 * u), fill=(*_rgb("#e07a6b"), 55))
    draw.arc((44.5 * u, 48 * u, 55.5 * u, 56.5 * u), 25, 155, fill=ink, width=round(1.0 * u))
    if sitter.glasses:
        frame = (*_mix(sitter.accent, "#000000", 0.4), 255)
        for ex in (44 * u, 56 * u):
            draw.rounded_rectangle(
                (ex - 4.3 * u, 42 * u, ex + 4.3 * u, 48.5 * u),
                radius=2 * u,
                outline=frame,
                width=round(0.8 * u),
            )
        draw.line([(48.3 * u, 44.5 * u), (51.7 * u, 44.5 * u)], fill=frame, width=round(0.8 * u))

    image = image.resize((size, size), Image.Resampling.LANCZOS)
    return _encode(image, "PNG")


def _rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


# ---- Covers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    deep: str
    light: str
    accent: str
    warm: str


@functools.cache
def cover(motif: str, palette: Palette, seed: str, size: tuple[int, int] = (1200, 630)) -> bytes:
    """An abstract illustration for an article (JPEG). ``motif`` picks the shapes:

    ``"fascia"``  threads that weave and cross, like the web of connective tissue;
    ``"spine"``   a gently curving column of rounded blocks beside a screen;
    ``"nerve"``   one bright line that runs down and branches, over layered hills;
    ``"scar"``    a soft curve closed by small stitches, over warm layered shapes.
    """
    width, height = size[0] * SCALE, size[1] * SCALE
    image = _diagonal_gradient((width, height), palette.deep, palette.light)
    rng = random.Random(seed)
    u = height / 100
    # A low sun and a few floating discs, their edges softened (the blur is of their masks only,
    # so no dark fringe bleeds in from the transparent pixels around them).
    # Masks are drawn and blurred at a quarter of the size: soft edges need no detail.
    q = 4
    sun, discs = Image.new("L", (width // q, height // q)), Image.new("L", (width // q, height // q))
    sx, sy = width * (0.68 + rng.random() * 0.12) / q, height * (0.28 + rng.random() * 0.1) / q
    r = 26 * u / q
    ImageDraw.Draw(sun).ellipse((sx - r, sy - r, sx + r, sy + r), fill=170)
    for _ in range(5):
        x, y, r = rng.random() * width / q, rng.random() * height / q, (3 + rng.random() * 8) * u / q
        ImageDraw.Draw(discs).ellipse((x - r, y - r, x + r, y + r), fill=40)
    for mask, color in ((sun, palette.warm), (discs, "#ffffff")):
        soft = mask.filter(ImageFilter.GaussianBlur(2.2 * u / q)).resize(
            (width, height), Image.Resampling.BILINEAR
        )
        image.paste(Image.new("RGB", (width, height), _rgb(color)), mask=soft)
    image = image.convert("RGBA")
    draw = ImageDraw.Draw(image, "RGBA")

    _hills(draw, width, height, palette, rng)
    {"fascia": _fascia, "spine": _spine, "nerve": _nerve, "scar": _scar}[motif](
        draw, width, height, palette, rng
    )

    # A fine dot grid in one corner gives the picture its texture.
    for i in range(9):
        for j in range(5):
            x, y, r = width * 0.06 + i * 3.2 * u, height * 0.1 + j * 3.2 * u, 0.45 * u
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 120))

    image = image.resize(size, Image.Resampling.LANCZOS)
    return _encode(image, "JPEG")


def _wave(width, height, base, amplitude, wavelength, phase, steps=120):
    return [
        (
            width * i / steps,
            base + amplitude * math.sin(2 * math.pi * (i / steps) * width / wavelength + phase),
        )
        for i in range(steps + 1)
    ]


def _hills(draw, width, height, palette, rng):
    for k, (level, alpha) in enumerate([(0.70, 90), (0.80, 140), (0.90, 200)]):
        color = (*_mix(palette.deep, palette.accent, 0.25 + 0.25 * k), alpha)
        points = _wave(
            width, height, height * level, height * 0.05, width * (0.9 + rng.random() * 0.5), rng.random() * 6
        )
        draw.polygon([*points, (width, height), (0, height)], fill=color)


def _fascia(draw, width, height, palette, rng):
    u = height / 100
    for i in range(14):
        base = height * (0.2 + 0.045 * i)
        points = _wave(
            width,
            height,
            base,
            height * (0.06 + rng.random() * 0.05),
            width * (0.6 + rng.random() * 0.5),
            rng.random() * 6,
        )
        tone = palette.light if i % 3 else palette.warm
        draw.line(
            points,
            fill=(*_rgb(tone), 95 + (i % 4) * 25),
            width=round((0.35 + (i % 3) * 0.25) * u),
            joint="curve",
        )


def _spine(draw, width, height, palette, rng):
    u = height / 100
    for i in range(9):
        t = i / 8
        cx = width * 0.3 + math.sin(t * math.pi * 1.1) * 7 * u
        cy = height * (0.1 + 0.085 * i)
        w, h = (9 + 2.2 * t * 4) * u, 5.6 * u
        draw.rounded_rectangle(
            (cx - w, cy - h / 2, cx + w, cy + h / 2), radius=h / 2, fill=(*_rgb(palette.light), 225)
        )
        if i < 8:
            draw.ellipse(
                (cx - 2.5 * u, cy + h / 2, cx + 2.5 * u, cy + h / 2 + 2.6 * u),
                fill=(*_rgb(palette.warm), 200),
            )
    # A screen on its stand, drawn in outline: the desk the article is about.
    left, top = width * 0.5, height * 0.2
    draw.rounded_rectangle(
        (left, top, left + 44 * u, top + 27 * u), radius=2.5 * u, outline=(255, 255, 255, 170), width=round(u)
    )
    draw.line(
        [(left + 22 * u, top + 27 * u), (left + 22 * u, top + 34 * u)],
        fill=(255, 255, 255, 170),
        width=round(u),
    )
    draw.line(
        [(left + 14 * u, top + 34 * u), (left + 30 * u, top + 34 * u)],
        fill=(255, 255, 255, 170),
        width=round(u),
    )


def _nerve(draw, width, height, palette, rng):
    u = height / 100
    trunk = [
        (width * 0.18 + math.sin(t / 6) * 5 * u + t * width * 0.012, height * (0.05 + t * 0.03))
        for t in range(31)
    ]
    for widths, alpha in ((3.2, 60), (1.4, 255)):
        draw.line(trunk, fill=(*_rgb(palette.warm), alpha), width=round(widths * u), joint="curve")
    for start in (8, 14, 20, 25):
        x, y = trunk[start]
        branch = [(x, y)]
        direction = 1 if start % 2 else -1
        for step in range(1, 10):
            branch.append((x + direction * step * 2.4 * u, y + step * 1.6 * u + math.sin(step) * u))
        draw.line(branch, fill=(*_rgb(palette.light), 200), width=round(0.7 * u), joint="curve")
        ex, ey = branch[-1]
        draw.ellipse(
            (ex - 1.1 * u, ey - 1.1 * u, ex + 1.1 * u, ey + 1.1 * u), fill=(*_rgb(palette.light), 230)
        )


def _scar(draw, width, height, palette, rng):
    u = height / 100
    points = [
        (width * (0.15 + 0.5 * t / 40), height * 0.5 + math.sin(t / 40 * math.pi) * -16 * u)
        for t in range(41)
    ]
    draw.line(points, fill=(*_rgb(palette.warm), 230), width=round(1.4 * u), joint="curve")
    for t in range(2, 40, 4):
        (x1, y1), (x2, y2) = points[t - 1], points[t + 1]
        nx, ny = -(y2 - y1), x2 - x1
        norm = math.hypot(nx, ny) or 1
        nx, ny = nx / norm * 3.2 * u, ny / norm * 3.2 * u
        x, y = points[t]
        draw.line(
            [(x - nx, y - ny), (x + nx, y + ny)], fill=(*_rgb(palette.light), 235), width=round(0.8 * u)
        )
