"""Text widths from the bundled font: the one module that imports fontTools.

Badges and banners are laid out with the advance widths of Liberation Sans (SIL Open
Font License, bundled unmodified in ``fonts/``). Its widths are those of Arial and
Helvetica, so a viewer without it sees the same line lengths; every text element also
carries ``textLength``, which holds the measured width whatever font the viewer has.
The PNG renderer draws with the same files, so a PNG never depends on system fonts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Liberation Sans"
# what an SVG names: the bundled face first, then the faces with the same advance widths
CSS_FAMILY = "Liberation Sans,Arial,Helvetica,sans-serif"
FONT_FILES = {
    False: FONT_DIR / "LiberationSans-Regular.ttf",
    True: FONT_DIR / "LiberationSans-Bold.ttf",
}


@dataclass(frozen=True)
class FaceMetrics:
    """One face's advance widths, in font units, by code point."""

    units_per_em: int
    advances: Mapping[int, int]
    missing: int  # the advance of .notdef, drawn for characters the face lacks

    @classmethod
    def load(cls, path: Path) -> FaceMetrics:
        font = TTFont(str(path), lazy=True)
        try:
            metrics = font["hmtx"].metrics
            advances = {
                code: metrics[glyph][0]
                for code, glyph in font.getBestCmap().items()
                if glyph in metrics
            }
            return cls(
                units_per_em=int(font["head"].unitsPerEm),
                advances=advances,
                missing=int(metrics[".notdef"][0]),
            )
        finally:
            font.close()

    def width(self, text: str, size: float) -> float:
        """The advance width of ``text`` at ``size`` pixels (no kerning: ``textLength`` rules)."""
        advances = self.advances
        missing = self.missing
        units = sum(advances.get(ord(char), missing) for char in text)
        return units * size / self.units_per_em

    def has(self, char: str) -> bool:
        return ord(char) in self.advances


class BundledFont:
    """The measurer badges and banners use by default: regular and bold Liberation Sans."""

    family = FAMILY

    def __init__(self) -> None:
        self._faces = {bold: FaceMetrics.load(path) for bold, path in FONT_FILES.items()}

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in pixels of ``text`` set in ``size`` pixels."""
        return self._faces[bold].width(text, size)

    def covers(self, text: str) -> bool:
        """True when the font has a glyph for every character of ``text``."""
        face = self._faces[False]
        return all(face.has(char) for char in text if not char.isspace())


@cache
def bundled_font() -> BundledFont:
    """The bundled font's metrics, read once per process."""
    return BundledFont()


def font_files() -> list[str]:
    """Paths of the bundled font files (for the PNG renderer)."""
    return [str(path) for path in FONT_FILES.values()]
