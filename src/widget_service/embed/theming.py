"""Colours and style sheets of a widget instance: palettes with readable contrast, the
custom properties a host page may override (``--aw-<name>``), the minified CSS of a widget
folder. Pure functions: nothing of Flask."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from ..colors import WHITE, contrast, darken_until, lighten_until, readable_on

DEFAULT_ACCENT = "#005ea8"
# the light and dark palettes; a host page may override each as --aw-<name>
LIGHT = {
    "bg": "#ffffff",
    "fg": "#1b1b1b",
    "muted": "#4a4f55",
    "line": "#c9cfd6",
    "surface": "#f3f5f7",
    "focus": "#ffbf47",
}
DARK = {
    "bg": "#15191d",
    "fg": "#f1f3f5",
    "muted": "#b9c1c9",
    "line": "#48515a",
    "surface": "#20262c",
    "focus": "#ffbf47",
}


def readable_pair(background: str, foreground: str | None = None) -> tuple[str, str]:
    """A background and a text colour on it with at least 4.5:1 contrast (WCAG AA)."""
    text = foreground or readable_on(background)
    if contrast(background, text) >= 4.5:
        return background, text
    darker = darken_until(background, WHITE)
    return darker, WHITE


def _palette(base: Mapping[str, str], accent: str, dark: bool) -> dict[str, str]:
    button, button_text = readable_pair(accent)
    link = lighten_until(accent, base["surface"]) if dark else darken_until(accent, base["surface"])
    return {**base, "accent": button, "accent-text": button_text, "link": link}


def _declarations(palette: Mapping[str, str], scheme: str) -> str:
    values = ";".join(f"--_{name}:var(--aw-{name},{value})" for name, value in palette.items())
    return f"{values};--_radius:var(--aw-radius,0.4rem);color-scheme:{scheme}"


def theme_css(scope: str, theme: str, accent: str, extra: str = "") -> str:
    """The custom properties of one widget instance (``.scope``) for ``light``/``dark``/``auto``."""
    light = _declarations(_palette(LIGHT, accent, dark=False), "light")
    dark = _declarations(_palette(DARK, accent, dark=True), "dark")
    tail = f";{extra}" if extra else ""
    if theme == "dark":
        return f".{scope}{{{dark}{tail}}}"
    if theme == "light":
        return f".{scope}{{{light}{tail}}}"
    return (
        f".{scope}{{{light}{tail}}}@media (prefers-color-scheme: dark){{.{scope}{{{dark}{tail}}}}}"
    )


# appended to every selector of a widget's style sheet: twice an id selector no element can
# match (an id has no spaces), which never excludes anything and lifts each rule above the
# class, element and one-id rules of a host page (".entry-content ul li", "#content .entry a")
# that would otherwise reach into a server-side include, where no Shadow DOM keeps them out.
# Every rule gains the same, so the widget's own rules keep their order among themselves.
BOOST = ":not(#\\ ):not(#\\ )"


def _boost_selectors(prelude: str) -> str:
    selectors, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            selectors.append(prelude[start:index])
            start = index + 1
    selectors.append(prelude[start:])
    boosted = []
    for selector in (item.strip() for item in selectors):
        pseudo = selector.find("::")
        if pseudo < 0:
            boosted.append(selector + BOOST)
        else:  # a pseudo-element stays last
            boosted.append(selector[:pseudo] + BOOST + selector[pseudo:])
    return ",".join(boosted)


def boosted(css: str) -> str:
    """``css`` (minified, no comments) with :data:`BOOST` after every selector; the blocks of
    ``@media`` and ``@supports`` are boosted inside, declarations are left as they are."""
    out, index = [], 0
    while index < len(css):
        opening = css.find("{", index)
        if opening < 0:
            out.append(css[index:])
            break
        prelude = css[index:opening].strip()
        depth, closing = 1, opening + 1
        while depth and closing < len(css):
            depth += {"{": 1, "}": -1}.get(css[closing], 0)
            closing += 1
        block = css[opening + 1 : closing - 1]
        if prelude.startswith("@"):
            out.append(prelude + "{" + boosted(block) + "}")
        else:
            out.append(_boost_selectors(prelude) + "{" + block + "}")
        index = closing
    return "".join(out)


def _minified(path: Path) -> str:
    # comments and indentation are for the people who read the source, not for every visitor
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return re.sub(r"\s*\n\s*", "", text).strip()


@cache
def widget_css(folder: Path, name: str | None) -> str:
    """The shared ``base.css`` of a widget folder, and widget ``name``'s own style sheet, each
    rule lifted above a host page's (:func:`boosted`)."""
    base = _minified(folder / "base.css")
    return boosted(base if name is None else base + _minified(folder / name / "widget.css"))
