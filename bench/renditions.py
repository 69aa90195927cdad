"""
How long an upload of a 12-megapixel photo takes to process: validate, turn upright, strip metadata, re-encode the
original and make every rendition (three widths, WebP and JPEG). This is the work `image_store()` does inside the
upload request, so an editor waits this long (plus the upload itself) after pressing save.

Run: make bench-renditions   (or: DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/renditions.py)
"""

import io
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from articles import images  # noqa: E402

WIDTH, HEIGHT, RUNS = 4000, 3000, 5


def camera_photo():
    """A 4000 × 3000 JPEG with texture (noise over gradients, like foliage and sky) and EXIF, at quality 92."""
    noise = Image.effect_noise((WIDTH, HEIGHT), 48).filter(ImageFilter.GaussianBlur(1))
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    photo = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient.rotate(90, expand=False), 0.5)))
    exif = Image.Exif()
    exif[0x0112] = 1
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def main():
    data = camera_photo()
    steps = {"decode and turn upright": [], "original": [], "renditions": [], "total": []}
    for _ in range(RUNS):
        upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
        started = time.perf_counter()
        pixels = images.decode(upload)
        decoded = time.perf_counter()
        original = images.encode_original(pixels)
        encoded = time.perf_counter()
        renditions = list(images.encode_renditions(pixels))
        finished = time.perf_counter()
        steps["decode and turn upright"].append(decoded - started)
        steps["original"].append(encoded - decoded)
        steps["renditions"].append(finished - encoded)
        steps["total"].append(finished - started)
    result = {
        "benchmark": "renditions",
        "photo": f"{WIDTH}x{HEIGHT} JPEG, {len(data) / 1e6:.1f} MB",
        "runs": RUNS,
        "rendition_widths": list(settings.NEWSROOM_RENDITION_WIDTHS),
        "renditions_made": len(renditions),
        "rendition_bytes": {f"{w}w.{f}": len(e.content) for w, f, e in renditions},
        "original_bytes": len(original.content),
        "median_seconds": {step: round(statistics.median(times), 3) for step, times in steps.items()},
        "machine": f"{platform.machine()}, Python {platform.python_version()}, Pillow {Image.__version__}",
    }
    print(f"Photo: {result['photo']}; {RUNS} runs; median seconds per step:")
    for step, seconds in result["median_seconds"].items():
        print(f"  {step:<26} {seconds:6.3f}")
    for name, size in result["rendition_bytes"].items():
        print(f"  {name:<26} {size / 1024:7.1f} KB")
    out = Path(__file__).resolve().parent / "results" / "renditions.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
