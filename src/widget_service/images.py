"""Pictures from elsewhere, made ours: the one module that imports Pillow.

A project's image lives at an address on another site. Pages and widgets must not make a
visitor's browser load it from there (no requests to third parties), so the service keeps
its own copy. :func:`prepare` turns downloaded bytes into that copy: a raster image
(JPEG, PNG, WebP or GIF) is decoded, turned upright, cut down to at most
:data:`MAX_SIDE` pixels on its longer side and written anew as JPEG, or as PNG where it
has transparency. Writing anew drops everything but the pixels: camera and GPS data in
EXIF, comments, colour profiles, and anything a crafted file hides. SVG, HTML and every
other format are refused.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1200
# what a decoded picture may hold before it is cut down: a "decompression bomb" of a few
# kilobytes can declare billions of pixels
MAX_PIXELS = 40_000_000
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


class ImageError(ValueError):
    """Bytes that are not a picture this service takes; the message says why."""


@dataclass(frozen=True)
class Prepared:
    """A picture as the service serves it."""

    data: bytes
    media_type: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        """The SHA-256 of the bytes: the copy's name, so a changed picture gets a new one."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


def prepare(data: bytes) -> Prepared:
    """The service's copy of a downloaded picture; raise :class:`ImageError`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as source:
                width, height = source.size
                if width * height > MAX_PIXELS:
                    raise ImageError(f"the picture is too large ({width}×{height} pixels)")
                source.seek(0)  # an animation: its first frame
                source.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a fraction
                picture = ImageOps.exif_transpose(source)
                picture.load()
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError("not a picture in JPEG, PNG, WebP or GIF") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the picture declares too many pixels") from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageError(f"the picture cannot be read: {error}") from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    clean = picture.convert("RGBA" if transparent else "RGB")
    clean.info = {}  # savers write comments, profiles and the like from here
    out = io.BytesIO()
    if transparent:
        clean.save(out, "PNG", optimize=True)
        media_type = MEDIA_TYPES["PNG"]
    else:
        clean.save(out, "JPEG", quality=82, optimize=True, progressive=True)
        media_type = MEDIA_TYPES["JPEG"]
    return Prepared(out.getvalue(), media_type, clean.width, clean.height)
