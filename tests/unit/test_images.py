"""Pictures made ours: decoded, upright, cut down, written anew without their metadata."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from widget_service import images


def picture(
    size: tuple[int, int] = (800, 600), mode: str = "RGB", fmt: str = "JPEG", **save: object
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(
        out, fmt, **save
    )
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    found = Image.open(io.BytesIO(data))
    found.load()
    return found


def test_a_photo_loses_its_camera_and_gps_data() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 19.0, 0.0)}  # GPS
    data = picture(exif=exif.tobytes(), comment=b"Pfad C:\\Users\\amt")
    prepared = images.prepare(data)
    assert prepared.media_type == "image/jpeg" and prepared.extension == "jpg"
    copy = decoded(prepared.data)
    assert not copy.getexif()
    assert "comment" not in copy.info and b"Kamerahersteller" not in prepared.data
    assert (prepared.width, prepared.height) == copy.size == (800, 600)


def test_a_turned_photo_is_stored_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    prepared = images.prepare(picture((400, 200), exif=exif.tobytes()))
    assert decoded(prepared.data).size == (200, 400)


def test_a_large_picture_is_cut_down_to_the_longer_side() -> None:
    prepared = images.prepare(picture((4000, 3000)))
    assert (prepared.width, prepared.height) == (images.MAX_SIDE, 900)
    assert decoded(prepared.data).size == (images.MAX_SIDE, 900)


def test_transparency_stays_as_png_and_webp_gif_are_taken() -> None:
    prepared = images.prepare(picture((300, 200), "RGBA", "PNG"))
    assert prepared.media_type == "image/png" and decoded(prepared.data).mode == "RGBA"
    assert images.prepare(picture((300, 200), fmt="WEBP")).media_type == "image/jpeg"
    assert images.prepare(picture((300, 200), "P", "GIF")).media_type == "image/jpeg"


def test_the_digest_names_the_bytes() -> None:
    one, two = images.prepare(picture()), images.prepare(picture())
    other = images.prepare(picture((801, 600)))
    assert one.digest == two.digest != other.digest
    assert len(one.digest) == 64


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!doctype html><title>Not found</title>",
        b"%PDF-1.7\n",
        b"",
        picture()[:200],  # cut off
    ],
)
def test_what_is_not_a_picture_is_refused(data: bytes) -> None:
    with pytest.raises(images.ImageError):
        images.prepare(data)


@pytest.mark.parametrize(
    ("side", "message"),
    [(7000, "the picture is too large"), (20000, "the picture declares too many pixels")],
)
def test_a_picture_that_declares_too_many_pixels_is_refused_before_decoding(
    side: int, message: str
) -> None:
    # a PNG header that declares side × side pixels, in a few hundred bytes
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(images.ImageError, match=message):
        images.prepare(bomb)
