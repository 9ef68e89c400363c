"""Colour arithmetic for WCAG contrast: pure functions, used by pages, widgets and badges."""

from __future__ import annotations

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
BLACK = "#1b1b1b"
WHITE = "#ffffff"


def is_hex_color(value: str) -> bool:
    """True for ``#rrggbb``."""
    return HEX.match(value) is not None


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
    """``color`` lightened just enough to reach ``ratio`` against ``against`` (text on dark)."""
    red, green, blue = (int(color[index : index + 2], 16) for index in (1, 3, 5))
    for _ in range(100):
        candidate = f"#{red:02x}{green:02x}{blue:02x}"
        if contrast(candidate, against) >= ratio:
            return candidate
        red, green, blue = (
            min(255, int(channel + (255 - channel) * 0.08 + 1)) for channel in (red, green, blue)
        )
    return WHITE
