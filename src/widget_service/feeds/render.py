"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 — the one module that imports feedgen.

Views describe a feed as plain data (:class:`Channel` and :class:`Entry`, with absolute
URLs and texts already in the reader's language); the functions here write the
documents. Nothing here knows Flask or the database, so a script renders a feed as
well as a view does. The same content always gives the same bytes: nothing depends on
the clock, so an unchanged feed keeps its ETag.

feedgen 1.0.0 has faults that this module works around (the tests read every format
with a strict parser):

- Atom entry links lose every attribute but ``href`` (upstream issue 135): an enclosure
  or a ``via`` link would turn into a second alternate link. :class:`_EntryExtras`
  writes the entry's links again from the data.
- The RSS channel ``<link>`` is whichever link was added last (upstream issue 143), so
  :func:`_generator` adds the alternate link (the HTML page) last.
- ``updated``, ``lastBuildDate`` and each entry's ``updated`` default to the present
  moment, and entries are prepended by default: both are always set explicitly.
- RSS ``<author>`` must be an e-mail address, which partners do not publish: the
  partner's name goes into ``dc:creator`` instead.

Texts are plain (titles, summaries, the channel's description) and HTML is marked as
such (``content_html``). Where RSS has only an HTML field, the channel's and each item's
``<description>``, plain text is escaped as HTML before feedgen escapes it as XML, so a
summary ``<b>`` is read as the characters ``<b>``, never as markup; Atom's text
constructs and JSON Feed's ``summary`` carry it as it is.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
# the RSS 1.0 event module: start, end, place and organiser, readable by any XML reader
EV = "http://purl.org/rss/1.0/modules/event/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "widget-service"

MEDIA_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
FORMATS = tuple(MEDIA_TYPES)


@dataclass(frozen=True)
class Person:
    """An author: a partner or an alliance."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Category:
    """An action field: ``term`` is its slug, ``label`` what people read."""

    term: str
    label: str
    scheme: str | None = None


@dataclass(frozen=True)
class Enclosure:
    """An image that belongs to an entry (its size is rarely known: 0 then)."""

    url: str
    type: str
    length: int = 0


@dataclass(frozen=True)
class Happening:
    """What makes an entry an event: when, where, and whether it still takes place."""

    starts: dt.datetime
    ends: dt.datetime | None
    timezone: str
    location: str | None = None
    online: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Entry:
    """One item of a feed, with everything every format needs."""

    guid: str
    url: str
    title: str
    summary: str
    content_html: str
    published: dt.datetime
    updated: dt.datetime
    categories: Sequence[Category] = ()
    author: Person | None = None
    enclosure: Enclosure | None = None
    # the page where the item was first published, when that is on another site
    external_url: str | None = None
    happening: Happening | None = None
    # JSON Feed extension objects by key, e.g. ``{"_alliance": {...}}`` (docs/json-feed.md)
    extensions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Channel:
    """A feed's own data: names, links (RFC 5005 paging included), language, freshness."""

    id: str
    title: str
    subtitle: str
    self_url: str
    alternate_url: str
    language: str
    updated: dt.datetime
    author: Person
    icon: str | None = None
    logo: str | None = None
    ttl_minutes: int = 60
    first_url: str | None = None
    next_url: str | None = None
    previous_url: str | None = None

    def paging(self) -> list[tuple[str, str]]:
        """RFC 5005 links as ``(rel, href)``: first, previous, next — those that exist."""
        links = [("first", self.first_url), ("previous", self.previous_url)]
        links.append(("next", self.next_url))
        return [(rel, href) for rel, href in links if href]


def enclosure_for(url: str | None) -> Enclosure | None:
    """An image URL as an enclosure, its type guessed from the name (JPEG when unknown)."""
    if not url:
        return None
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0])
    return Enclosure(url=url, type=guessed or "image/jpeg")


def render(fmt: str, channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The feed in ``fmt`` (``rss``, ``atom`` or ``json``), UTF-8 encoded."""
    if fmt == "rss":
        return rss(channel, entries)
    if fmt == "atom":
        return atom(channel, entries)
    if fmt == "json":
        return json_feed(channel, entries)
    raise ValueError(f"unknown feed format {fmt!r}")


def rss(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """An RSS 2.0 document."""
    return bytes(_generator(channel, entries, _as_html).rss_str(pretty=True))


def atom(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """An Atom 1.0 document."""
    return bytes(_generator(channel, entries, _as_text).atom_str(pretty=True))


def _as_html(text: str) -> str:
    """Plain text for a field that readers take as HTML (RSS ``<description>``)."""
    return html.escape(text, quote=False)


def _as_text(text: str) -> str:
    """Plain text for a text field (Atom ``<subtitle>``, ``<summary>``)."""
    return text


def json_feed(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """A JSON Feed 1.1 document, with the extension objects each entry carries."""
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.alternate_url,
        "feed_url": channel.self_url,
        "description": channel.subtitle,
        "language": channel.language,
    }
    if channel.logo:
        document["icon"] = channel.logo
    if channel.icon:
        document["favicon"] = channel.icon
    document["authors"] = [_json_person(channel.author)]
    if channel.next_url:
        document["next_url"] = channel.next_url
    document["items"] = [_json_item(entry) for entry in entries]
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _json_person(person: Person) -> dict[str, str]:
    found = {"name": person.name}
    if person.url:
        found["url"] = person.url
    return found


def _json_item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.guid, "url": entry.url}
    if entry.external_url:
        item["external_url"] = entry.external_url
    item["title"] = entry.title
    item["content_html"] = entry.content_html
    if entry.summary:
        item["summary"] = entry.summary
    if entry.enclosure:
        item["image"] = entry.enclosure.url
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    if entry.author:
        item["authors"] = [_json_person(entry.author)]
    if entry.categories:
        item["tags"] = [category.label for category in entry.categories]
    item.update(entry.extensions)
    return item


# --- feedgen --------------------------------------------------------------------------------


def _generator(
    channel: Channel, entries: Sequence[Entry], description: Callable[[str], str]
) -> FeedGenerator:
    """feedgen's generator; ``description`` makes plain text fit the format's summary field."""
    generator = FeedGenerator()
    generator.register_extension("extras", _ChannelExtras, _EntryExtras)
    generator.extras.setup(channel, entries)
    generator.id(channel.id)
    generator.title(channel.title)
    # Atom's <subtitle> (text) or RSS's channel <description> (HTML)
    generator.subtitle(description(channel.subtitle))
    generator.language(channel.language)
    generator.updated(channel.updated)
    generator.author(name=channel.author.name, uri=channel.author.url)
    generator.generator(GENERATOR)
    generator.ttl(channel.ttl_minutes)
    if channel.icon:
        generator.icon(channel.icon)
    if channel.logo:
        generator.image(url=channel.logo, title=channel.title, link=channel.alternate_url)
    generator.link(href=channel.self_url, rel="self", type=_own_type(channel.self_url))
    for rel, href in channel.paging():
        generator.link(href=href, rel=rel)
    # last, because feedgen makes the last link added the RSS channel's <link> (issue 143)
    generator.link(href=channel.alternate_url, rel="alternate", type="text/html")
    for entry in entries:
        _add_entry(generator, entry, description)
    return generator


def _own_type(url: str) -> str | None:
    path = url.split("?", 1)[0]
    for fmt in ("rss", "atom"):
        if path.endswith("." + fmt):
            return MEDIA_TYPES[fmt].split(";")[0]
    return None


def _add_entry(generator: FeedGenerator, entry: Entry, description: Callable[[str], str]) -> None:
    item: FeedEntry = generator.add_entry(order="append")
    item.extras.entry = entry
    item.guid(entry.guid, permalink=False)
    item.title(entry.title)
    # RSS takes its <link> and <enclosure> from here; Atom's links are rewritten (issue 135)
    item.link(href=entry.url, rel="alternate", type="text/html")
    if entry.enclosure:
        item.enclosure(
            url=entry.enclosure.url, length=str(entry.enclosure.length), type=entry.enclosure.type
        )
    item.content(entry.content_html, type="html")
    if entry.summary:
        # Atom's <summary> (text) or RSS's <description> (HTML)
        item.summary(description(entry.summary))
    item.published(entry.published)
    item.updated(entry.updated)
    if entry.author:
        item.author(name=entry.author.name, uri=entry.author.url)
    for category in entry.categories:
        item.category(term=category.term, label=category.label, scheme=category.scheme)


def _atom_links(entry: Entry) -> list[dict[str, str]]:
    links = [{"rel": "alternate", "type": "text/html", "href": entry.url}]
    if entry.external_url:
        links.append({"rel": "via", "type": "text/html", "href": entry.external_url})
    if entry.enclosure:
        links.append(
            {
                "rel": "enclosure",
                "type": entry.enclosure.type,
                "length": str(entry.enclosure.length),
                "href": entry.enclosure.url,
            }
        )
    return links


def _w3cdtf(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat()


def _add_happening(element: Any, happening: Happening, author: Person | None) -> None:
    start = xml_elem(f"{{{EV}}}startdate", element)
    start.text = _w3cdtf(happening.starts, happening.timezone)
    if happening.ends:
        end = xml_elem(f"{{{EV}}}enddate", element)
        end.text = _w3cdtf(happening.ends, happening.timezone)
    place = happening.location or happening.online
    if place:
        location = xml_elem(f"{{{EV}}}location", element)
        location.text = place
    if author:
        organizer = xml_elem(f"{{{EV}}}organizer", element)
        organizer.text = author.name


class _ChannelExtras(BaseExtension):  # type: ignore[misc]  # feedgen has no types
    """Declares the namespaces in use and puts RFC 5005 paging links into RSS too."""

    def __init__(self) -> None:
        self.channel: Channel | None = None
        self.authors = False
        self.events = False

    def setup(self, channel: Channel, entries: Sequence[Entry]) -> None:
        self.channel = channel
        self.authors = any(entry.author for entry in entries)
        self.events = any(entry.happening for entry in entries)

    def extend_ns(self) -> dict[str, str]:
        namespaces = {}
        if self.authors:
            namespaces["dc"] = DC
        if self.events:
            namespaces["ev"] = EV
        return namespaces

    def extend_rss(self, feed: Any) -> Any:
        channel = feed.find("channel")
        assert self.channel is not None and channel is not None
        for rel, href in self.channel.paging():
            xml_elem(f"{{{ATOM}}}link", channel, href=href, rel=rel)
        return feed

    def extend_atom(self, feed: Any) -> Any:
        return feed


class _EntryExtras(BaseEntryExtension):  # type: ignore[misc]  # feedgen has no types
    """Each entry's links (with their attributes), creator and event data."""

    def __init__(self) -> None:
        self.entry: Entry | None = None

    def extend_rss(self, item: Any) -> Any:
        assert self.entry is not None
        if self.entry.author:
            creator = xml_elem(f"{{{DC}}}creator", item)
            creator.text = self.entry.author.name
        if self.entry.happening:
            _add_happening(item, self.entry.happening, self.entry.author)
        return item

    def extend_atom(self, entry: Any) -> Any:
        assert self.entry is not None
        broken = entry.findall("link")
        position = entry.index(broken[0]) if broken else len(entry)
        for link in broken:
            entry.remove(link)
        for offset, attributes in enumerate(_atom_links(self.entry)):
            link = xml_elem("link", **attributes)
            entry.insert(position + offset, link)
        if self.entry.happening:
            _add_happening(entry, self.entry.happening, self.entry.author)
        return entry
