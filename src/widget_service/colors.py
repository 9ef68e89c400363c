"""Colour arithmetic for WCAG contrast: pure functions, used by pages, widgets and badges."""

from __future__ import annotations

from .text import is_hex_color

BLACK = "#1b1b1b"
WHITE = "#ffffff"


def _channel(value: int) -> float:
    scaled = value / 255
    return scaled / 12.92 if scaled <= 0.04045 else ((scaled + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    red, green, blue = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(background: str) -> str:
    """Near-black or white, whichever reads better on ``background``."""
    return WHITE if contrast(background, WHITE) >= contrast(background, BLACK) else BLACK


def darken_until(color: str, against: str = WHITE, ratio: float = 4.5) -> str:
    """``color`` darkened just enough to reach ``ratio`` against ``against`` (text on white)."""
    red, green, blue = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    for _ in range(100):
        candidate = f"#{red:02x}{green:02x}{blue:02x}"
        if contrast(candidate, against) >= ratio:
            return candidate
        red, green, blue = (int(channel * 0.92) for channel in (red, green, blue))
    return BLACK


def lighten_until(color: str, against: str = BLACK, ratio: float = 4.5) -> str:
    """``color`` mixed with white just enough to reach ``ratio`` against ``against`` (dark)."""
    red, green, blue = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    for _ in range(100):
        candidate = f"#{red:02x}{green:02x}{blue:02x}"
        if contrast(candidate, against) >= ratio:
            return candidate
        red, green, blue = (
            channel + max(1, (255 - channel) // 10) for channel in (red, green, blue)
        )
        red, green, blue = (min(channel, 255) for channel in (red, green, blue))
    return WHITE


def text_pair(
    background: str, foreground: str | None = None, ratio: float = 4.5
) -> tuple[str, str]:
    """A background and a text colour on it with at least ``ratio`` contrast (WCAG AA).

    ``foreground`` is kept when it reads well enough; otherwise near-black or white is
    chosen, and a mid-tone background that neither reaches ``ratio`` on is darkened.
    """
    readable = foreground is not None and is_hex_color(foreground)
    if readable and contrast(background, str(foreground)) >= ratio:
        return background, str(foreground)
    text = readable_on(background)
    if contrast(background, text) >= ratio:
        return background, text
    return darken_until(background, WHITE, ratio), WHITE
