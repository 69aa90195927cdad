"""Photo files for tests, made with Pillow: a camera JPEG full of metadata, a decompression bomb, a fake."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
ORIENTATION, MAKE, MODEL, BODY_SERIAL = 0x0112, 0x010F, 0x0110, 0xA431
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,20.5N" '
    b'exif:GPSLongitude="40,8.9E"/></rdf:RDF></x:xmpmeta>'
)


def camera_jpeg(width=640, height=480, name="صورة من الميدان.jpg"):
    """A landscape JPEG as a phone writes it: GPS position, camera make, model and serial, an XMP packet, and an
    orientation tag saying "rotate 90° clockwise to display" (so it is shown portrait)."""
    picture = Image.new("RGB", (width, height), (220, 200, 40))
    ImageDraw.Draw(picture).rectangle((0, 0, width // 4, height // 4), fill=(20, 40, 160))  # marks the top-left
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif[MODEL] = "Field Phone 12"
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SN-0042-SECRET"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (35.0, 20.0, 30.0), "E", (40.0, 8.0, 54.0)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, xmp=XMP, comment=b"Shot by source 7 near the crossing", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def camera_mpo(width=800, height=600):
    """A JPEG as many phones write it: a main image and a second frame (Pillow reads it as MPO)."""
    frames = [Image.new("RGB", (width, height), (90, 140, 200)), Image.new("RGB", (160, 120), (0, 0, 0))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "MPO", save_all=True, append_images=frames[1:])
    return SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")


def png(width=300, height=200, name="chart.png", mode="RGBA"):
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (10, 120, 90, 128) if mode == "RGBA" else 128).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def decompression_bomb(side=20_000):
    """A 1-bit PNG of side × side pixels: a few dozen kilobytes that decode to hundreds of megapixels."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


def not_an_image():
    """An SVG with a script, renamed to .jpg and sent with an image content type."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return SimpleUploadedFile("photo.jpg", svg, content_type="image/jpeg")


def gif():
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF")
    return SimpleUploadedFile("animation.gif", buffer.getvalue(), content_type="image/gif")


def truncated_jpeg(keep=0.5, name="مقطوعة.jpg"):
    """A camera JPEG cut off part-way through its pixel data, as a dropped connection leaves it."""
    data = camera_jpeg(name=name).read()
    return SimpleUploadedFile(name, data[: int(len(data) * keep)], content_type="image/jpeg")


def jpeg_with_exif(exif_bytes, width=64, height=48):
    """A JPEG carrying exactly these EXIF bytes (Pillow writes them as they are, damaged or not)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 60)).save(buffer, "JPEG", exif=exif_bytes)
    return SimpleUploadedFile("exif.jpg", buffer.getvalue(), content_type="image/jpeg")


def orientation_exif(orientation=6):
    """EXIF as a phone writes it: camera make and model, then the orientation (tags sorted by number)."""
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "PhoneMaker", "Field Phone 12", orientation
    return exif.tobytes()


def animated(image_format, frames=3, size=(40, 30), claimed_frames=None, name=None):
    """An animated PNG (APNG) or WebP. `claimed_frames` rewrites the APNG's frame count (its acTL chunk, CRC
    fixed) without adding frames: a frame bomb is a small file that claims millions of them."""
    pictures = [Image.new("RGB", size, (40 * i % 256, 90, 160)) for i in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, image_format, save_all=True, append_images=pictures[1:])
    data = buffer.getvalue()
    if claimed_frames is not None:
        start = data.index(b"acTL")
        body = struct.pack(">II", claimed_frames, 0)
        data = data[:start] + b"acTL" + body + struct.pack(">I", zlib.crc32(b"acTL" + body)) + data[start + 16 :]
    extension = {"PNG": "png", "WEBP": "webp"}[image_format]
    return SimpleUploadedFile(name or f"animation.{extension}", data, content_type=f"image/{extension}")
