"""Reading what a source sent: the one module that imports feedparser and defusedxml.

Always from bytes, never from a URL. XML is first read by defusedxml (entity
declarations and external references refused, so billion-laughs and XXE documents stop
there, and a document that is not well-formed or not in its declared encoding is an
error), and only then handed to feedparser as a stream. JSON Feeds are read with the
standard ``json`` module, iCalendar by :mod:`widget_service.calendars`.

Everything that comes out is ours to publish: HTML sanitised with our own allowlist
(:func:`sanitize.clean_html`), text stripped of markup and control characters, URLs
kept only when absolute ``http``/``https``, lengths cut to what the tables hold. A
source whose body cannot be read this way raises :class:`ParseError` with a message
for the office; nothing of it is stored.

Reading is bounded in time: the source's deadline, which its download started, is
looked at between items, between chunks of an XML document and inside the expansion of
repeating events; a feed with more items than are read is refused before they are read.
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import defusedxml
import defusedxml.ElementTree
import defusedxml.expatreader
import feedparser
import feedparser.api

from ..calendars import CalendarError, read_calendar_events
from ..models import SourceKind
from ..sanitize import clean_html, plain_text
from ..text import is_http_url, is_slug, without_control
from ..timeutil import UTC, Deadline, DeadlinePassed, OutOfRange, parse_datetime

# feedparser's own strict parser, too, goes through defusedxml's expat reader: the one
# :func:`create_parser` below makes, which also keeps the deadline of the read
feedparser.api.PREFERRED_XML_PARSERS = [__name__]

ATOM = "{http://www.w3.org/2005/Atom}feed"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
# where each kind of document keeps its items
_ITEMS = {
    ATOM: "{http://www.w3.org/2005/Atom}entry",
    "rss": "channel/item",
    RDF: "{http://purl.org/rss/1.0/}item",
}
JSON_FEED_VERSION = "https://jsonfeed.org/version/"
DEFAULT_ZONE = "Europe/Berlin"
SUMMARY_LENGTH = 500
# what is read of one remote field before it is cleaned: sanitising costs time in
# proportion to the length, and an item's text is shorter than this by far
RAW_HTML, RAW_TEXT = 200_000, 20_000
# what the columns hold (models.py)
TITLE, PLACE, VIA, LOCATION, GUID, URL, NAME = 300, 200, 300, 300, 500, 1000, 200

_SPACES = re.compile(r"\s+")
_DECLARED_ENCODING = re.compile(
    rb"""\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_TAG = re.compile(r"<[^>]*>")


class ParseError(ValueError):
    """A body that cannot be read as a feed or calendar; the message is for the office."""


# the deadline of the read under way in this thread (see parse_feed)
_DEADLINE: ContextVar[Deadline | None] = ContextVar("widget_service_parse_deadline", default=None)


def _in_time() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None:
        deadline.check()


class _DeadlineExpatParser(defusedxml.expatreader.DefusedExpatParser):  # type: ignore[misc]
    """defusedxml's SAX reader, which keeps the read's deadline between two chunks (64 KB)."""

    def feed(self, data: Any, isFinal: bool = False) -> None:
        _in_time()
        super().feed(data, isFinal)


def create_parser() -> Any:
    """The SAX reader that feedparser asks for (see ``PREFERRED_XML_PARSERS``)."""
    return _DeadlineExpatParser()


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


def parse_feed(
    body: bytes,
    *,
    url: str,
    kind: SourceKind,
    content_type: str | None = None,
    max_items: int = 1000,
    deadline: Deadline | None = None,
) -> ParsedFeed:
    """Read a source's body as RSS, Atom, JSON Feed or iCalendar; raise :class:`ParseError`.

    Once ``deadline`` has passed (a source's, shared with its download), reading stops
    with a :class:`ParseError` that says so.
    """
    token = _DEADLINE.set(deadline)
    try:
        parsed = _parse(body, url, kind, content_type, max_items)
        _in_time()
    except DeadlinePassed:
        seconds = deadline.seconds if deadline is not None else 0
        raise ParseError(
            f"downloading and reading the source took longer than {seconds:g} s"
        ) from None
    finally:
        _DEADLINE.reset(token)
    return parsed


def _parse(
    body: bytes, url: str, kind: SourceKind, content_type: str | None, max_items: int
) -> ParsedFeed:
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if not start:
        raise ParseError("the response is empty")
    if start.startswith(b"{"):
        parsed = _json_feed(body, url, kind, max_items)
    elif start.upper().startswith(b"BEGIN:VCALENDAR"):
        parsed = _calendar(body, kind, max_items)
    elif start.startswith(b"<") or "xml" in media:
        parsed = _xml_feed(body, url, kind, max_items)
    else:
        shown = f" ({media})" if media else ""
        raise ParseError(f"the response{shown} is neither a feed nor a calendar")
    _check_count(len(parsed.items), max_items)
    return parsed


def _check_count(count: int, max_items: int) -> None:
    if count > max_items:
        raise ParseError(
            f"the feed has {count} items; at most {max_items} are read from one source"
        )


# --- cleaning helpers ---------------------------------------------------------------------


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


# --- XML: RSS and Atom --------------------------------------------------------------------


def _xml_feed(body: bytes, url: str, kind: SourceKind, max_items: int) -> ParsedFeed:
    try:
        root = defusedxml.ElementTree.fromstring(body)
    except defusedxml.EntitiesForbidden as error:
        if error.sysid or error.pubid:
            raise ParseError(
                f"the feed declares an external XML entity ({error.sysid or error.pubid}), "
                "which is refused"
            ) from None
        raise ParseError(
            "the feed declares XML entities, which are refused (they can expand without limit)"
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise ParseError("the feed refers to external XML entities, which are refused") from None
    except defusedxml.DefusedXmlException as error:
        raise ParseError(f"the feed is refused: {error}") from None
    except defusedxml.ElementTree.ParseError as error:
        raise ParseError(f"the feed is not well-formed XML: {error}") from None
    except (ValueError, LookupError):  # expat's answer to an encoding it cannot read
        raise ParseError(_encoding_problem(body)) from None
    if root.tag == ATOM:
        format_ = "atom"
    elif root.tag == "rss" or root.tag == RDF:
        format_ = "rss"
    else:
        raise ParseError(f"the XML document is neither RSS nor Atom (it is <{root.tag[:80]}>)")
    # counted in the tree that is there already: feedparser would read them all first
    _check_count(sum(1 for _ in root.iterfind(_ITEMS[root.tag])), max_items)
    # the document is known to be harmless now; feedparser reads it from memory
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-location": url, "content-type": "application/xml"},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if result.get("bozo") and not isinstance(
        result.get("bozo_exception"), feedparser.CharacterEncodingOverride
    ):
        raise ParseError(f"the feed cannot be read: {result.get('bozo_exception')}")
    title = _optional_text(result.feed.get("title"), TITLE)
    items = []
    for number, entry in enumerate(result.entries, start=1):
        _in_time()
        items.append(_feed_entry(entry, number, url, kind))
    return ParsedFeed(format_, title, _unique(items))


def _encoding_problem(body: bytes) -> str:
    declared = _DECLARED_ENCODING.match(body)
    if declared is None:
        return "the feed's character encoding cannot be read"
    name = declared.group(1).decode("ascii")
    try:
        codecs.lookup(name)
    except LookupError:
        return f"the feed declares the encoding {name}, which is not known"
    return f"the feed declares the encoding {name}, which is not supported (UTF-8 is)"


def _entry_date(entry: Mapping[str, Any], name: str, where: str) -> dt.datetime | None:
    # plain dict lookups: feedparser's own maps "updated" to "published" with a warning
    raw = dict.get(entry, name)  # type: ignore[call-overload]
    if not raw:
        return None
    parsed = dict.get(entry, f"{name}_parsed")  # type: ignore[call-overload]
    if parsed is None:
        raise ParseError(f"{where}: the date {str(raw)[:60]!r} cannot be read")
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _feed_entry(entry: Mapping[str, Any], number: int, url: str, kind: SourceKind) -> RemoteItem:
    guid = _guid(entry.get("id") or entry.get("link"), f"item {number}")
    where = f"item {guid[:100]!r}"
    published = _entry_date(entry, "published", where)
    updated = _entry_date(entry, "updated", where)
    contents = entry.get("content") or []
    html_body = contents[0].get("value") if contents else entry.get("summary")
    body = _clean_html(html_body)
    title = _clean_text(entry.get("title"), TITLE) or _clean_text(body, 80)
    if not title:
        raise ParseError(f"{where} has neither a title nor any text")
    item = RemoteItem(
        guid=guid,
        title=title,
        summary=_summary(entry.get("summary"), body),
        body=body,
        url=_link(entry.get("link"), url),
        published=published or updated,
        via=None,
        place=None,
        region=None,
        image=_entry_image(entry, url),
    )
    if kind is not SourceKind.EVENTS:
        return item
    # the RSS event module (ev:startdate, ev:enddate, ev:location), if the feed has it
    zone = DEFAULT_ZONE
    event = replace(
        item,
        starts=_moment(entry.get("ev_startdate"), where, "ev:startdate", zone),
        ends=_moment(entry.get("ev_enddate"), where, "ev:enddate", zone),
        location=_optional_text(entry.get("ev_location"), LOCATION),
    )
    hint = "subscribe to the calendar (.ics) or JSON Feed of these events instead"
    return _check_event(event, where, hint)


def _entry_image(entry: Mapping[str, Any], base: str) -> str | None:
    """An RSS or Atom item's picture: an image enclosure, else Media RSS content or thumbnail."""
    candidates: list[Any] = [
        enclosure.get("href")
        for enclosure in entry.get("enclosures") or []
        if str(enclosure.get("type") or "").startswith("image/")
    ]
    candidates += [
        media.get("url")
        for media in entry.get("media_content") or []
        if media.get("medium") == "image" or str(media.get("type") or "").startswith("image/")
    ]
    candidates += [thumbnail.get("url") for thumbnail in entry.get("media_thumbnail") or []]
    for candidate in candidates:
        found = _link(candidate, base)
        if found:
            return found
    return None


# --- JSON Feed, with the _alliance extension of other instances ---------------------------


def _json_feed(body: bytes, url: str, kind: SourceKind, max_items: int) -> ParsedFeed:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(f"the JSON Feed is not valid UTF-8 (byte {error.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"the JSON Feed is not valid JSON: {error}") from None
    except RecursionError:
        raise ParseError("the JSON Feed is nested too deeply") from None
    except ValueError as error:  # Python reads at most 4,300 digits of a whole number
        if "digits" in str(error):
            raise ParseError("a number in the JSON Feed is too long") from None
        raise ParseError(f"the JSON Feed cannot be read: {error}") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_VERSION
    ):
        raise ParseError("the JSON document is not a JSON Feed (no jsonfeed.org version)")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise ParseError("the JSON Feed has no list of items")
    _check_count(len(raw_items), max_items)
    base = _link(document.get("feed_url"), url) or url
    items = []
    extended = False
    for number, raw in enumerate(raw_items, start=1):
        _in_time()
        if not isinstance(raw, dict):
            raise ParseError(f"item {number} of the JSON Feed is not an object")
        extended = extended or isinstance(raw.get("_alliance"), dict)
        items.append(_json_item(raw, number, base, kind))
    title = _optional_text(document.get("title"), TITLE)
    return ParsedFeed("instance" if extended else "json", title, _unique(items))


def _json_item(raw: Mapping[str, Any], number: int, base: str, kind: SourceKind) -> RemoteItem:
    identifier = raw.get("id")
    if isinstance(identifier, bool) or not isinstance(identifier, str | int):
        raise ParseError(f"item {number} of the JSON Feed has no id")
    guid = _guid(identifier, f"item {number}")
    where = f"item {guid[:100]!r}"
    extension = raw.get("_alliance")
    ext: Mapping[str, Any] = extension if isinstance(extension, dict) else {}
    if ext.get("kind") is not None and ext.get("kind") not in ("project", "event"):
        raise ParseError(f"{where}: _alliance.kind {str(ext.get('kind'))[:40]!r} is unknown")
    expected = "event" if kind is SourceKind.EVENTS else "project"
    if ext.get("kind") not in (None, expected):
        raise ParseError(
            f"{where} is a {ext.get('kind')}, but this source is for {kind.value}; "
            "subscribe to the other feed of that instance"
        )
    if raw.get("content_html"):
        body = _clean_html(raw.get("content_html"))
    else:
        body = _text_as_html(raw.get("content_text"))
    title = _clean_text(raw.get("title"), TITLE) or _clean_text(raw.get("summary") or body, 80)
    if not title:
        raise ParseError(f"{where} has neither a title nor any text")
    published = _moment(raw.get("date_published"), where, "date_published")
    modified = _moment(raw.get("date_modified"), where, "date_modified")
    # the original page: the first instance's, which later instances pass on unchanged
    original = (
        _link(ext.get("origin"), base)
        or _link(raw.get("external_url"), base)
        or _link(raw.get("url"), base)
    )
    item = RemoteItem(
        guid=guid,
        title=title,
        summary=_summary(raw.get("summary"), body),
        body=body,
        url=original,
        published=published or modified,
        via=_optional_text(ext.get("via"), VIA),
        partner=_partner(ext.get("partner")),
        fields=tuple(_field_slugs(ext.get("fields"))),
        place=_optional_text(ext.get("place"), PLACE),
        region=_optional_text(ext.get("region"), PLACE),
        image=_link(raw.get("image"), base) or _link(raw.get("banner_image"), base),
    )
    if kind is not SourceKind.EVENTS:
        return item
    zone = _zone(ext.get("timezone"))
    event = replace(
        item,
        starts=_moment(ext.get("starts"), where, "_alliance.starts", zone),
        ends=_moment(ext.get("ends"), where, "_alliance.ends", zone),
        timezone=zone,
        location=_optional_text(ext.get("location"), LOCATION),
        online=_link(ext.get("online"), base),
        cancelled=ext.get("status") == "cancelled",
    )
    hint = "the JSON Feed of an events source needs _alliance.starts (see docs/json-feed.md)"
    return _check_event(event, where, hint)


def _partner(value: Any) -> RemotePartner | None:
    if not isinstance(value, dict):
        return None
    name = _clean_text(value.get("name"), NAME)
    if not name:
        return None
    slug = value.get("slug")
    return RemotePartner(
        name=name,
        slug=slug if isinstance(slug, str) and is_slug(slug) else None,
        region=_optional_text(value.get("region"), PLACE),
    )


def _field_slugs(value: Any) -> Iterable[str]:
    if not isinstance(value, list):
        return
    for entry in value[:50]:
        slug = entry.get("slug") if isinstance(entry, dict) else entry
        if isinstance(slug, str) and is_slug(slug):
            yield slug


# --- iCalendar ----------------------------------------------------------------------------


def _calendar(body: bytes, kind: SourceKind, max_items: int) -> ParsedFeed:
    if kind is not SourceKind.EVENTS:
        raise ParseError("an iCalendar file holds events, but this source is for projects")
    try:
        calendar = read_calendar_events(
            body, DEFAULT_ZONE, limit=max_items, deadline=_DEADLINE.get()
        )
    except CalendarError as error:
        raise ParseError(str(error)) from None
    items = []
    for event in calendar.events:
        _in_time()
        guid = _guid(event.uid, "an event")
        where = f"event {guid[:100]!r}"
        body_html = _text_as_html(event.description)
        title = _clean_text(event.summary, TITLE) or _clean_text(event.description, 80)
        if not title:
            raise ParseError(f"{where} has neither a SUMMARY nor a DESCRIPTION")
        item = RemoteItem(
            guid=guid,
            title=title,
            summary=_summary(None, body_html),
            body=body_html,
            url=_link(event.url, ""),
            published=event.updated,
            starts=event.starts.astimezone(UTC),
            ends=event.ends.astimezone(UTC) if event.ends else None,
            timezone=event.timezone,
            location=_optional_text(event.location, LOCATION),
            cancelled=event.cancelled,
        )
        items.append(_check_event(item, where, "every event needs DTSTART"))
    return ParsedFeed("ical", None, _unique(items), calendar.complete_from)
