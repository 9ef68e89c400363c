"""HTML from outside, made safe: the one module that imports bleach.

A strict allowlist (paragraphs, line breaks, emphasis, lists, h2–h4, blockquote, links
to http/https/mailto). Elements whose content is code or foreign markup (script, style,
svg, math, noscript, iframe, template …) are dropped with everything inside them, not
merely unwrapped. ``clean(clean(x)) == clean(x)`` holds, so records can be re-cleaned.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from typing import Any

import bleach
from bleach.html5lib_shim import Filter

from .text import ELLIPSIS

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "i", "b", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# dropped together with their content: text inside them is code or not meant to be read
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "svg",
        "math",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "template",
        "textarea",
        "select",
        "title",
        "head",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
        "canvas",
        "audio",
        "video",
    }
)
_ABSOLUTE_LINK = re.compile(r"^(https?://[^\s/]|mailto:\S)", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# a tag (quoted attribute values may hold ">"), or a run of text
_TOKEN = re.compile(r"""<(?:"[^"]*"|'[^']*'|[^'">])*>|[^<]+|<""")
# the white space before the last, unfinished word of a text
_LAST_WORD = re.compile(r"\s+\S*\Z")


class _DropContent(Filter):  # type: ignore[misc]  # html5lib's Filter has no types
    """Removes the dropped elements with all they contain; keeps only absolute links."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = str(token.get("name", "")).lower()
            if name in DROPPED_WITH_CONTENT and kind in ("StartTag", "EndTag", "EmptyTag"):
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth = max(0, depth - 1)
                continue
            if depth:
                continue
            if kind == "StartTag" and name == "a":
                token = _absolute_link_only(token)
            yield token


def _absolute_link_only(token: dict[str, Any]) -> dict[str, Any]:
    # a relative link would point into whichever site embeds the widget
    attributes = dict(token.get("data", {}))
    href = attributes.get((None, "href"))
    if href is not None and not _ABSOLUTE_LINK.match(href):
        del attributes[(None, "href")]
    return {**token, "data": attributes}


def _html_cleaner() -> bleach.sanitizer.Cleaner:
    return bleach.sanitizer.Cleaner(
        # the dropped elements must reach the filter as elements, so they are let through here
        tags=ALLOWED_TAGS | DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_DropContent],
    )


def _plain_cleaner() -> bleach.sanitizer.Cleaner:
    return bleach.sanitizer.Cleaner(
        tags=DROPPED_WITH_CONTENT,
        attributes={},
        strip=True,
        strip_comments=True,
        filters=[_DropContent],
    )


# a Cleaner keeps parser state between calls and must not be shared between threads
# (federation sanitises in a pool of threads; gunicorn runs threads too): one per thread
_per_thread = threading.local()


def _cleaner(kind: str) -> bleach.sanitizer.Cleaner:
    cleaner = getattr(_per_thread, kind, None)
    if cleaner is None:
        cleaner = _html_cleaner() if kind == "html" else _plain_cleaner()
        setattr(_per_thread, kind, cleaner)
    return cleaner


def clean_html(fragment: str | None) -> str:
    """Sanitise an HTML fragment to the allowlist."""
    if not fragment:
        return ""
    return str(_cleaner("html").clean(fragment)).strip()


def plain_text(fragment: str | None) -> str:
    """The text of an HTML fragment, without markup, whitespace collapsed."""
    if not fragment:
        return ""
    stripped = str(_cleaner("text").clean(fragment))
    return _WHITESPACE.sub(" ", html.unescape(stripped)).strip()


def shorten_html(fragment: str, limit: int) -> str:
    """Clean HTML of at most ``limit`` characters: cut between two words, outside any tag,
    with "…"; the elements left open at the cut are closed.

    ``fragment`` must be clean already (:func:`clean_html`); only the part that is kept is
    cleaned again, so a long fragment costs no more than one of ``limit`` characters.
    """
    if len(fragment) <= limit:
        return fragment
    budget = limit - len(ELLIPSIS)
    while budget > 0:
        cut = _word_boundary(fragment, budget)
        shortened = clean_html(fragment[:cut].rstrip() + ELLIPSIS)
        if len(shortened) <= limit:
            return shortened
        # the end tags that close the open elements did not fit: cut that much earlier
        budget -= len(shortened) - limit
    return ""


def _word_boundary(fragment: str, end: int) -> int:
    """The last place at most ``end`` where the fragment may be cut: between two words and
    outside any tag."""
    boundary = 0
    for token in _TOKEN.finditer(fragment, 0, end):
        start, stop = token.span()
        value = token.group()
        if value.startswith("<"):
            if len(value) == 1 or not value.endswith(">"):
                return start  # a tag that the cut would split
            boundary = stop
        elif stop < end:
            boundary = stop  # text that ends at the next tag
        elif end == len(fragment) or fragment[end].isspace() or fragment[end] == "<":
            return stop
        else:
            words = _LAST_WORD.search(value)
            if words is not None:
                return start + words.start()
            # one word longer than all the room: cut inside it rather than leave nothing
            return boundary or end
    return boundary
