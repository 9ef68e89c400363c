"""Posters (A4, A3) and flyers (A6) of a call as print-ready PDF: the one module that
imports reportlab (pure Python).

Every page is the trimmed format plus 3 mm bleed on each side (the ``BleedBox``); the
``TrimBox`` says where the printer cuts. The coloured area runs into the bleed; text and
the QR code keep a safe margin inside the trim. With ``marks`` the page grows by a slug
around the bleed for crop marks. The bundled Liberation Sans is embedded (as subsets).
Nothing here knows Flask or the database.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..colors import contrast
from ..metrics import FONT_FILES
from .logos import VIEWBOX, Circle, Logo, Paint, Rect
from .qr import QUIET_ZONE, QrCode

REGULAR = "LiberationSans"
BOLD = "LiberationSans-Bold"
BLEED = 3 * mm
SLUG = 12 * mm  # room outside the bleed for crop marks
# trimmed page sizes in points (portrait)
PAPER: dict[str, tuple[float, float]] = {
    "a6": (105 * mm, 148 * mm),
    "a4": (210 * mm, 297 * mm),
    "a3": (297 * mm, 420 * mm),
}
LEADING = 1.18


@dataclass(frozen=True)
class PosterText:
    """What a poster says, already in the reader's language."""

    alliance: str
    title: str
    tagline: str
    text: str
    action: str  # the invitation beside the QR code ("Mitmachen:")
    address: str  # the short readable address the QR code leads to
    document_title: str
    lang: str = "de"


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_FILES[False])))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_FILES[True])))


@dataclass(frozen=True)
class _Block:
    lines: tuple[str, ...]
    font: str
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def _fit(
    text: str, font: str, width: float, height: float, largest: float, smallest: float
) -> _Block:
    """``text`` wrapped at spaces in ``width``, as large as fits ``height``; never a word cut."""
    text = " ".join(text.split())
    if not text:
        return _Block((), font, smallest)
    size = largest
    while True:
        lines = simpleSplit(text, font, size, width)
        widest = max(pdfmetrics.stringWidth(line, font, size) for line in lines)
        fits = widest <= width and len(lines) * size * LEADING <= height
        if fits or size <= smallest:
            # at the smallest size a word wider than the box is made smaller still
            if widest > width:
                size = size * width / widest
            return _Block(tuple(lines), font, size)
        size = max(smallest, size * 0.94)


def _draw_block(canvas: Canvas, block: _Block, x: float, top: float, color: str) -> float:
    """Draw ``block`` from ``top`` downwards; return the y below it."""
    canvas.setFillColor(HexColor(color))
    y = top
    for line in block.lines:
        y -= block.size * LEADING
        canvas.setFont(block.font, block.size)
        canvas.drawString(x, y + block.size * (LEADING - 1) + block.size * 0.22, line)
    return y


def _apply_paint(canvas: Canvas, paint: Paint, scale: float) -> tuple[int, int]:
    if paint.fill:
        canvas.setFillColor(HexColor(paint.fill))
    if paint.stroke:
        canvas.setStrokeColor(HexColor(paint.stroke))
        canvas.setLineWidth(paint.stroke_width * scale)
    return (1 if paint.fill else 0), (1 if paint.stroke else 0)


def draw_logo(canvas: Canvas, logo: Logo, x: float, y: float, size: float) -> None:
    """The logo's shapes as vectors in the square at ``(x, y)`` (lower left) of ``size``."""
    scale = size / VIEWBOX

    def px(value: float) -> float:
        return x + value * scale

    def py(value: float) -> float:
        return y + size - value * scale

    canvas.saveState()
    for shape in logo.shapes:
        fill, stroke = _apply_paint(canvas, shape.paint, scale)
        if isinstance(shape, Circle):
            canvas.circle(px(shape.cx), py(shape.cy), shape.r * scale, stroke=stroke, fill=fill)
        elif isinstance(shape, Rect):
            canvas.roundRect(
                px(shape.x),
                py(shape.y + shape.height),
                shape.width * scale,
                shape.height * scale,
                shape.rx * scale,
                stroke=stroke,
                fill=fill,
            )
        else:
            path = canvas.beginPath()
            first, *rest = shape.points
            path.moveTo(px(first[0]), py(first[1]))
            for point in rest:
                path.lineTo(px(point[0]), py(point[1]))
            path.close()
            canvas.drawPath(path, stroke=stroke, fill=fill)
    canvas.restoreState()


def draw_qr(canvas: Canvas, code: QrCode, x: float, y: float, size: float) -> None:
    """The QR code with its quiet zone in the square at ``(x, y)`` (lower left) of ``size``."""
    modules = code.size + 2 * QUIET_ZONE
    unit = size / modules
    canvas.saveState()
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    for row, column, length in code.runs():
        left = x + (column + QUIET_ZONE) * unit
        bottom = y + size - (row + QUIET_ZONE + 1) * unit
        # a hair wider than the module, so no white seam shows between neighbours
        canvas.rect(left, bottom, length * unit + 0.01, unit + 0.01, stroke=0, fill=1)
    canvas.restoreState()


def _crop_marks(canvas: Canvas, left: float, bottom: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setLineWidth(0.25)
    start, end = BLEED + 2 * mm, SLUG
    for x in (left, left + width):
        for y in (bottom, bottom + height):
            sign_x = -1 if x == left else 1
            sign_y = -1 if y == bottom else 1
            canvas.line(x + sign_x * start, y, x + sign_x * (start + end - BLEED - 2 * mm), y)
            canvas.line(x, y + sign_y * start, x, y + sign_y * (start + end - BLEED - 2 * mm))
    canvas.restoreState()


def poster(
    text: PosterText,
    size: str,
    *,
    background: str,
    foreground: str,
    code: QrCode,
    logo: Logo | None = None,
    marks: bool = False,
) -> bytes:
    """A call's poster or flyer as PDF bytes; ``size`` is a key of :data:`PAPER`."""
    _register_fonts()
    trim_w, trim_h = PAPER[size]
    outer = BLEED + (SLUG if marks else 0)
    page_w, page_h = trim_w + 2 * outer, trim_h + 2 * outer
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(page_w, page_h),
        pageCompression=1,
        lang=text.lang,
        # not Helvetica, which would be named but not embedded
        initialFontName=REGULAR,
    )
    canvas.setTitle(text.document_title)
    canvas.setAuthor(text.alliance)
    canvas.setSubject(text.tagline)
    canvas.setCreator("widget-service")
    left, bottom = outer, outer  # the trimmed page's lower left corner
    canvas.setTrimBox((left, bottom, left + trim_w, bottom + trim_h))
    canvas.setBleedBox(
        (left - BLEED, bottom - BLEED, left + trim_w + BLEED, bottom + trim_h + BLEED)
    )
    canvas.setArtBox((left, bottom, left + trim_w, bottom + trim_h))

    unit = trim_w / 100  # everything scales with the paper's width
    margin = 8 * unit
    column = trim_w - 2 * margin
    band = trim_h * 0.27  # the white band at the foot with the QR code

    # the coloured area runs into the bleed on three sides
    canvas.setFillColor(HexColor(background))
    canvas.rect(
        left - BLEED,
        bottom + band,
        trim_w + 2 * BLEED,
        trim_h - band + BLEED,
        stroke=0,
        fill=1,
    )
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(left - BLEED, bottom - BLEED, trim_w + 2 * BLEED, band + BLEED, stroke=0, fill=1)

    top = bottom + trim_h - margin
    head = 11 * unit
    text_left = left + margin
    if logo is not None:
        # a white plate, so the logo reads on any colour
        canvas.setFillColor(HexColor("#ffffff"))
        canvas.roundRect(text_left, top - head, head, head, head * 0.18, stroke=0, fill=1)
        draw_logo(canvas, logo, text_left + head * 0.08, top - head * 0.92, head * 0.84)
        name_left = text_left + head + 3 * unit
    else:
        name_left = text_left
    name = _fit(
        text.alliance, BOLD, left + trim_w - margin - name_left, head, 4.6 * unit, 2.6 * unit
    )
    _draw_block(canvas, name, name_left, top - (head - name.height) / 2, foreground)

    y = top - head - 6 * unit
    room = y - (bottom + band + margin * 0.8)
    title = _fit(text.title, BOLD, column, room * 0.42, 14 * unit, 5 * unit)
    y = _draw_block(canvas, title, text_left, y, foreground) - 2.5 * unit
    tagline = _fit(text.tagline, BOLD, column, room * 0.22, 5.6 * unit, 3 * unit)
    y = _draw_block(canvas, tagline, text_left, y, foreground) - 2.5 * unit
    body = _fit(
        text.text, REGULAR, column, y - (bottom + band + margin * 0.8), 4 * unit, 2.2 * unit
    )
    _draw_block(canvas, body, text_left, y, foreground)

    # the foot: the QR code, and beside it the invitation and the short address
    qr_size = band - 2 * (margin * 0.6)
    qr_x, qr_y = left + trim_w - margin - qr_size, bottom + margin * 0.6
    draw_qr(canvas, code, qr_x, qr_y, qr_size)
    beside = qr_x - text_left - 3 * unit
    action = _fit(text.action, BOLD, beside, qr_size * 0.45, 6 * unit, 3 * unit)
    address = _fit(text.address, BOLD, beside, qr_size * 0.4, 4.4 * unit, 2 * unit)
    stack = action.height + 2 * unit + address.height
    y = qr_y + qr_size / 2 + stack / 2
    y = _draw_block(canvas, action, text_left, y, "#1b1b1b") - 2 * unit
    _draw_block(canvas, address, text_left, y, _ink(background))

    if marks:
        _crop_marks(canvas, left, bottom, trim_w, trim_h)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _ink(color: str) -> str:
    """The brand colour, or black when it is too light to read on white paper."""
    return color if contrast(color, "#ffffff") >= 4.5 else "#1b1b1b"
