"""The alliances' logos, drawn by us as small SVG files in ``campaign/logos/<alliance>.svg``.

A logo is kept to a few plain shapes (circles, rectangles, straight-edged paths) in a
100 × 100 box, so the same drawing goes into a banner's SVG and, as vectors, into a
printed poster, without a library that reads SVG. An alliance without a file has no logo
and every format lays out without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from defusedxml import ElementTree

LOGO_DIR = Path(__file__).resolve().parent / "logos"
VIEWBOX = 100.0
_SVG = "{http://www.w3.org/2000/svg}"
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_PATH_TOKEN = re.compile(r"[A-Za-z]|-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Paint:
    """How a shape is painted: fill and stroke colours (``None``: none) and stroke width."""

    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    paint: Paint


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    rx: float
    paint: Paint


@dataclass(frozen=True)
class Polygon:
    """A closed path of straight edges (an SVG path of M, L, H, V and Z)."""

    points: tuple[tuple[float, float], ...]
    paint: Paint


Shape = Circle | Rect | Polygon


@dataclass(frozen=True)
class Logo:
    """An alliance's logo: its shapes in a 100 × 100 box, and the SVG they came from."""

    slug: str
    shapes: tuple[Shape, ...]
    source: str

    def svg_body(self) -> str:
        """The shapes as SVG elements in the 100 × 100 box (for a nested ``<svg>``)."""
        return "".join(_shape_svg(shape) for shape in self.shapes)


def _float(element: object, name: str, default: float = 0.0) -> float:
    value = element.get(name)  # type: ignore[attr-defined]
    return float(value) if value not in (None, "") else default


def _paint(element: object) -> Paint:
    get = element.get  # type: ignore[attr-defined]
    fill = get("fill", "#000000")
    stroke = get("stroke")
    return Paint(
        fill=None if fill == "none" else fill,
        stroke=None if stroke in (None, "none") else stroke,
        stroke_width=float(get("stroke-width", "1")) if stroke not in (None, "none") else 0.0,
    )


def _polygon(data: str) -> tuple[tuple[float, float], ...]:
    tokens = _PATH_TOKEN.findall(data)
    points: list[tuple[float, float]] = []
    x = y = 0.0
    command = "M"
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            # absolute straight edges only: what a poster draws as the file shows it
            if token not in ("M", "L", "H", "V", "Z", "z"):
                raise ValueError(f"unsupported path command {token}")
            command = token.upper()
            index += 1
            if command == "Z":
                continue
        if command in ("M", "L"):
            x, y = float(tokens[index]), float(tokens[index + 1])
            index += 2
        elif command == "H":
            x = float(tokens[index])
            index += 1
        elif command == "V":
            y = float(tokens[index])
            index += 1
        else:
            raise ValueError(f"unsupported path command {command}")
        points.append((x, y))
    return tuple(points)


def parse(slug: str, source: str) -> Logo:
    """A logo from its SVG text; raises ``ValueError`` for what the shapes cannot hold."""
    root = ElementTree.fromstring(source)
    shapes: list[Shape] = []
    for element in root.iter():
        tag = element.tag.removeprefix(_SVG)
        if tag == "circle":
            shapes.append(
                Circle(
                    _float(element, "cx"),
                    _float(element, "cy"),
                    _float(element, "r"),
                    _paint(element),
                )
            )
        elif tag == "rect":
            shapes.append(
                Rect(
                    _float(element, "x"),
                    _float(element, "y"),
                    _float(element, "width"),
                    _float(element, "height"),
                    _float(element, "rx"),
                    _paint(element),
                )
            )
        elif tag == "path":
            shapes.append(Polygon(_polygon(element.get("d", "")), _paint(element)))
        elif tag not in ("svg", "title", "desc"):
            raise ValueError(f"unsupported element {tag}")
    return Logo(slug, tuple(shapes), source)


@cache
def alliance_logo(slug: str) -> Logo | None:
    """The logo of the alliance ``slug``, or ``None`` when we have none."""
    if not _SLUG.fullmatch(slug):
        return None
    path = LOGO_DIR / f"{slug}.svg"
    if not path.is_file():
        return None
    return parse(slug, path.read_text(encoding="utf-8"))


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _paint_svg(paint: Paint) -> str:
    fill = f' fill="{paint.fill or "none"}"'
    if paint.stroke:
        return f'{fill} stroke="{paint.stroke}" stroke-width="{_n(paint.stroke_width)}"'
    return fill


def _shape_svg(shape: Shape) -> str:
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" r="{_n(shape.r)}"'
            f"{_paint_svg(shape.paint)}/>"
        )
    if isinstance(shape, Rect):
        return (
            f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.width)}"'
            f' height="{_n(shape.height)}" rx="{_n(shape.rx)}"{_paint_svg(shape.paint)}/>'
        )
    points = " ".join(
        f"{'M' if i == 0 else 'L'}{_n(x)} {_n(y)}" for i, (x, y) in enumerate(shape.points)
    )
    return f'<path d="{points}Z"{_paint_svg(shape.paint)}/>'
