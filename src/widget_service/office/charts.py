"""Charts drawn on the server as SVG: pure functions, no script, no third-party code.

Each chart is an image with a title and a description for screen readers
(``role="img"``, ``aria-labelledby``); the page shows the same numbers as a table beside
it. Colours keep 3:1 contrast against white (WCAG 1.4.11 for graphics).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from xml.sax.saxutils import escape

# dark enough on white, told apart also without colour (each series is labelled)
PALETTE = ("#004b87", "#a4000f", "#2f6b00", "#6b3fa0", "#8a5000", "#00656b")
INK = "#1b1b1b"
GRID = "#6f767d"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
_ids = count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = 12, weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" fill="{INK}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _frame(width: int, height: int, title: str, description: str, body: list[str]) -> str:
    ident = f"chart{next(_ids)}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-t {ident}-d" class="chart">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _nice_max(value: float) -> float:
    """The top of the scale: 4, or the next of 1, 2, 2.5, 5 times a power of ten."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    return float(next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= value))


def hbars(title: str, labels: Sequence[str], values: Sequence[float], description: str = "") -> str:
    """Horizontal bars, one a row, with the value written beside each."""
    width, row, left, top = 640, 28, 250, 12
    height = top * 2 + row * max(1, len(labels))
    top_value = max(values, default=0) or 1
    body: list[str] = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row
        length = (width - left - 60) * value / top_value
        shown = label if len(label) <= 30 else label[:29] + "…"
        body.append(_text(left - 8, y + 18, shown, "end"))
        body.append(
            f'<rect x="{left}" y="{y + 5}" width="{max(length, 1):.1f}" height="{row - 10}" '
            f'fill="{PALETTE[0]}"/>'
        )
        body.append(_text(left + length + 6, y + 18, f"{value:g}"))
    return _frame(width, height, title, description or title, body)


def columns(
    title: str, labels: Sequence[str], series: Sequence[Series], description: str = ""
) -> str:
    """Grouped columns over time (months or days), with a legend and a scale."""
    width, height = 640, 260
    left, right, top, bottom = 44, 12, 30, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((max(s.values, default=0) for s in series), default=0))
    body: list[str] = []
    for step in range(5):
        value = peak * step / 4
        y = top + plot_h - plot_h * step / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="{1 if step == 0 else 0.4}"/>'
        )
        body.append(_text(left - 6, y + 4, f"{value:g}", "end", 11))
    slots = max(1, len(labels))
    slot = plot_w / slots
    bar = max(1.0, (slot * 0.8) / max(1, len(series)))
    every = max(1, slots // 12)
    for index, label in enumerate(labels):
        x0 = left + index * slot + slot * 0.1
        for number, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else 0
            h = plot_h * value / peak if peak else 0
            body.append(
                f'<rect x="{x0 + number * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[number % len(PALETTE)]}"/>'
            )
        if index % every == 0:
            body.append(
                _text(left + index * slot + slot / 2, height - bottom + 16, label, "middle", 11)
            )
    x = left
    for number, one in enumerate(series):
        body.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{PALETTE[number % len(PALETTE)]}"/>'
        )
        body.append(_text(x + 16, 18, one.label, size=11))
        x += 24 + 7 * len(one.label)
    return _frame(width, height, title, description or title, body)
