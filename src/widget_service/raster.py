"""SVG to PNG for the places SVG cannot go (e-mail newsletters, social cards).

The one module that imports resvg-py, which installs from PyPI wheels alone (no Cairo,
no browser). It draws text only with the bundled font files, never with system fonts,
so a PNG looks the same on every server.
"""

from __future__ import annotations

import resvg_py

from .metrics import FAMILY, font_files


class RasterError(ValueError):
    """The SVG could not be drawn (a bug in the SVG we made, never the visitor's fault)."""


def svg_to_png(svg: str, scale: float = 1.0) -> bytes:
    """``svg`` drawn as PNG at its own size (times ``scale``), text in the bundled font."""
    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=svg,
                zoom=scale if scale != 1.0 else None,
                skip_system_fonts=True,
                font_files=font_files(),
                font_family=FAMILY,
                sans_serif_family=FAMILY,
            )
        )
    except ValueError as error:
        raise RasterError(str(error)) from error
