"""Drawings for the demo, by Pillow: the front of each clinic as a flat illustration.

Nothing is downloaded or copied: every shape is drawn here, so the demo's images are our own.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from .icons import SEA, TEAL, WHITE, draw_mark, font

WIDTH, HEIGHT = 1200, 750


def _sky(draw: ImageDraw.ImageDraw, top: tuple, bottom: tuple, height: int) -> None:
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (WIDTH, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )


def _tree(draw: ImageDraw.ImageDraw, x: int, ground: int, size: int, leaf: tuple) -> None:
    draw.rectangle([x - size // 12, ground - size, x + size // 12, ground], fill=(110, 84, 62))
    for dx, dy, r in ((0, -1.25, 0.5), (-0.32, -1.0, 0.38), (0.32, -1.0, 0.38), (0, -0.85, 0.42)):
        cx, cy, rr = x + dx * size, ground + dy * size, r * size
        draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=leaf)


def _window(draw, box, frame, glass, *, blinds=False) -> None:
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=frame)
    draw.rectangle([x0 + 6, y0 + 6, x1 - 6, y1 - 6], fill=glass)
    # A pale reflection across the glass.
    draw.polygon([(x0 + 10, y1 - 10), (x0 + (x1 - x0) * 0.45, y0 + 10), (x0 + (x1 - x0) * 0.6, y0 + 10),
                  (x0 + (x1 - x0) * 0.15, y1 - 10)], fill=tuple(min(255, c + 28) for c in glass))  # fmt: skip
    if blinds:
        for y in range(y0 + 10, y0 + (y1 - y0) // 3, 7):
            draw.line([(x0 + 6, y), (x1 - 6, y)], fill=(235, 232, 222), width=3)


def _sign(image: Image.Image, x: int, y: int, text: str) -> None:
    draw = ImageDraw.Draw(image)
    label = font(30)
    width = int(draw.textlength(text, font=label)) + 110
    draw.rounded_rectangle([x, y, x + width, y + 64], radius=10, fill=WHITE, outline=TEAL, width=3)
    image.alpha_composite(draw_mark(44), (x + 12, y + 10))
    draw.text((x + 70, y + 32), text, font=label, fill=TEAL, anchor="lm")


def _people(draw: ImageDraw.ImageDraw, spots: list[tuple[int, int, tuple]]) -> None:
    for x, ground, coat in spots:
        draw.ellipse([x - 11, ground - 108, x + 11, ground - 86], fill=(120, 86, 66))
        draw.rounded_rectangle([x - 17, ground - 84, x + 17, ground - 36], radius=8, fill=coat)
        draw.rectangle([x - 13, ground - 38, x - 3, ground], fill=(50, 58, 74))
        draw.rectangle([x + 3, ground - 38, x + 13, ground], fill=(50, 58, 74))


def harbor_point(sign: str) -> Image.Image:
    """A three-storey brick office building downtown, the clinic on the ground floor with its awning."""
    image = Image.new("RGBA", (WIDTH, HEIGHT), (*WHITE, 255))
    draw = ImageDraw.Draw(image)
    _sky(draw, (150, 196, 226), (222, 238, 246), 560)
    for cx, cy, r in ((230, 110, 48), (290, 96, 60), (350, 116, 44), (910, 150, 38), (960, 138, 50)):
        draw.ellipse([cx - r, cy - r * 0.6, cx + r, cy + r * 0.6], fill=(248, 251, 253))
    ground = 610
    # Neighbours left and right, in paler stone.
    draw.rectangle([0, 220, 170, ground], fill=(201, 190, 172))
    draw.rectangle([1030, 250, WIDTH, ground], fill=(186, 196, 204))
    for y in range(250, 560, 80):
        for x in (30, 100):
            _window(draw, (x, y, x + 50, y + 56), (170, 160, 146), (104, 140, 166))
        for x in (1060, 1130):
            _window(draw, (x, y + 20, x + 50, y + 76), (160, 170, 178), (104, 140, 166))
    # The building: warm brick with a stone cornice.
    draw.rectangle([170, 150, 1030, ground], fill=(168, 88, 68))
    rng = random.Random(7)
    for y in range(150, ground, 16):
        offset = 0 if (y // 16) % 2 else 24
        for x in range(170 + offset, 1030, 48):
            shade = rng.randint(-10, 10)
            draw.line([(x, y), (x, y + 16)], fill=(150 + shade, 76, 58), width=2)
        draw.line([(170, y), (1030, y)], fill=(152, 78, 60), width=2)
    draw.rectangle([160, 132, 1040, 156], fill=(222, 214, 198))
    draw.rectangle([170, 382, 1030, 396], fill=(222, 214, 198))
    for y in (186, 286):
        for x in range(210, 1000, 136):
            _window(draw, (x, y, x + 88, y + 78), (232, 228, 218), (86, 128, 160), blinds=(x // 136) % 2 == 0)
    # Ground floor: the clinic's shopfront, glass between dark frames, and a teal awning.
    draw.rectangle([190, 420, 1010, ground], fill=(44, 58, 70))
    for x in range(206, 990, 160):
        if 510 <= x <= 530:
            continue
        _window(draw, (x, 440, x + 140, ground - 10), (44, 58, 70), (168, 204, 214))
    door = (526, 440, 676, ground)
    draw.rectangle(door, fill=(44, 58, 70))
    draw.rectangle([door[0] + 10, 452, door[2] - 10, ground], fill=(190, 222, 228))
    draw.line([(601, 452), (601, ground)], fill=(44, 58, 70), width=6)
    stripes = [TEAL, SEA] * 12
    for i, x in enumerate(range(190, 1010, 41)):
        draw.polygon([(x, 404), (x + 41, 404), (x + 49, 446), (x - 8, 446)], fill=stripes[i])
    draw.rectangle([182, 444, 1018, 452], fill=(10, 70, 76))
    _sign(image, 420, 336, sign)
    # Pavement, kerb and street.
    draw.rectangle([0, ground, WIDTH, 660], fill=(212, 208, 200))
    for x in range(0, WIDTH, 90):
        draw.line([(x, ground), (x - 20, 660)], fill=(196, 192, 184), width=3)
    draw.rectangle([0, 660, WIDTH, HEIGHT], fill=(88, 94, 102))
    for x in range(40, WIDTH, 160):
        draw.rectangle([x, 700, x + 80, 708], fill=(236, 224, 150))
    _tree(draw, 120, ground + 8, 150, (86, 140, 92))
    _tree(draw, 1090, ground + 8, 170, (74, 128, 84))
    # Planters and people by the door.
    for x in (486, 690):
        draw.rectangle([x, ground - 36, x + 28, ground], fill=(120, 120, 120))
        draw.ellipse([x - 8, ground - 70, x + 36, ground - 26], fill=(96, 156, 100))
    _people(draw, [(780, ground + 20, SEA), (840, ground + 26, (214, 120, 84))])
    return image


def bayside(sign: str) -> Image.Image:
    """A single-storey coastal building: white siding, a standing-seam roof, a ramp and dune grass."""
    image = Image.new("RGBA", (WIDTH, HEIGHT), (*WHITE, 255))
    draw = ImageDraw.Draw(image)
    _sky(draw, (120, 182, 222), (236, 244, 240), 500)
    draw.ellipse([950, 60, 1070, 180], fill=(255, 236, 170))
    # The bay behind, then the low dunes.
    draw.rectangle([0, 400, WIDTH, 450], fill=(70, 140, 170))
    for x in range(0, WIDTH, 60):
        draw.arc([x, 410, x + 60, 430], start=200, end=340, fill=(210, 234, 240), width=2)
    draw.polygon([(0, 450), (300, 420), (620, 448), (900, 424), (WIDTH, 446), (WIDTH, 640), (0, 640)],
                 fill=(226, 208, 168))  # fmt: skip
    ground = 620
    # The building: white clapboard, a grey-blue metal roof, a wide porch.
    x0, x1 = 190, 1010
    draw.rectangle([x0, 330, x1, ground], fill=(246, 246, 242))
    for y in range(334, ground, 14):
        draw.line([(x0, y), (x1, y)], fill=(222, 224, 222), width=2)
    draw.polygon([(x0 - 40, 336), (600, 176), (x1 + 40, 336)], fill=(92, 112, 128))
    for x in range(x0 - 20, x1 + 40, 34):
        top_y = 336 - (160 * (1 - abs(x - 600) / 450)) if abs(x - 600) < 450 else 336
        draw.line([(x, 336), (600 + (x - 600) * 0.98, max(180, top_y))], fill=(80, 100, 116), width=2)
    draw.rectangle([x0 - 40, 330, x1 + 40, 344], fill=(232, 232, 228))
    # Gable window and the sign.
    _window(draw, (560, 236, 640, 300), WHITE, (104, 150, 180))
    _sign(image, 430, 356, sign)
    # Windows with teal shutters, and the glass door.
    for x in (240, 390, 730, 880):
        _window(draw, (x, 440, x + 96, 560), WHITE, (120, 168, 190))
        draw.rectangle([x - 22, 440, x - 6, 560], fill=TEAL)
        draw.rectangle([x + 102, 440, x + 118, 560], fill=TEAL)
    draw.rectangle([548, 434, 652, ground], fill=TEAL)
    draw.rectangle([560, 446, 640, ground - 6], fill=(196, 226, 232))
    draw.line([(600, 446), (600, ground - 6)], fill=TEAL, width=5)
    # Porch posts and the ramp with its rail, for the step-free entrance.
    draw.rectangle([x0 - 30, ground - 6, x1 + 30, ground + 10], fill=(200, 190, 176))
    for x in (x0 - 20, x1 + 12):
        draw.rectangle([x, 344, x + 14, ground], fill=WHITE)
    draw.polygon(
        [(652, ground + 10), (960, ground + 10), (960, ground + 30), (652, ground + 14)], fill=(188, 180, 168)
    )
    draw.line([(660, ground - 40), (960, ground - 14)], fill=(120, 130, 136), width=5)
    # Parking in front: the lot, two painted bays, one with the access sign.
    draw.rectangle([0, 650, WIDTH, HEIGHT], fill=(98, 104, 110))
    for x in range(80, WIDTH, 150):
        draw.line([(x, 660), (x - 30, HEIGHT)], fill=WHITE, width=5)
    draw.rounded_rectangle([330, 690, 380, 740], radius=6, fill=(40, 96, 170))
    draw.ellipse([348, 696, 360, 708], fill=WHITE)
    draw.arc([338, 708, 372, 738], start=0, end=300, fill=WHITE, width=4)
    # Dune grass and a sea pine.
    rng = random.Random(11)
    for _ in range(140):
        x = rng.choice([rng.randint(0, 170), rng.randint(1030, WIDTH)])
        h = rng.randint(20, 60)
        lean = rng.randint(-14, 14)
        draw.line([(x, 640), (x + lean, 640 - h)], fill=(126, 150, 86), width=3)
    draw.rectangle([1096, 420, 1110, 640], fill=(116, 90, 68))
    for y, w in ((400, 120), (360, 96), (320, 70)):
        draw.polygon([(1103 - w, y + 60), (1103, y - 10), (1103 + w, y + 60)], fill=(60, 110, 80))
    _people(draw, [(450, ground + 26, (214, 120, 84))])
    return image


ARTWORK = {"harbor-point": harbor_point, "bayside": bayside}


def clinic_photo(slug: str, sign: str) -> bytes:
    """The demo picture of the clinic ``slug`` as JPEG."""
    image = ARTWORK[slug](sign).filter(ImageFilter.SMOOTH_MORE).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=84, optimize=True, progressive=True)
    return out.getvalue()
