"""What a source gave, made ours: the records a feed or calendar is read into, the error
for the office, the deadline of the read under way, and the cleaning every remote value
goes through (text without markup or control characters, sanitised HTML, absolute
``http``/``https`` links, lengths cut to what the tables hold)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..sanitize import clean_html, plain_text
from ..text import is_http_url, without_control
from ..timeutil import Deadline, OutOfRange, parse_datetime

DEFAULT_ZONE = "Europe/Berlin"
SUMMARY_LENGTH = 500
# what is read of one remote field before it is cleaned: sanitising costs time in
# proportion to the length, and an item's text is shorter than this by far
RAW_HTML, RAW_TEXT = 200_000, 20_000
# what the columns hold (models.py)
TITLE, PLACE, VIA, LOCATION, GUID, URL, NAME = 300, 200, 300, 300, 500, 1000, 200

_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


class ParseError(ValueError):
    """A body that cannot be read as a feed or calendar; the message is for the office."""


# the deadline of the read under way in this thread (see parse_feed)
_DEADLINE: ContextVar[Deadline | None] = ContextVar("widget_service_parse_deadline", default=None)


def _in_time() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None:
        deadline.check()


@dataclass(frozen=True)
class RemotePartner:
    """The partner that made an item, as the first instance named it."""

    name: str
    slug: str | None = None
    region: str | None = None

    def as_dict(self) -> dict[str, str]:
        values = {"slug": self.slug, "name": self.name, "region": self.region}
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class RemoteItem:
    """One item of a source, cleaned and ready to be stored."""

    guid: str
    title: str
    summary: str = ""
    body: str = ""
    # the item's original page (provenance: "the original link")
    url: str | None = None
    published: dt.datetime | None = None
    via: str | None = None
    partner: RemotePartner | None = None
    fields: tuple[str, ...] = ()
    place: str | None = None
    region: str | None = None
    # the item's picture, an address on the source's site (copied by federation/pictures.py)
    image: str | None = None
    # events only
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    timezone: str = DEFAULT_ZONE
    location: str | None = None
    online: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class ParsedFeed:
    """What a source holds: its format, its own title, and its items in feed order.

    ``complete_from``: the source lists every item from this moment on (a calendar whose
    repeating events were expanded from then); an item missing before it was not removed.
    """

    format: str
    title: str | None
    items: tuple[RemoteItem, ...] = field(default_factory=tuple)
    complete_from: dt.datetime | None = None


def _check_count(count: int, max_items: int) -> None:
    if count > max_items:
        raise ParseError(
            f"the feed has {count} items; at most {max_items} are read from one source"
        )


def _clean_text(value: Any, limit: int | None = None) -> str:
    """Plain text from text or HTML, without control characters, cut to ``limit``."""
    if value is None:
        return ""
    text = without_control(str(value)[:RAW_TEXT])
    # markup needs the HTML parser; text without "<" or "&" is plain already (most titles)
    text = plain_text(text) if "<" in text or "&" in text else _SPACES.sub(" ", text).strip()
    return _cut(text, limit)


def _text_of_clean_html(body: str, limit: int) -> str:
    """The text of HTML that :func:`clean_html` produced (allowlisted tags only)."""
    return _cut(_SPACES.sub(" ", html.unescape(_TAG.sub(" ", body))).strip(), limit)


def _cut(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def _optional_text(value: Any, limit: int) -> str | None:
    return _clean_text(value, limit) or None


def _clean_html(value: Any) -> str:
    return clean_html(without_control(str(value)[:RAW_HTML])) if value else ""


def _text_as_html(value: Any) -> str:
    """Plain text (a calendar's or a JSON Feed's ``content_text``) as paragraphs."""
    text = without_control(str(value or "")[:RAW_HTML]).strip()
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join("<p>" + html.escape(part).replace("\n", "<br>") + "</p>" for part in paragraphs)


def _summary(summary: Any, body: str) -> str:
    return _clean_text(summary, SUMMARY_LENGTH) or _text_of_clean_html(body, SUMMARY_LENGTH)


def _link(value: Any, base: str) -> str | None:
    """An absolute http(s) URL that fits the column, resolved against ``base``; else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    resolved = urljoin(base, without_control(value.strip()))
    if len(resolved) > URL or not is_http_url(resolved):
        return None
    return resolved


def _guid(value: Any, where: str) -> str:
    text = without_control(str(value)).strip() if value is not None else ""
    if not text:
        raise ParseError(f"{where} has no GUID")
    if len(text) > GUID:
        raise ParseError(f"{where} has a GUID longer than {GUID} characters")
    return text


def _zone(value: Any) -> str:
    if isinstance(value, str) and 0 < len(value) <= 64:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return DEFAULT_ZONE
        return value
    return DEFAULT_ZONE


def _moment(value: Any, where: str, name: str, zone: str = DEFAULT_ZONE) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(f"{where}: {name} must be a date-time text, not {type(value).__name__}")
    try:
        return parse_datetime(value, zone)
    except OutOfRange:
        raise ParseError(f"{where}: {name} {value[:60]!r} is out of range") from None
    except (ValueError, OverflowError):
        raise ParseError(f"{where}: {name} {value[:60]!r} is not an ISO 8601 date-time") from None


def _unique(items: Iterable[RemoteItem]) -> tuple[RemoteItem, ...]:
    """The items, each GUID once (the first wins)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.guid not in seen:
            seen.add(item.guid)
            kept.append(item)
    return tuple(kept)


def _check_event(item: RemoteItem, where: str, hint: str) -> RemoteItem:
    if item.starts is None:
        raise ParseError(f"{where} has no start time; {hint}")
    if item.ends is not None and item.ends < item.starts:
        raise ParseError(f"{where} ends before it starts")
    return item
