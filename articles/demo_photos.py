"""Pictures for the demo newsroom, drawn here with Pillow: no third-party photo, so nothing to license or credit but
ourselves. Each is a simple scene (a river with a ferry, a wheat field, a market, a school, a town at dusk, rooftops
with solar panels) in a newspaper's 16:9, varied by a seed, and saved as a JPEG with a camera's metadata added, so
the demo's photos go through the upload path readers' photos do (metadata stripped, renditions made)."""

import io
import random
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageDraw

WIDTH, HEIGHT = 1600, 900
# A camera model and a GPS block, as a reporter's phone writes them: the upload path must remove them.
_EXIF_MODEL, _EXIF_GPS = 0x0110, 0x8825


@dataclass(frozen=True)
class Palette:
    sky_top: tuple
    sky_bottom: tuple
    ground: tuple
    accent: tuple


DAY = Palette((92, 148, 200), (214, 229, 236), (196, 170, 120), (180, 70, 50))
DUSK = Palette((44, 52, 96), (236, 150, 92), (92, 74, 60), (250, 200, 90))
HAZE = Palette((150, 170, 185), (232, 226, 210), (176, 150, 104), (60, 110, 150))


def _gradient(draw, top, bottom, height):
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (WIDTH, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))


def _shade(colour, amount):
    return tuple(max(0, min(255, round(channel * amount))) for channel in colour)


def _sky_and_ground(draw, palette, horizon):
    _gradient(draw, palette.sky_top, palette.sky_bottom, horizon)
    draw.rectangle([0, horizon, WIDTH, HEIGHT], fill=palette.ground)


def _hills(draw, rng, horizon, colour):
    points = [(0, horizon)]
    for x in range(0, WIDTH + 100, 100):
        points.append((x, horizon - rng.randint(10, 70)))
    points.append((WIDTH, horizon))
    draw.polygon(points, fill=colour)


def river(draw, rng, palette):
    horizon = 380
    _sky_and_ground(draw, palette, horizon)
    _hills(draw, rng, horizon, _shade(palette.ground, 0.8))
    water_top, water_bottom = 470, 760
    _gradient_band(draw, water_top, water_bottom, (70, 120, 140), (40, 84, 104))
    for _ in range(60):  # ripples
        x, y = rng.randint(0, WIDTH), rng.randint(water_top + 10, water_bottom - 10)
        draw.line([(x, y), (x + rng.randint(30, 90), y)], fill=(150, 190, 200), width=2)
    # The ferry: a flat hull, a cabin, people as dots on the deck.
    x = rng.randint(350, 900)
    draw.polygon([(x, 600), (x + 420, 600), (x + 380, 650), (x + 40, 650)], fill=(110, 72, 44))
    draw.rectangle([x + 60, 545, x + 180, 600], fill=(230, 224, 210))
    draw.rectangle([x + 75, 560, x + 165, 580], fill=(80, 110, 130))
    for step in range(7):
        px = x + 210 + step * 24
        draw.ellipse([px, 570, px + 14, 584], fill=_shade(palette.accent, 0.9 + 0.03 * step))
        draw.rectangle([px + 3, 584, px + 11, 600], fill=(60, 60, 70))
    draw.rectangle([0, water_bottom, WIDTH, HEIGHT], fill=_shade(palette.ground, 0.9))


def _gradient_band(draw, top, bottom, start, end):
    for y in range(top, bottom):
        t = (y - top) / max(bottom - top - 1, 1)
        draw.line([(0, y), (WIDTH, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True)))


def field(draw, rng, palette):
    horizon = 360
    _sky_and_ground(draw, palette, horizon)
    for row in range(0, HEIGHT - horizon, 18):  # furrows of wheat, wider towards the viewer
        y = horizon + row
        colour = _shade((214, 180, 90), 0.75 + 0.25 * (row / (HEIGHT - horizon)))
        draw.rectangle([0, y, WIDTH, y + 9 + row // 40], fill=colour)
    for _ in range(3):  # a farmer and a dry irrigation channel
        x = rng.randint(200, 1400)
        draw.ellipse([x, 520, x + 26, 546], fill=(90, 60, 40))
        draw.rectangle([x + 4, 546, x + 22, 600], fill=palette.accent)
    draw.polygon([(700, HEIGHT), (820, horizon), (840, horizon), (980, HEIGHT)], fill=(150, 120, 84))


def market(draw, rng, palette):
    horizon = 300
    _sky_and_ground(draw, palette, horizon)
    draw.rectangle([0, 180, WIDTH, horizon], fill=(200, 190, 170))  # the street's far wall
    colours = [(190, 60, 50), (40, 110, 150), (220, 170, 60), (60, 140, 90)]
    for number, x in enumerate(range(40, WIDTH, 260)):
        awning = colours[(number + rng.randint(0, 3)) % len(colours)]
        draw.polygon([(x, 330), (x + 220, 330), (x + 240, 400), (x - 20, 400)], fill=awning)
        draw.rectangle([x, 400, x + 220, 600], fill=(120, 92, 64))
        for _ in range(12):  # loaves and vegetables on the counter
            cx, cy = x + rng.randint(10, 190), rng.randint(420, 480)
            draw.ellipse([cx, cy, cx + 30, cy + 20], fill=rng.choice([(210, 160, 90), (200, 60, 40), (90, 150, 60)]))
    for _ in range(9):  # people in the street
        x = rng.randint(0, WIDTH - 40)
        draw.ellipse([x, 640, x + 34, 674], fill=(70, 50, 40))
        draw.rectangle([x + 5, 674, x + 29, 780], fill=rng.choice(colours))


def school(draw, rng, palette):
    horizon = 560
    _sky_and_ground(draw, palette, horizon)
    draw.rectangle([260, 260, 1340, horizon], fill=(226, 214, 186))  # the school, freshly painted
    draw.polygon([(230, 260), (1370, 260), (800, 150)], fill=_shade(palette.accent, 0.8))
    for row in range(2):
        for column in range(8):
            x, y = 320 + column * 125, 300 + row * 120
            draw.rectangle([x, y, x + 70, y + 80], fill=(84, 120, 150))
            draw.line([(x + 35, y), (x + 35, y + 80)], fill=(226, 214, 186), width=4)
    draw.rectangle([740, 430, 860, horizon], fill=(100, 70, 50))  # the door
    for _ in range(14):  # children in the yard
        x = rng.randint(100, 1500)
        draw.ellipse([x, 640, x + 22, 662], fill=(80, 56, 44))
        draw.rectangle([x + 3, 662, x + 19, 720], fill=rng.choice([(40, 90, 160), (180, 60, 60), (60, 130, 80)]))


def town(draw, rng, palette):
    horizon = 600
    _sky_and_ground(draw, palette, horizon)
    x = 0
    while x < WIDTH:  # rooftops against the evening sky, lit windows
        width, height = rng.randint(90, 200), rng.randint(120, 320)
        draw.rectangle([x, horizon - height, x + width, horizon], fill=_shade(palette.ground, rng.uniform(0.6, 0.9)))
        for _ in range(rng.randint(1, 5)):
            wx, wy = x + rng.randint(10, max(11, width - 30)), horizon - rng.randint(30, height - 20)
            draw.rectangle([wx, wy, wx + 16, wy + 20], fill=palette.accent)
        x += width + rng.randint(0, 12)
    draw.ellipse([1180, 120, 1290, 230], fill=(250, 220, 150))  # the moon


def rooftops(draw, rng, palette):
    horizon = 420
    _sky_and_ground(draw, palette, horizon)
    draw.ellipse([1250, 80, 1390, 220], fill=(255, 226, 120))  # the sun the panels face
    for number, x in enumerate(range(0, WIDTH, 320)):
        top = horizon + rng.randint(-40, 60)
        draw.rectangle([x, top, x + 300, HEIGHT], fill=_shade((210, 196, 170), 0.85 + 0.04 * (number % 3)))
        for panel in range(rng.randint(2, 4)):  # solar panels, tilted towards the sun
            px = x + 20 + panel * 70
            draw.polygon([(px, top - 10), (px + 60, top - 40), (px + 66, top - 26), (px + 6, top + 4)],
                         fill=(40, 60, 110))  # fmt: skip
            draw.line([(px + 30, top - 25), (px + 34, top)], fill=(90, 90, 90), width=3)


SCENES = {"river": (river, DAY), "field": (field, HAZE), "market": (market, DAY), "school": (school, DAY),
          "town": (town, DUSK), "rooftops": (rooftops, HAZE)}  # fmt: skip


def demo_picture(scene: str, seed: int) -> bytes:
    """A JPEG of `scene` (a key of SCENES), the same for the same seed, with a camera model and GPS block in it."""
    draw_scene, palette = SCENES[scene]
    picture = PILImage.new("RGB", (WIDTH, HEIGHT))
    draw_scene(ImageDraw.Draw(picture), random.Random(seed), palette)  # noqa: S311 (a drawing, not a secret)
    exif = PILImage.Exif()
    exif[_EXIF_MODEL] = "Newsroom demo camera"
    exif.get_ifd(_EXIF_GPS)[2] = (35.0, 20.0, 0.0)  # GPSLatitude: what a phone would give away
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()
