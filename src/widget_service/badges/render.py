"""SVG badges and banners: pure functions over SVG templates, laid out by real text metrics.

Nothing here knows Flask or the database: callers pass the (translated) texts, colours
and a :class:`Measurer` (the bundled font's metrics by default), and get SVG text back,
as in pybadges. Text never spills out of its box; the rule, in this order:

1. wrap at spaces, and after hyphens inside words ("Evangelisch-" / "lutherische");
2. shrink the font size step by step down to the box's minimum;
3. at the minimum, squeeze the last resort horizontally with ``textLength``.

Every text element carries ``textLength`` (its measured width), so a viewer whose fonts
differ from the bundled one still sees each line in exactly its box. Every image has
``role="img"``, an ``aria-label`` and a ``<title>``; colours keep WCAG AA contrast.
"""

from __future__ import annotations

import enum
import html
import math
import re
from dataclasses import dataclass
from typing import Protocol

from ..colors import BLACK, WHITE, darken_until, lighten_until, text_pair
from ..metrics import CSS_FAMILY, bundled_font
from ..text import is_hex_color

DEFAULT_BRAND = "#005ea8"
SIZE_STEP = 0.5
LINE_HEIGHT = 1.2
# characters XML 1.0 does not allow; a name with one must still give a well-formed image
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class Measurer(Protocol):
    """Anything that knows how wide a text is at a size: the bundled font, or a fake."""

    def width(self, text: str, size: float, bold: bool = False) -> float: ...


class Theme(enum.StrEnum):
    LIGHT = "light"
    DARK = "dark"


class Tone(enum.StrEnum):
    """What a badge says: a member (brand colour), a former member (grey), an error (red)."""

    BRAND = "brand"
    MUTED = "muted"
    ALERT = "alert"


# --- text fitting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """Where a text may go: its width and height in pixels and the font sizes it may take."""

    width: float
    height: float
    max_size: float
    min_size: float
    bold: bool = False
    max_lines: int | None = None


@dataclass(frozen=True)
class Fitted:
    """Lines of text at one size; ``widths`` are the drawn widths (at most the box width)."""

    lines: tuple[str, ...]
    size: float
    widths: tuple[float, ...]
    bold: bool
    squeezed: bool = False

    @property
    def line_height(self) -> float:
        return self.size * LINE_HEIGHT

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height


def clean(text: str) -> str:
    """One line of text: no characters XML forbids, runs of white space made one space."""
    return " ".join(_NOT_XML.sub("", text).split())


_UNBROKEN = re.compile(r"(?<!\w)(?:e\. V\.|e\. G\.|g\. e\. V\.|a\. D\.)(?!\w)")


def keep_together(text: str) -> str:
    """``text`` with the abbreviations of a legal form ("e. V.") joined by no-break spaces,
    so no line ends between "e." and "V." (in the images and the badge widget alike)."""
    return _UNBROKEN.sub(lambda found: found.group(0).replace(" ", "\u00a0"), text)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Break opportunities: (piece, follows a space); words also break after a hyphen."""
    pieces: list[tuple[str, bool]] = []
    # abbreviations of a legal form stay on one line ("e. V.", not "e." / "V.")
    text = keep_together(text)
    for index, word in enumerate(text.split(" ")):
        if not word:
            continue
        parts = re.findall(r"[^-]+-*|-+", word)
        # a leading hyphen ("-Straße") stays with its word
        if len(parts) > 1 and set(parts[0]) == {"-"}:
            parts = [parts[0] + parts[1], *parts[2:]]
        for position, part in enumerate(parts):
            pieces.append((part, index > 0 and position == 0))
    return pieces


def _join(line: str, piece: str, spaced: bool) -> str:
    if not line:
        return piece
    return f"{line} {piece}" if spaced else line + piece


def wrap(text: str, width: float, size: float, bold: bool, measurer: Measurer) -> list[str]:
    """Greedy line breaking at ``size``; a piece wider than ``width`` gets a line of its own."""
    lines: list[str] = []
    line = ""
    for piece, spaced in _pieces(clean(text)):
        candidate = _join(line, piece, spaced)
        if not line or measurer.width(candidate, size, bold) <= width:
            line = candidate
        else:
            lines.append(line)
            line = piece
    if line:
        lines.append(line)
    return lines


def fit(text: str, box: Box, measurer: Measurer) -> Fitted:
    """``text`` in ``box``: wrapped, then shrunk, then (at the smallest size) squeezed."""
    text = clean(text)
    if not text:
        return Fitted((), box.min_size, (), box.bold)
    size = box.max_size
    while size >= box.min_size - 1e-9:
        lines = wrap(text, box.width, size, box.bold, measurer)
        widths = [measurer.width(line, size, box.bold) for line in lines]
        fits_lines = box.max_lines is None or len(lines) <= box.max_lines
        if (
            fits_lines
            and max(widths) <= box.width
            and len(lines) * size * LINE_HEIGHT <= box.height
        ):
            if len(lines) > 1:
                lines = _balanced(text, len(lines), box.width, size, box.bold, measurer)
                widths = [measurer.width(line, size, box.bold) for line in lines]
            return Fitted(tuple(lines), size, tuple(widths), box.bold)
        size = round(size - SIZE_STEP, 2)
    return _squeezed(text, box, measurer)


def _balanced(
    text: str, count: int, width: float, size: float, bold: bool, measurer: Measurer
) -> list[str]:
    """The same number of lines, made as even as they can be ("Niedersachsen / packt an")."""
    best = wrap(text, width, size, bold, measurer)
    low, high = 0.0, width
    for _ in range(12):
        middle = (low + high) / 2
        lines = wrap(text, middle, size, bold, measurer)
        widest = max(measurer.width(line, size, bold) for line in lines)
        if len(lines) <= count and widest <= middle:
            best, high = lines, middle
        else:
            low = middle
    return best


def _squeezed(text: str, box: Box, measurer: Measurer) -> Fitted:
    size = box.min_size
    room = max(1, math.floor(box.height / (size * LINE_HEIGHT) + 1e-9))
    if box.max_lines is not None:
        room = min(room, box.max_lines)
    lines = wrap(text, box.width, size, box.bold, measurer)
    if len(lines) > room:
        rest = lines[room - 1 :]
        tail = rest[0]
        for piece in rest[1:]:
            tail = _join(tail, piece, not tail.endswith("-"))
        lines = [*lines[: room - 1], tail]
    widths = tuple(min(measurer.width(line, size, box.bold), box.width) for line in lines)
    return Fitted(tuple(lines), size, widths, box.bold, squeezed=True)


def fit_line(text: str, width: float, size: float, bold: bool, measurer: Measurer) -> Fitted:
    """One line at a fixed size, squeezed if it is wider than ``width``."""
    text = clean(text)
    natural = measurer.width(text, size, bold)
    return Fitted((text,), size, (min(natural, width),), bold, squeezed=natural > width)


# --- SVG pieces ---------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate as short as it can be: ``12``, ``12.5``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _text_lines(
    fitted: Fitted,
    x: float,
    top: float,
    color: str,
    anchor: str = "start",
) -> str:
    """``<text>`` elements for fitted lines; ``top`` is the top of the first line box."""
    parts = []
    weight = ' font-weight="700"' if fitted.bold else ""
    for index, (line, width) in enumerate(zip(fitted.lines, fitted.widths, strict=True)):
        # the baseline sits about 0.8 of the size below the top of the line's box
        baseline = top + index * fitted.line_height + fitted.line_height / 2 + fitted.size * 0.35
        parts.append(
            f'<text x="{_n(x)}" y="{_n(baseline)}" font-size="{_n(fitted.size)}"{weight}'
            f' fill="{color}" text-anchor="{anchor}" textLength="{_n(width)}"'
            f' lengthAdjust="spacingAndGlyphs">{_attr(line)}</text>'
        )
    return "".join(parts)


def _svg(width: float, height: float, label: str, lang: str, body: str) -> str:
    label = clean(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}"'
        f' viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{_attr(label)}"'
        f' xml:lang="{_attr(lang)}">'
        f"<title>{_attr(label)}</title>"
        f'<g font-family="{CSS_FAMILY}">{body}</g>'
        "</svg>\n"
    )


def _brand(color: str | None) -> str:
    return color if color and is_hex_color(color) else DEFAULT_BRAND


# --- badges -------------------------------------------------------------------------------

FLAT_HEIGHT = 20
FLAT_FONT = 11
FLAT_PADDING = 6
# past this a part's text is squeezed rather than making the badge wider still
FLAT_MAX_TEXT = 360
SEAL_SIZE = 180
SEAL_INSET = 12
SEAL_BAND = 54

MUTED = {Theme.LIGHT: "#5f6368", Theme.DARK: "#c4c7cc"}
ALERT = {Theme.LIGHT: "#b3261e", Theme.DARK: "#f2b8b5"}


@dataclass(frozen=True)
class Colors:
    """A background and the text on it."""

    background: str
    text: str


def tone_colors(brand: str | None, theme: Theme, tone: Tone) -> Colors:
    """The message colour of a badge: the brand (or grey, or red) with AA-contrast text.

    The brand is the alliance's own colour in both themes (made darker where white text
    needs it), as the badge widget shows it; grey and red are lightened on dark."""
    if tone is Tone.MUTED:
        base = MUTED[theme]
    elif tone is Tone.ALERT:
        base = ALERT[theme]
    else:
        base = _brand(brand)
    if theme is Theme.DARK and tone is not Tone.BRAND:
        background = lighten_until(base, BLACK)
        return Colors(background, BLACK)
    background, text = text_pair(darken_until(base, WHITE), WHITE)
    return Colors(background, text)


def flat_badge(
    label: str,
    message: str,
    *,
    brand: str | None,
    title: str,
    theme: Theme = Theme.LIGHT,
    tone: Tone = Tone.BRAND,
    lang: str = "de",
    measurer: Measurer | None = None,
) -> str:
    """A two-part badge, ``label | message``, 20 pixels high and as wide as its texts."""
    measure = measurer or bundled_font()
    left = fit_line(label, FLAT_MAX_TEXT, FLAT_FONT, False, measure)
    right = fit_line(message, FLAT_MAX_TEXT, FLAT_FONT, False, measure)
    left_width = math.ceil(left.widths[0]) + 2 * FLAT_PADDING
    right_width = math.ceil(right.widths[0]) + 2 * FLAT_PADDING
    width = left_width + right_width
    label_colors = Colors("#4a4f55", WHITE) if theme is Theme.LIGHT else Colors("#e4e6e9", BLACK)
    message_colors = tone_colors(brand, theme, tone)
    r, h = 3, FLAT_HEIGHT
    top = (h - left.height) / 2
    body = (
        f'<path fill="{label_colors.background}" d="M{r} 0h{left_width - r}v{h}H{r}'
        f'a{r} {r} 0 0 1-{r}-{r}V{r}a{r} {r} 0 0 1 {r}-{r}z"/>'
        f'<path fill="{message_colors.background}" d="M{left_width} 0h{right_width - r}'
        f'a{r} {r} 0 0 1 {r} {r}v{h - 2 * r}a{r} {r} 0 0 1-{r} {r}H{left_width}z"/>'
        + _text_lines(left, left_width / 2, top, label_colors.text, "middle")
        + _text_lines(right, left_width + right_width / 2, top, message_colors.text, "middle")
    )
    return _svg(width, h, title, lang, body)


def seal_badge(
    heading: str,
    name: str,
    status: str,
    *,
    brand: str | None,
    title: str,
    theme: Theme = Theme.LIGHT,
    tone: Tone = Tone.BRAND,
    lang: str = "de",
    measurer: Measurer | None = None,
) -> str:
    """A square seal: the alliance on a coloured band, the partner's name, and the status."""
    measure = measurer or bundled_font()
    size, inset, band = SEAL_SIZE, SEAL_INSET, SEAL_BAND
    band_colors = tone_colors(brand, theme, tone)
    if theme is Theme.LIGHT:
        paper, ink, quiet = WHITE, BLACK, "#4a4f55"
    else:
        paper, ink, quiet = "#1b1b1b", WHITE, "#c4c7cc"
    status_color = ALERT[theme] if tone is Tone.ALERT else quiet
    if theme is Theme.LIGHT and tone is Tone.ALERT:
        status_color = darken_until(status_color, paper)
    heading_fit = fit(heading, Box(size - 2 * inset, band - 12, 14, 9, bold=True), measure)
    name_fit = fit(name, Box(size - 2 * inset, 80, 18, 10, bold=True), measure)
    status_fit = fit(status, Box(size - 2 * inset, 18, 12, 9, max_lines=1), measure)
    center = size / 2
    name_top = band + 8 + (80 - name_fit.height) / 2
    body = (
        f'<rect x="1" y="1" width="{size - 2}" height="{size - 2}" rx="10"'
        f' fill="{paper}" stroke="{band_colors.background}" stroke-width="2"/>'
        f'<path fill="{band_colors.background}" d="M11 0h{size - 22}a11 11 0 0 1 11 11'
        f'v{band - 11}H0V11a11 11 0 0 1 11-11z"/>'
        + _text_lines(
            heading_fit, center, (band - heading_fit.height) / 2, band_colors.text, "middle"
        )
        + _text_lines(name_fit, center, name_top, ink, "middle")
        + f'<path stroke="{band_colors.background}" stroke-width="2" d="M{center - 24} 146h48"/>'
        + _text_lines(status_fit, center, 152, status_color, "middle")
    )
    return _svg(size, size, title, lang, body)


# --- banners ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BannerSize:
    """A banner format and how its space is shared between the texts and the button."""

    name: str
    width: int
    height: int
    padding_x: float
    padding_y: float
    row: bool  # button beside the texts (leaderboard) or below them
    alliance: Box
    title: Box
    tagline: Box
    gap: float
    button_size: tuple[float, float]  # largest and smallest button font size
    button_height: float
    button_max_width: float
    button_padding: float
    logo: float = 0  # the side of the logo's plate; beside the alliance's name
    logo_above: bool = False  # narrow formats: the plate above the name, not beside it


def _sizes() -> dict[str, BannerSize]:
    return {
        "728x90": BannerSize(
            "728x90", 728, 90, 20, 6, True,
            alliance=Box(0, 14, 11, 9, max_lines=1),
            title=Box(0, 30, 24, 14, bold=True, max_lines=1),
            tagline=Box(0, 30, 13, 10, max_lines=2),
            gap=1, button_size=(15, 11), button_height=38, button_max_width=210,
            button_padding=18, logo=56,
        ),
        "300x250": BannerSize(
            "300x250", 300, 250, 18, 18, False,
            alliance=Box(264, 16, 12, 10, max_lines=1),
            title=Box(264, 70, 26, 15, bold=True),
            tagline=Box(264, 60, 15, 11),
            gap=6, button_size=(16, 11), button_height=40, button_max_width=264,
            button_padding=18, logo=32,
        ),
        "160x600": BannerSize(
            "160x600", 160, 600, 16, 20, False,
            alliance=Box(128, 36, 13, 10),
            title=Box(128, 210, 28, 15, bold=True),
            tagline=Box(128, 220, 17, 12),
            gap=14, button_size=(15, 10), button_height=44, button_max_width=128,
            button_padding=10, logo=56, logo_above=True,
        ),
        "1200x630": BannerSize(
            "1200x630", 1200, 630, 72, 64, False,
            alliance=Box(1056, 40, 30, 22, max_lines=1),
            title=Box(1056, 200, 76, 44, bold=True),
            tagline=Box(1056, 110, 40, 26),
            gap=18, button_size=(34, 22), button_height=84, button_max_width=640,
            button_padding=40, logo=72,
        ),
        # the square post and the story of the social networks
        "1080x1080": BannerSize(
            "1080x1080", 1080, 1080, 84, 96, False,
            alliance=Box(912, 96, 44, 30, max_lines=2),
            title=Box(912, 400, 124, 60, bold=True),
            tagline=Box(912, 220, 56, 34),
            gap=36, button_size=(46, 30), button_height=116, button_max_width=912,
            button_padding=52, logo=112,
        ),
        "1080x1920": BannerSize(
            "1080x1920", 1080, 1920, 96, 220, False,
            alliance=Box(888, 120, 48, 32, max_lines=2),
            title=Box(888, 720, 148, 72, bold=True),
            tagline=Box(888, 380, 64, 40),
            gap=56, button_size=(52, 34), button_height=136, button_max_width=888,
            button_padding=60, logo=132,
        ),
    }  # fmt: skip


BANNER_SIZES: dict[str, BannerSize] = _sizes()
DEFAULT_BANNER_SIZE = "728x90"


@dataclass(frozen=True)
class BannerText:
    """What a banner says, already in the reader's language."""

    alliance: str
    title: str
    tagline: str = ""
    button: str = ""
    link: str | None = None
    description: str = ""  # the aria-label; the title and tagline when empty
    # the alliance's logo as SVG shapes in a 100 × 100 box (see campaign/logos.py)
    logo: str | None = None


def banner_colors(background: str | None, foreground: str | None) -> Colors:
    """A call's colours with AA contrast: its own where they read well, else adjusted."""
    paper, ink = text_pair(_brand(background), foreground)
    return Colors(paper, ink)


def _button(
    label: str, spec: BannerSize, colors: Colors, x: float, y: float, measure: Measurer
) -> tuple[str, float]:
    """The button's SVG and its width; it is drawn in the inverted colours of the banner."""
    largest, smallest = spec.button_size
    inner = spec.button_max_width - 2 * spec.button_padding
    narrow = not spec.row and spec.width - 2 * spec.padding_x <= 200
    # a narrow format's button may take two lines rather than squeeze one
    lines = 2 if narrow else 1
    box = Box(inner, spec.button_height - 8, largest, smallest, bold=True, max_lines=lines)
    fitted = fit(label, box, measure)
    width = min(spec.button_max_width, math.ceil(max(fitted.widths)) + 2 * spec.button_padding)
    if narrow:
        width = spec.button_max_width
    svg = (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(spec.button_height)}"'
        f' rx="{_n(spec.button_height * 0.14)}" fill="{colors.text}"/>'
        + _text_lines(
            fitted,
            x + width / 2,
            y + (spec.button_height - fitted.height) / 2,
            colors.background,
            "middle",
        )
    )
    return svg, width


def _logo_plate(logo: str, x: float, y: float, side: float) -> str:
    """The logo on a white plate, so it reads on any colour of banner."""
    inset = side * 0.08
    return (
        f'<g class="logo"><rect x="{_n(x)}" y="{_n(y)}" width="{_n(side)}" height="{_n(side)}"'
        f' rx="{_n(side * 0.18)}" fill="{WHITE}"/>'
        f'<svg x="{_n(x + inset)}" y="{_n(y + inset)}" width="{_n(side - 2 * inset)}"'
        f' height="{_n(side - 2 * inset)}" viewBox="0 0 100 100">{logo}</svg></g>'
    )


def banner(
    text: BannerText,
    size: str = DEFAULT_BANNER_SIZE,
    *,
    background: str | None,
    foreground: str | None = None,
    lang: str = "de",
    measurer: Measurer | None = None,
) -> str:
    """A call's banner in one of :data:`BANNER_SIZES`: the alliance (with its logo when it
    has one), the title, the tagline and the button, in that order of weight."""
    measure = measurer or bundled_font()
    spec = BANNER_SIZES[size]
    colors = banner_colors(background, foreground)
    logo = spec.logo if text.logo and spec.logo else 0.0
    logo_gap = round(logo * 0.22, 2)
    button_svg = ""
    button_width = 0.0
    if spec.row and text.button:
        # the button first: the texts get what it leaves
        _, button_width = _button(text.button, spec, colors, 0, 0, measure)
        x = spec.width - spec.padding_x - button_width
        y = (spec.height - spec.button_height) / 2
        button_svg, _ = _button(text.button, spec, colors, x, y, measure)
    left = spec.padding_x + (logo + logo_gap if spec.row and logo else 0)
    column = (
        spec.width - spec.padding_x - left - (button_width + spec.padding_x if button_width else 0)
    )

    def boxed(box: Box, width: float = column) -> Box:
        return Box(width, box.height, box.max_size, box.min_size, box.bold, box.max_lines)

    # in a column the name sits beside the logo (or under it, where the banner is narrow)
    beside = bool(logo) and not spec.row and not spec.logo_above
    name_box = boxed(spec.alliance, column - logo - logo_gap if beside else column)
    if beside:
        name_box = Box(
            name_box.width,
            max(name_box.height, logo),
            name_box.max_size,
            name_box.min_size,
            name_box.bold,
            name_box.max_lines,
        )
    name = fit(text.alliance, name_box, measure)
    blocks = [
        fit(text.title, boxed(spec.title), measure),
        fit(text.tagline, boxed(spec.tagline), measure),
    ]
    blocks = [block for block in blocks if block.lines]
    if not spec.row and logo:
        head = (
            max(logo, name.height)
            if beside
            else logo + (spec.gap + name.height if name.lines else 0)
        )
    else:
        head = name.height
    heights = ([head] if head else []) + [block.height for block in blocks]
    stack = sum(heights) + spec.gap * (len(heights) - 1)
    if spec.row:
        top = (spec.height - stack) / 2
    else:
        # centred in what the button leaves free
        free = spec.height - 2 * spec.padding_y - (spec.button_height + spec.gap * 2)
        top = spec.padding_y + max(0.0, (free - stack) / 2)
    parts = [f'<rect width="{spec.width}" height="{spec.height}" fill="{colors.background}"/>']
    if spec.row and logo:
        parts.append(_logo_plate(text.logo or "", spec.padding_x, (spec.height - logo) / 2, logo))
    if not spec.row and logo:
        parts.append(_logo_plate(text.logo or "", spec.padding_x, top, logo))
        if beside:
            parts.append(
                _text_lines(
                    name,
                    spec.padding_x + logo + logo_gap,
                    top + (head - name.height) / 2,
                    colors.text,
                )
            )
        elif name.lines:
            parts.append(_text_lines(name, spec.padding_x, top + logo + spec.gap, colors.text))
        top += head + spec.gap
    elif name.lines:
        parts.append(_text_lines(name, left, top, colors.text))
        top += name.height + spec.gap
    for block in blocks:
        parts.append(_text_lines(block, left, top, colors.text))
        top += block.height + spec.gap
    if not spec.row and text.button:
        y = spec.height - spec.padding_y - spec.button_height
        button_svg, _ = _button(text.button, spec, colors, spec.padding_x, y, measure)
    parts.append(button_svg)
    body = "".join(parts)
    if text.link:
        body = f'<a href="{_attr(text.link)}" target="_top">{body}</a>'
    label = text.description or " – ".join(part for part in (text.title, text.tagline) if part)
    return _svg(spec.width, spec.height, label, lang, body)
