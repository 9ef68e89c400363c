"""QR codes: the one module that imports segno (pure Python)."""

from __future__ import annotations

from dataclasses import dataclass

import segno

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class QrCode:
    """A QR code's modules, row by row (``True`` is dark), without the quiet zone."""

    data: str
    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.rows)

    def runs(self) -> list[tuple[int, int, int]]:
        """Dark runs as ``(row, first column, length)``: fewer rectangles to draw."""
        result = []
        for y, row in enumerate(self.rows):
            x = 0
            while x < len(row):
                if row[x]:
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    result.append((y, start, x - start))
                else:
                    x += 1
        return result


def qr_code(data: str) -> QrCode:
    """``data`` (an address) as a QR code with medium error correction (15 %)."""
    code = segno.make_qr(data, error="m", boost_error=False)
    rows = tuple(
        tuple(bool(module) for module in row) for row in code.matrix_iter(scale=1, border=0)
    )
    return QrCode(data, rows)
