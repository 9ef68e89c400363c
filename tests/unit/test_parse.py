"""Reading source bodies: hostile XML, broken encodings and dates, and what is kept."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.federation_support import fixture_bytes
from widget_service.federation import parse, remote
from widget_service.federation.parse import ParseError, parse_feed
from widget_service.models import SourceKind
from widget_service.timeutil import Deadline

P, E = SourceKind.PROJECTS, SourceKind.EVENTS
URL = "https://feeds.example/a/feed"


def read(body: bytes, kind: SourceKind = P, **options: Any) -> Any:
    return parse_feed(body, url=URL, kind=kind, **options)


def json_feed(*items: dict[str, Any]) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": list(items)}
    ).encode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion-laughs.xml", "declares XML entities, which are refused"),
        ("xxe.xml", r"external XML entity \(file:///etc/passwd\)"),
        ("xxe-parameter.xml", r"external XML entity \(http://169\.254\.169\.254/"),
        ("bad-date.xml", "the date 'gestern Nachmittag' cannot be read"),
        ("bad-encoding.xml", "not well-formed XML: not well-formed \\(invalid token\\): line 2"),
        ("bad-encoding.json", r"not valid UTF-8 \(byte 60\)"),
    ],
)
def test_hostile_and_broken_documents_fail_with_a_clear_message(name: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read(fixture_bytes(name))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the response is empty"),
        (b"   \n", "the response is empty"),
        (b"Hallo Welt", "neither a feed nor a calendar"),
        (b"<html><body>x</body></html>", "neither RSS nor Atom"),
        (b"<rss><channel>", "not well-formed XML"),
        (b"{not json", "not valid JSON"),
        (b'{"items": []}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "no list of items"),
        (b"[" * 100_000 + b"]" * 100_000, "neither a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"[" * 50_000, "JSON"),
        (json_feed({"title": "ohne id"}), "has no id"),
        (json_feed({"id": "x" * 501, "title": "t"}), "GUID longer than 500"),
        (json_feed({"id": "a", "title": "t", "date_published": "gestern"}), "not an ISO 8601"),
        (
            json_feed({"id": "a", "title": "t", "date_published": "9999-12-31T23:59:59-12:00"}),
            "'9999-12-31T23:59:59-12:00' is out of range$",
        ),
        (json_feed({"id": "a", "title": "t", "date_published": 1604307600}), "date-time text"),
        (json_feed({"id": "a"}), "neither a title nor any text"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "for projects"),
        (b"/etc/passwd", "neither a feed"),
        (
            b'<?xml version="1.0" encoding="Shift_JIS"?><rss version="2.0"><channel/></rss>',
            r"^the feed declares the encoding Shift_JIS, which is not supported \(UTF-8 is\)$",
        ),
        (
            b"<?xml version='1.0' encoding='utf-7'?><rss version='2.0'><channel/></rss>",
            "^the feed declares the encoding utf-7, which is not supported",
        ),
        (
            b'<?xml version="1.0" encoding="x-klingon"?><rss version="2.0"><channel/></rss>',
            "^the feed declares the encoding x-klingon, which is not known$",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [], "n": '
            + b"7" * 100_000
            + b"}",
            "^a number in the JSON Feed is too long$",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": '
            + b"1" * 5000
            + b', "title": "t"}]}',
            "^a number in the JSON Feed is too long$",
        ),
    ],
)
def test_what_is_not_a_readable_feed_is_an_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n\xff\xfe", "not valid UTF-8"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:morgen\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "DTSTART cannot be read",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART:20300101T100000Z\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "needs a UID",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "DTSTART is missing",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nDTSTART:20300101T100000Z\r\n"
            b"DTEND:20291231T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "DTEND is before DTSTART",
        ),
        (fixture_bytes("rss.xml"), "has no start time; subscribe to the calendar"),
        (json_feed({"id": "a", "title": "t"}), "needs _alliance.starts"),
        (
            json_feed({"id": "a", "title": "t", "_alliance": {"kind": "project"}}),
            "is a project, but this source is for events",
        ),
    ],
)
def test_events_need_a_readable_start(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read(body, E)


def test_too_many_items_fail_the_source() -> None:
    body = json_feed(*({"id": str(n), "title": f"T {n}"} for n in range(11)))
    assert len(read(body, max_items=11).items) == 11
    with pytest.raises(ParseError, match="the feed has 11 items; at most 10"):
        read(body, max_items=10)


def test_html_is_sanitised_again_and_text_is_plain() -> None:
    feed = read(fixture_bytes("rss.xml"))
    hostile = feed.items[1]
    assert hostile.title == "Wohnpatenschaften"
    assert hostile.body == "<p>Paten helfen bei der Wohnungssuche.<a>mehr</a></p>"
    atom = read(fixture_bytes("atom.xml")).items[0]
    assert "svg" not in atom.body and "onload" not in atom.body
    body = json_feed(
        {
            "id": "x",
            "title": "<b>Fett</b> & <script>alert(1)</script>Titel",
            "content_html": '<p style="x" onmouseover="a()">T<img src=x onerror=b()>'
            '<a href="javascript:c()">j</a><a href="/relativ">r</a></p>',
            "url": "javascript:alert(1)",
        }
    )
    item = read(body).items[0]
    assert item.title == "Fett & Titel"
    assert item.body == "<p>T<a>j</a><a>r</a></p>"
    assert item.url is None


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "a\u0000b", "title": "Null\u0000 und \ud800 Surrogat\u001b"}],
        }
    ).encode()
    item = read(body).items[0]
    assert item.guid == "ab"
    assert item.title == "Null und Surrogat"


def test_a_guid_is_read_once_per_feed() -> None:
    body = json_feed({"id": "a", "title": "Erster"}, {"id": "a", "title": "Zweiter"})
    assert [item.title for item in read(body).items] == ["Erster"]


def test_dates_without_offset_are_berlin_time_and_stored_as_utc() -> None:
    body = json_feed({"id": "a", "title": "t", "date_published": "2020-07-01T12:00:00"})
    assert read(body).items[0].published.isoformat() == "2020-07-01T10:00:00+00:00"


# --- time: a read shares the deadline its download started ------------------------------------


def _passed() -> Deadline:
    return Deadline(1.5, time.monotonic() - 1)


@pytest.mark.parametrize(
    ("name", "kind"), [("rss.xml", P), ("atom.xml", P), ("feed.json", P), ("events.ics", E)]
)
def test_a_read_past_its_deadline_fails_and_says_how_long_it_had(
    name: str, kind: SourceKind
) -> None:
    with pytest.raises(
        ParseError, match=r"downloading and reading the source took longer than 1.5 s"
    ):
        read(fixture_bytes(name), kind, deadline=_passed())


def test_the_deadline_stops_feedparser_between_two_chunks_of_a_long_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = "".join(
        f"<item><title>T {n}</title><guid>g{n}</guid><description>{'Text ' * 200}</description>"
        "</item>"
        for n in range(100)
    )
    body = f"<?xml version='1.0'?><rss version='2.0'><channel>{entries}</channel></rss>".encode()
    checks: list[bool] = []

    class SecondCheck(Deadline):
        def passed(self) -> bool:
            checks.append(True)
            return len(checks) > 1  # the first chunk is read, the second is not

    def not_reached(*_: Any) -> None:
        raise AssertionError("feedparser read the whole document")

    monkeypatch.setattr(parse, "_feed_entry", not_reached)
    with pytest.raises(ParseError, match="longer than 9 s"):
        read(body, deadline=SecondCheck(9, 0))
    assert len(checks) == 2


@pytest.mark.parametrize(
    "body",
    [
        "<rss version='2.0'><channel>{}</channel></rss>".format(
            "".join(f"<item><guid>{n}</guid><title>t</title></item>" for n in range(11))
        ).encode(),
        "<feed xmlns='http://www.w3.org/2005/Atom'>{}</feed>".format(
            "".join(f"<entry><id>{n}</id><title>t</title></entry>" for n in range(11))
        ).encode(),
    ],
)
def test_more_items_than_are_read_are_refused_before_feedparser_reads_them(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_reached(*_: Any, **__: Any) -> None:
        raise AssertionError("feedparser read the feed")

    monkeypatch.setattr(parse.feedparser, "parse", not_reached)
    with pytest.raises(ParseError, match="the feed has 11 items; at most 10"):
        read(body, max_items=10)


def test_only_so_much_of_one_field_is_cleaned() -> None:
    long_html = "<p>" + "Wort " * 100_000 + "</p>"  # 500,000 characters
    item = read(json_feed({"id": "a", "title": "T " * 50_000, "content_html": long_html})).items[0]
    assert item.body.startswith("<p>Wort Wort") and item.body.endswith("</p>")
    assert len(item.body) <= remote.RAW_HTML + len("</p>")
    assert len(item.title) <= remote.TITLE
