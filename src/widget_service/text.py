"""Pure checks on short text: slugs, colours, web addresses, whole numbers, control characters.

One place for what every layer (import, query parameters, widgets, federation) accepts.
Every check matches the whole value (``fullmatch``): ``"abc\\n"`` is not a slug, and
``"²"`` or ``"٣"`` are not digits, although ``str.isdigit`` says they are.
"""

from __future__ import annotations

import re
import unicodedata

ALL = "all"  # in feed and widget URLs: every alliance of the instance
# slugs no record may take: ``all`` would clash with the addresses that mean every alliance
RESERVED_SLUGS = frozenset({ALL})
MAX_SLUG = 80
ELLIPSIS = "…"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_HTTP_URL = re.compile(r"https?://[^\s/?#]+\S*", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]{1,18}")

# in an address or a query parameter: every C0 control and DEL
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# in stored text: the same but tab, line feed and carriage return; and lone surrogates,
# which no database can store
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# what a single line (a name, a title, a place) must not hold: every control character,
# C1 included (U+0085 is a line break), and the Unicode line and paragraph separators
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PARTIAL_WORD = re.compile(r"\S+\Z")


def is_slug(value: str) -> bool:
    """True for a slug of the contract: ``[a-z0-9]+(-[a-z0-9]+)*``, at most 80 characters."""
    return len(value) <= MAX_SLUG and _SLUG.fullmatch(value) is not None


def is_hex_color(value: str) -> bool:
    """True for ``#rrggbb``."""
    return _HEX_COLOR.fullmatch(value) is not None


def is_http_url(value: str) -> bool:
    """True for an absolute ``http`` or ``https`` address with a host and no white space."""
    return _HTTP_URL.fullmatch(value) is not None


def whole_number(value: str) -> int | None:
    """The value as a non-negative whole number written in ASCII digits, else ``None``."""
    return int(value) if _DIGITS.fullmatch(value) else None


def fitting(value: str | None, limit: int) -> str | None:
    """The value if it fits a column of ``limit`` characters, else ``None``.

    For values that are useless when cut, such as a remote server's ETag.
    """
    return value if value is None or len(value) <= limit else None


def has_control(value: str) -> bool:
    """True when the value holds a control character (see :data:`CONTROL`)."""
    return CONTROL.search(value) is not None


def without_control(value: str) -> str:
    """Stored text without the control characters of :data:`CONTROL_IN_TEXT`."""
    return CONTROL_IN_TEXT.sub("", value)


def is_single_line(value: str) -> bool:
    """True when the value holds no line break and no control character."""
    return NOT_ONE_LINE.search(value) is None


def slugify(name: str) -> str:
    """A slug from a German name: ``Stadtverwaltung Sehnde`` → ``stadtverwaltung-sehnde``."""
    lowered = name.lower()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        lowered = lowered.replace(umlaut, spelled)
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:MAX_SLUG].strip("-")


def shorten(value: str, limit: int) -> str:
    """The value if it has at most ``limit`` characters, else cut at a word boundary with "…".

    A single word longer than the limit is cut inside it; the result never exceeds ``limit``.
    """
    if len(value) <= limit:
        return value
    room = limit - len(ELLIPSIS)
    head = value[:room]
    if not value[room].isspace():
        # the cut falls inside a word: leave that word out, unless it is the only one
        head = _PARTIAL_WORD.sub("", head).rstrip() or head
    return head.rstrip() + ELLIPSIS


# a sentence ends with . ! ? (perhaps closed by a quote or bracket) before a space; "e. V."
# and "z. B." are abbreviations, not ends: the word before the stop is longer than one letter
_SENTENCE_END = re.compile(r"(?<=\w\w[.!?])[\"“”»)]?(?=\s)")


def whole_sentences(value: str, limit: int) -> str:
    """As many whole sentences as fit in ``limit`` characters; when not even the first
    fits, the first sentence shortened at a word boundary with "…"."""
    value = value.strip()
    if len(value) <= limit:
        return value
    ends = [match.end() for match in _SENTENCE_END.finditer(value) if match.end() <= limit]
    if ends:
        return value[: ends[-1]].rstrip()
    return shorten(value, limit)
