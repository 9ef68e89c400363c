"""Reading what a source sent: the one module that imports feedparser and defusedxml.

Always from bytes, never from a URL. XML is first read by defusedxml (entity
declarations and external references refused, so billion-laughs and XXE documents stop
there, and a document that is not well-formed or not in its declared encoding is an
error), and only then handed to feedparser as a stream. JSON Feeds are read with the
standard ``json`` module (``jsonfeed``), iCalendar by :mod:`widget_service.calendars`.
What comes out, and the cleaning it goes through, is declared in ``remote``.

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
import io
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import defusedxml
import defusedxml.ElementTree
import defusedxml.expatreader
import feedparser
import feedparser.api

from ..calendars import CalendarError, read_calendar_events
from ..models import SourceKind
from ..timeutil import UTC, Deadline, DeadlinePassed
from .jsonfeed import _json_feed
from .remote import (
    _DEADLINE,
    DEFAULT_ZONE,
    LOCATION,
    TITLE,
    ParsedFeed,
    RemoteItem,
    _check_count,
    _check_event,
    _clean_html,
    _clean_text,
    _guid,
    _in_time,
    _link,
    _moment,
    _optional_text,
    _summary,
    _text_as_html,
    _unique,
)

# what a read gives and its error are the parse's own (and import from here too)
from .remote import ParseError as ParseError

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
_DECLARED_ENCODING = re.compile(
    rb"""\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)


class _DeadlineExpatParser(defusedxml.expatreader.DefusedExpatParser):  # type: ignore[misc]
    """defusedxml's SAX reader, which keeps the read's deadline between two chunks (64 KB)."""

    def feed(self, data: Any, isFinal: bool = False) -> None:
        _in_time()
        super().feed(data, isFinal)


def create_parser() -> Any:
    """The SAX reader that feedparser asks for (see ``PREFERRED_XML_PARSERS``)."""
    return _DeadlineExpatParser()


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
