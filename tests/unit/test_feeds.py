"""The feed renderers: every format read back strictly, and feedgen's link faults worked around."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import feedparser
import pytest
from defusedxml import ElementTree

from tests.jsonfeed import read_json_feed
from widget_service.feeds import render as feeds
from widget_service.feeds.render import Category, Channel, Entry, Happening, Person

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://widgets.example.org"
PUBLISHED = dt.datetime(2026, 3, 27, 9, 30, tzinfo=dt.UTC)
UPDATED = dt.datetime(2026, 3, 29, 12, 0, tzinfo=dt.UTC)


def _channel(**changes: Any) -> Channel:
    values: dict[str, Any] = {
        "id": f"{BASE}/feeds/a/projects.atom",
        "title": "Projekte von „Bündnis A“",
        "subtitle": "Projekte und Erfolgsgeschichten",
        "self_url": f"{BASE}/feeds/a/projects.atom?page=2",
        "alternate_url": f"{BASE}/p/a/projects",
        "language": "de",
        "updated": UPDATED,
        "author": Person("Bündnis A", "https://a.example"),
        "icon": f"{BASE}/static/favicon.svg",
        "first_url": f"{BASE}/feeds/a/projects.atom",
        "previous_url": f"{BASE}/feeds/a/projects.atom",
        "next_url": f"{BASE}/feeds/a/projects.atom?page=3",
    }
    values.update(changes)
    return Channel(**values)


def _entry(number: int, **changes: Any) -> Entry:
    values: dict[str, Any] = {
        "guid": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "url": f"{BASE}/p/a/projects/projekt-{number}",
        "title": f"Projekt {number} <Sprache & Arbeit>",
        "summary": "Kurz gesagt.",
        "content_html": '<p>Mehr <a href="https://x.example">dazu</a>.</p>',
        "published": PUBLISHED - dt.timedelta(days=number),
        "updated": UPDATED - dt.timedelta(days=number),
        "categories": [Category("sprache", "Sprachförderung", f"{BASE}/p/a")],
        "author": Person("Landkreis Peine", "https://www.landkreis-peine.de"),
        "enclosure": feeds.enclosure_for(f"{BASE}/static/bild-{number}.png"),
        "external_url": "https://kreis.example/p/a/projects/x" if number == 1 else None,
        "extensions": {"_alliance": {"kind": "project", "number": number}},
    }
    values.update(changes)
    return Entry(**values)


ENTRIES = [_entry(1), _entry(2), _entry(3)]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_xml_formats_parse_without_bozo_with_entries_in_order(fmt: str) -> None:
    parsed = feedparser.parse(feeds.render(fmt, _channel(), ENTRIES))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Projekte von „Bündnis A“"
    assert [entry.id for entry in parsed.entries] == [entry.guid for entry in ENTRIES]
    first = parsed.entries[0]
    assert first.title == "Projekt 1 <Sprache & Arbeit>"
    assert first.link == f"{BASE}/p/a/projects/projekt-1"
    assert first.published_parsed[:5] == (2026, 3, 26, 9, 30)
    # RSS has room for the label only; Atom keeps the slug as term and the label beside it
    assert [tag.term for tag in first.tags] == (
        ["sprache"] if fmt == "atom" else ["Sprachförderung"]
    )
    assert first.author == "Landkreis Peine"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_xml_formats_carry_enclosures_categories_and_updated(fmt: str) -> None:
    parsed = feedparser.parse(feeds.render(fmt, _channel(), ENTRIES))
    first = parsed.entries[0]
    assert [(e.href, e.type) for e in first.enclosures] == [
        (f"{BASE}/static/bild-1.png", "image/png")
    ]
    assert first.tags[0].scheme == f"{BASE}/p/a"
    assert '<a href="https://x.example">dazu</a>' in first.content[0].value
    if fmt == "atom":
        assert first.updated_parsed[:4] == (2026, 3, 28, 12)
        assert first.tags[0].term == "sprache" and first.tags[0].label == "Sprachförderung"


def test_atom_entry_links_keep_their_relation_and_type() -> None:
    # feedgen 1.0.0 drops every attribute but href (upstream issue 135)
    root = ElementTree.fromstring(feeds.atom(_channel(), ENTRIES))
    first = root.findall(f"{ATOM}entry")[0]
    links = [dict(link.attrib) for link in first.findall(f"{ATOM}link")]
    assert links == [
        {"rel": "alternate", "type": "text/html", "href": f"{BASE}/p/a/projects/projekt-1"},
        {"rel": "via", "type": "text/html", "href": "https://kreis.example/p/a/projects/x"},
        {
            "rel": "enclosure",
            "type": "image/png",
            "length": "0",
            "href": f"{BASE}/static/bild-1.png",
        },
    ]
    for entry in root.findall(f"{ATOM}entry"):
        alternates = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert len(alternates) == 1


def test_atom_feed_links_include_rfc_5005_paging() -> None:
    root = ElementTree.fromstring(feeds.atom(_channel(), ENTRIES))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "self": f"{BASE}/feeds/a/projects.atom?page=2",
        "first": f"{BASE}/feeds/a/projects.atom",
        "previous": f"{BASE}/feeds/a/projects.atom",
        "next": f"{BASE}/feeds/a/projects.atom?page=3",
        "alternate": f"{BASE}/p/a/projects",
    }
    assert root.find(f"{ATOM}id").text == f"{BASE}/feeds/a/projects.atom"


def test_rss_channel_link_is_the_page_whatever_links_the_feed_has() -> None:
    # feedgen 1.0.0 makes the last link added the channel's <link> (upstream issue 143)
    channel = _channel(self_url=f"{BASE}/feeds/a/projects.rss")
    root = ElementTree.fromstring(feeds.rss(channel, ENTRIES))
    assert root.find("channel/link").text == f"{BASE}/p/a/projects"
    atom_links = {link.get("rel"): link.get("href") for link in root.findall(f"channel/{ATOM}link")}
    assert atom_links["self"] == f"{BASE}/feeds/a/projects.rss"
    assert atom_links["next"] == f"{BASE}/feeds/a/projects.atom?page=3"
    guid = root.find("channel/item/guid")
    assert guid.get("isPermaLink") == "false" and guid.text == ENTRIES[0].guid


def test_rss_names_the_partner_as_creator_not_as_a_fake_address() -> None:
    parsed = feedparser.parse(feeds.rss(_channel(), ENTRIES))
    assert parsed.entries[0].author == "Landkreis Peine"
    assert b"<author>" not in feeds.rss(_channel(), ENTRIES)


def test_the_same_content_gives_the_same_bytes() -> None:
    for fmt in feeds.FORMATS:
        assert feeds.render(fmt, _channel(), ENTRIES) == feeds.render(fmt, _channel(), ENTRIES)
    assert str(UPDATED.year) in feeds.rss(_channel(), ENTRIES).decode()
    assert "lastBuildDate>Sun, 29 Mar 2026 12:00:00 +0000<" in feeds.rss(_channel(), []).decode()


def test_json_feed_has_the_1_1_shape_and_the_extension_objects() -> None:
    document = read_json_feed(feeds.json_feed(_channel(), ENTRIES))
    assert [item["id"] for item in document["items"]] == [entry.guid for entry in ENTRIES]
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == f"{BASE}/feeds/a/projects.atom?page=2"
    assert document["home_page_url"] == f"{BASE}/p/a/projects"
    assert document["next_url"] == f"{BASE}/feeds/a/projects.atom?page=3"
    assert document["language"] == "de"
    first = document["items"][0]
    assert first["id"] == ENTRIES[0].guid
    assert first["external_url"] == "https://kreis.example/p/a/projects/x"
    assert "external_url" not in document["items"][1]
    assert first["image"] == f"{BASE}/static/bild-1.png"
    assert first["tags"] == ["Sprachförderung"]
    assert first["authors"] == [
        {"name": "Landkreis Peine", "url": "https://www.landkreis-peine.de"}
    ]
    assert first["date_published"] == "2026-03-26T09:30:00+00:00"
    assert first["_alliance"] == {"kind": "project", "number": 1}


def test_no_next_page_means_no_next_link_in_any_format() -> None:
    last = _channel(next_url=None)
    assert "next_url" not in read_json_feed(feeds.json_feed(last, ENTRIES))
    for fmt in ("rss", "atom"):
        assert b'rel="next"' not in feeds.render(fmt, last, ENTRIES)


def test_events_carry_start_end_and_place_as_structured_data() -> None:
    happening = Happening(
        starts=dt.datetime(2026, 10, 25, 17, 0, tzinfo=dt.UTC),
        ends=dt.datetime(2026, 10, 25, 19, 0, tzinfo=dt.UTC),
        timezone="Europe/Berlin",
        location="Kreishaus Peine",
    )
    entry = _entry(1, happening=happening)
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(feeds.render(fmt, _channel(), [entry]))
        assert not parsed.bozo
        found = parsed.entries[0]
        assert found.ev_startdate == "2026-10-25T18:00:00+01:00"
        assert found.ev_enddate == "2026-10-25T20:00:00+01:00"
        assert found.ev_location == "Kreishaus Peine"


def test_an_empty_feed_is_still_valid() -> None:
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(feeds.render(fmt, _channel(next_url=None), []))
        assert not parsed.bozo and parsed.entries == []
    assert read_json_feed(feeds.json_feed(_channel(next_url=None), []))["items"] == []


def test_enclosure_types_are_guessed_from_the_name() -> None:
    assert feeds.enclosure_for(None) is None
    assert feeds.enclosure_for("https://x.example/a.JPG?w=3").type == "image/jpeg"
    assert feeds.enclosure_for("https://x.example/a.webp").type == "image/webp"
    assert feeds.enclosure_for("https://x.example/bild").type == "image/jpeg"


HOSTILE_TEXT = "<body onload=alert(46)> & <b>fett</b> &lt;script&gt;"


def test_plain_text_in_rss_description_is_escaped_as_html() -> None:
    # read as raw XML: feedparser would clean the HTML on its way in and hide the fault
    data = feeds.rss(_channel(subtitle=HOSTILE_TEXT), [_entry(1, summary=HOSTILE_TEXT)])
    root = ElementTree.fromstring(data)
    descriptions = [root.findtext("channel/description"), root.findtext("channel/item/description")]
    for description in descriptions:
        # what a reader's HTML parser is given: the text, escaped; no markup of its own
        assert description == html.escape(HOSTILE_TEXT, quote=False)
        assert "<" not in (description or "")
        assert html.unescape(description or "") == HOSTILE_TEXT
    assert b"&amp;lt;body onload=alert(46)&amp;gt;" in data
    assert b"&lt;body" not in data.replace(b"&amp;lt;body", b"")


def test_atom_and_json_feed_carry_plain_text_as_text() -> None:
    root = ElementTree.fromstring(
        feeds.atom(_channel(subtitle=HOSTILE_TEXT), [_entry(1, summary=HOSTILE_TEXT)])
    )
    for element in (root.find(f"{ATOM}subtitle"), root.find(f"{ATOM}entry/{ATOM}summary")):
        assert element is not None
        assert element.get("type", "text") == "text"
        assert element.text == HOSTILE_TEXT
    document = json.loads(
        feeds.json_feed(_channel(subtitle=HOSTILE_TEXT), [_entry(1, summary=HOSTILE_TEXT)])
    )
    assert document["description"] == HOSTILE_TEXT
    assert document["items"][0]["summary"] == HOSTILE_TEXT
