"""``widget-service sources poll`` against local servers: every source kind, 304s,
failures that keep the last good items, de-duplication, removal and provenance."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.federation_support import (
    FEED_HOST,
    FeedServer,
    fixture_bytes,
)
from widget_service import calendars
from widget_service.federation import sync
from widget_service.models import Channel, Event, Project, Source, Status
from widget_service.operations import import_document

PA = "niedersachsen-packt-an"
RSS = "application/rss+xml"
JSON_FEED = "application/feed+json"


@pytest.fixture(autouse=True)
def _tight_limits(config: dict[str, Any]) -> None:
    # the test host is allowed by name; caps and deadlines small so hostile bodies end fast
    config.update(
        FETCH_ALLOW_HOSTS=[FEED_HOST],
        FETCH_CONNECT_TIMEOUT=2,
        FETCH_READ_TIMEOUT=2,
        FETCH_DEADLINE=1.5,
        FETCH_MAX_BYTES=256 * 1024,
        FETCH_WORKERS=4,
    )


def add_source(session: Session, url: str, kind: str = "projects", **extra: Any) -> Source:
    import_document(session, {"sources": [{"alliance": PA, "url": url, "kind": kind, **extra}]})
    found = session.scalar(select(Source).where(Source.url == url, Source.kind == kind))
    assert found is not None
    return found


def poll(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["sources", "poll", *args])
    assert result.exit_code == 0, result.output
    return result.output


def items(session: Session, model: Any = Project, **where: Any) -> list[Any]:
    session.expire_all()
    query = select(model).where(model.channel == Channel.SOURCE).order_by(model.id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return list(session.scalars(query))


def test_every_source_kind_is_read_with_provenance(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    documents = {
        "/sehnde.rss": ("rss.xml", RSS, "projects"),
        "/peine.atom": ("atom.xml", "application/atom+xml", "projects"),
        "/fa.json": ("feed.json", JSON_FEED, "projects"),
        "/kreis/projects.json": ("instance-projects.json", JSON_FEED, "projects"),
        "/kreis/events.json": ("instance-events.json", JSON_FEED, "events"),
        "/sehnde.ics": ("events.ics", "text/calendar", "events"),
        "/lengede.rss": ("rss-events.xml", RSS, "events"),
    }
    for path, (name, content_type, kind) in documents.items():
        feeds.serve(path, fixture_bytes(name), content_type)
        add_source(
            demo, feeds.url(path), kind, partner="stadt-sehnde" if "sehnde" in path else None
        )

    output = poll(runner)

    assert "7 sources polled: 7 changed, 0 unchanged, 0 failed" in output
    projects = {p.remote_guid: p for p in items(demo)}
    events = {e.remote_guid: e for e in items(demo, Event)}
    assert len(projects) == 3 + 2 + 2 + 2
    assert len(events) == 2 + 3 + 1
    # the yearly series of the calendar, beyond the next year, shows its next date
    yearly = events["sehnde-termin-3@sehnde.example/20310115T170000Z"]
    assert yearly.starts == dt.datetime(2031, 1, 15, 17, 0, tzinfo=dt.UTC)
    assert all(p.status is Status.PUBLISHED for p in projects.values())

    rss = projects["sehnde-projekt-1"]
    assert rss.title == "Sprachcafé im Rathaus"
    assert rss.partner is not None and rss.partner.slug == "stadt-sehnde"
    assert rss.via == rss.partner.name  # a source with a local partner: "via" that partner
    assert rss.remote_url == feeds.url("/projekte/sprachcafe")  # relative link resolved
    assert rss.region == rss.partner.region

    chained = projects["urn:uuid:4c2b7f8e-2f1a-4c0b-9d7e-1a2b3c4d5e6f"]
    # the original partner and page, and the via the chain named, pass on unchanged
    assert chained.via == "Stadt Sehnde"
    assert chained.remote_url == (
        "https://sehnde.example/p/niedersachsen-packt-an/projects/sprachcafe-sehnde"
    )
    assert chained.partner is None
    assert chained.remote_partner == {
        "slug": "sprachcafe-sehnde",
        "name": "Initiative Sprachcafé Sehnde",
        "region": "Region Hannover",
    }
    assert [f.slug for f in chained.fields] == ["sprachfoerderung"]  # unknown slugs dropped
    assert chained.place == "Sehnde"
    # without a via of its own, an item is "via" the feed it came from
    assert projects["fa-1"].via == "Freiwilligenagentur Peine"

    fachtag = events["urn:uuid:0f1e2d3c-4b5a-4968-8776-655443322110"]
    assert fachtag.location == "Kreishaus Peine"
    assert fachtag.online == "https://meet.example/fachtag"
    assert fachtag.starts.isoformat() == "2030-03-12T08:00:00+00:00"
    assert events["urn:uuid:1f1e2d3c-4b5a-4968-8776-655443322111"].status is Status.CANCELLED
    assert events["sehnde-termin-2@sehnde.example"].status is Status.CANCELLED
    assert events["https://lengede.example/termine/turnier"].location == "Sportplatz Lengede"


def test_slugs_are_unique_in_the_alliance_and_stable(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    def feed(title: str) -> bytes:
        entries = [{"id": f"same-{n}", "title": title, "content_text": "x"} for n in range(3)] + [
            {"id": "demo-clash", "title": "Sprachcafé Sehnde", "content_text": "x"}
        ]
        return json.dumps(
            {"version": "https://jsonfeed.org/version/1.1", "items": entries}
        ).encode()

    feeds.serve("/same.json", feed("Gleicher Titel"), JSON_FEED)
    add_source(demo, feeds.url("/same.json"))
    poll(runner)
    slugs = {p.remote_guid: p.slug for p in items(demo)}
    assert slugs == {
        "same-0": "gleicher-titel",
        "same-1": "gleicher-titel-2",
        "same-2": "gleicher-titel-3",
        "demo-clash": "sprachcafe-sehnde-2",  # the demo has a local sprachcafe-sehnde
    }

    feeds.serve("/same.json", feed("Ein neuer Titel"), JSON_FEED)
    output = poll(runner, "--all")
    assert "items: 0 new, 3 updated" in output
    renamed = {p.remote_guid: (p.slug, p.title) for p in items(demo)}
    assert renamed["same-1"] == ("gleicher-titel-2", "Ein neuer Titel")


def test_text_too_long_for_the_import_is_cut_not_refused(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    body = "<p>" + "Ein langer Bericht. " * 3_000 + "</p>"
    entries = [{"id": "lang", "title": "Langer Bericht", "content_html": body}]
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": entries}
    feeds.serve("/lang.json", json.dumps(feed).encode(), JSON_FEED)
    add_source(demo, feeds.url("/lang.json"))
    assert "items: 1 new" in poll(runner)
    (stored,) = items(demo)
    assert 49_000 < len(stored.body) <= 50_000
    # cut after a whole word, with the paragraph closed
    assert stored.body.startswith("<p>Ein langer Bericht.") and stored.body.endswith("…</p>")
    assert stored.body.removesuffix("…</p>").rsplit(" ", 1)[1] in {"Ein", "langer", "Bericht."}


def test_no_federated_item_takes_the_reserved_slug(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    entries = [{"id": "alle", "title": "All", "content_text": "x"}]
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": entries}
    feeds.serve("/alle.json", json.dumps(feed).encode(), JSON_FEED)
    add_source(demo, feeds.url("/alle.json"))
    poll(runner)
    # "all" means every alliance in addresses
    assert [project.slug for project in items(demo)] == ["all-2"]


def test_second_poll_of_an_unchanged_world_costs_only_304s_and_no_parsing(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path, name in (("/a.rss", "rss.xml"), ("/b.json", "feed.json"), ("/c.atom", "atom.xml")):
        feeds.serve(path, fixture_bytes(name), RSS)
        add_source(demo, feeds.url(path))
    poll(runner)
    assert sorted(hit.status for hit in feeds.hits) == [200, 200, 200]

    parsed: list[str] = []
    original = sync.parse_feed

    def counting(body: bytes, **kwargs: Any) -> Any:
        parsed.append(kwargs["url"])
        return original(body, **kwargs)

    monkeypatch.setattr(sync, "parse_feed", counting)
    feeds.hits.clear()
    output = poll(runner, "--all")

    assert [hit.status for hit in feeds.hits] == [304, 304, 304]
    assert all(hit.headers.get("If-None-Match") for hit in feeds.hits)
    assert parsed == []
    assert "3 sources polled: 0 changed, 3 unchanged, 0 failed; items: 0 new, 0 updated" in output


def test_a_changed_source_is_updated_and_removed_items_are_archived(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    def feed(*entries: tuple[str, str, str]) -> bytes:
        return json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "items": [
                    {"id": guid, "title": title, "content_text": "x", "date_published": day}
                    for guid, title, day in entries
                ],
            }
        ).encode()

    old = ("old", "Alt", "2020-01-01T10:00:00+01:00")
    middle = ("middle", "Mitte", "2020-06-01T10:00:00+02:00")
    new = ("new", "Neu", "2020-09-01T10:00:00+02:00")
    feeds.serve("/window.json", feed(old, middle, new), JSON_FEED)
    add_source(demo, feeds.url("/window.json"))
    poll(runner)

    # "old" scrolled out of the window, but "new" was removed although newer than the oldest
    # item the feed still shows ("middle")
    newest = ("newest", "Ganz neu", "2020-10-01T10:00:00+02:00")
    changed = ("middle", "Mitte, geändert", middle[2])
    feeds.serve("/window.json", feed(changed, newest), JSON_FEED)
    output = poll(runner, "--all")
    assert "items: 1 new, 1 updated, 1 archived" in output
    state = {p.remote_guid: (p.status, p.title) for p in items(demo)}
    assert state == {
        "old": (Status.PUBLISHED, "Alt"),
        "middle": (Status.PUBLISHED, "Mitte, geändert"),
        "new": (Status.ARCHIVED, "Neu"),
        "newest": (Status.PUBLISHED, "Ganz neu"),
    }

    # an archived item that comes back is published again
    feeds.serve("/window.json", feed(changed, new, newest), JSON_FEED)
    output = poll(runner, "--all")
    assert "items: 0 new, 1 updated, 0 archived" in output
    assert {p.remote_guid: p.status for p in items(demo)}["new"] is Status.PUBLISHED


def test_past_occurrences_of_a_repeating_event_stay_and_a_removed_one_is_archived(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    begins = dt.datetime.now(berlin).date() - dt.timedelta(days=20)

    def calendar(*removed: dt.datetime) -> bytes:
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Stadt Sehnde//DE",
            "BEGIN:VEVENT",
            "UID:cafe@sehnde.example",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID=Europe/Berlin:{begins:%Y%m%d}T180000",
            "DURATION:PT2H",
            "SUMMARY:Sprachcafé",
            "RRULE:FREQ=WEEKLY",
            *(f"EXDATE;TZID=Europe/Berlin:{moment:%Y%m%dT%H%M%S}" for moment in removed),
            "END:VEVENT",
            # and a single evening long before: the calendar still shows it
            "BEGIN:VEVENT",
            "UID:empfang@sehnde.example",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID=Europe/Berlin:{begins - dt.timedelta(days=60):%Y%m%d}T180000",
            "SUMMARY:Empfang",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return "\r\n".join([*lines, ""]).encode()

    feeds.serve("/cafe.ics", calendar(), "text/calendar")
    add_source(demo, feeds.url("/cafe.ics"), "events")
    poll(runner)
    now = dt.datetime.now(dt.UTC)
    past = [e.remote_guid for e in items(demo, Event) if e.starts < now]
    coming = sorted((e for e in items(demo, Event) if e.starts >= now), key=lambda e: e.starts)
    assert len(past) == 3 + 1 and len(coming) > 40
    assert {e.title for e in items(demo, Event)} == {"Sprachcafé", "Empfang"}

    # weeks later the calendar's window has moved past those three, and one coming
    # evening was taken out of the series
    monkeypatch.setattr(calendars.read, "OCCURRENCES_BEFORE", dt.timedelta(0))
    feeds.serve("/cafe.ics", calendar(coming[1].starts.astimezone(berlin)), "text/calendar")
    output = poll(runner, "--all")

    assert "0 new, 0 updated, 1 archived" in output
    status = {e.remote_guid: e.status for e in items(demo, Event)}
    assert all(status[guid] is Status.PUBLISHED for guid in past)
    assert status[coming[1].remote_guid] is Status.ARCHIVED
    assert status[coming[0].remote_guid] is Status.PUBLISHED


def test_a_source_that_goes_down_keeps_its_items_and_the_office_sees_the_error(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    feeds.serve("/down.rss", fixture_bytes("rss.xml"), RSS)
    source = add_source(demo, feeds.url("/down.rss"))
    poll(runner)
    assert len(items(demo)) == 3

    feeds.fail("/down.rss", 503)
    result = runner.invoke(args=["sources", "poll", "--all"])
    assert result.exit_code == 0
    assert "0 changed, 0 unchanged, 1 failed" in result.output
    assert "the server answered 503" in result.output
    published = [p for p in items(demo) if p.status is Status.PUBLISHED]
    assert len(published) == 3
    demo.refresh(source)
    assert (
        source.failures == 1 and source.last_error == "the server answered 503 Service Unavailable"
    )
    assert sync.source_state(source) == "failing"
    listing = runner.invoke(args=["sources", "list"])
    assert "failing" in listing.output and "1 failure(s) in a row" in listing.output

    feeds.routes.pop("/down.rss")  # now a 404 and then back
    poll(runner, "--all")
    demo.refresh(source)
    assert source.failures == 2

    feeds.serve("/down.rss", fixture_bytes("rss.xml"), RSS)
    poll(runner, "--all")
    demo.refresh(source)
    assert (source.failures, source.last_error, sync.source_state(source)) == (0, None, "ok")


def test_the_page_of_a_federated_item_shows_via_and_the_original(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer, client: FlaskClient
) -> None:
    feeds.serve("/kreis.json", fixture_bytes("instance-projects.json"), JSON_FEED)
    add_source(demo, feeds.url("/kreis.json"))
    poll(runner)
    item = items(demo, remote_guid="urn:uuid:4c2b7f8e-2f1a-4c0b-9d7e-1a2b3c4d5e6f")[0]
    page = client.get(f"/p/{PA}/projects/{item.slug}?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "via Stadt Sehnde" in text
    assert (
        'href="https://sehnde.example/p/niedersachsen-packt-an/projects/sprachcafe-sehnde"' in text
    )
    assert "Initiative Sprachcafé Sehnde" in text


def test_the_same_item_through_two_sources_is_stored_once(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    feeds.serve("/one.json", fixture_bytes("instance-projects.json"), JSON_FEED)
    feeds.serve("/two.json", fixture_bytes("instance-projects.json"), JSON_FEED)
    add_source(demo, feeds.url("/one.json"))
    add_source(demo, feeds.url("/two.json"))
    output = poll(runner)
    assert "items: 2 new, 0 updated, 0 archived, 2 skipped as known" in output
    guids = [p.remote_guid for p in items(demo)]
    assert sorted(guids) == sorted(set(guids)) and len(guids) == 2


def test_an_item_that_is_our_own_is_not_taken_back(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    ours = demo.scalar(select(Project).where(Project.slug == "sprachcafe-sehnde"))
    assert ours is not None
    echo = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": f"urn:uuid:{ours.uid.upper()}", "title": "Echo", "content_text": "x"},
            {"id": "fremd-1", "title": "Fremd", "content_text": "x"},
        ],
    }
    feeds.serve("/echo.json", json.dumps(echo).encode(), JSON_FEED)
    add_source(demo, feeds.url("/echo.json"))
    output = poll(runner)
    assert "1 new" in output and "1 skipped as known" in output
    assert [p.remote_guid for p in items(demo)] == ["fremd-1"]


def test_scripts_and_event_handlers_never_reach_a_page(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer, client: FlaskClient
) -> None:
    feeds.serve("/xss.rss", fixture_bytes("rss.xml"), RSS)
    add_source(demo, feeds.url("/xss.rss"))
    poll(runner)
    item = items(demo, remote_guid="sehnde-projekt-2")[0]
    stored = f"{item.title} {item.summary} {item.body}".lower()
    for needle in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<img"):
        assert needle not in stored
    page = client.get(f"/p/{PA}/projects/{item.slug}").get_data(as_text=True).lower()
    assert "alert(" not in page and "steal()" not in page


def _trickle(request: BaseHTTPRequestHandler) -> int:
    request.send_response(200)
    request.send_header("Content-Type", RSS)
    request.send_header("Content-Length", str(100_000))
    request.end_headers()
    for _ in range(10_000):
        request.wfile.write(b" ")
        request.wfile.flush()
        time.sleep(0.05)
    return 200


@functools.cache
def _bomb() -> bytes:
    return gzip.compress(b"<" + b" " * (64 * 1024 * 1024), compresslevel=9)


def _gzip_bomb(request: BaseHTTPRequestHandler) -> int:
    body = _bomb()
    request.send_response(200)
    request.send_header("Content-Type", RSS)
    request.send_header("Content-Encoding", "gzip")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)
    return 200


def _endless(request: BaseHTTPRequestHandler) -> int:
    request.send_response(200)
    request.send_header("Content-Type", RSS)
    request.end_headers()  # no length: it just keeps coming
    chunk = b"<item>" * 10_000
    for _ in range(5_000):  # 50 MB at most, if nobody stopped reading
        request.wfile.write(chunk)
    return 200


def test_hostile_sources_fail_alone_and_never_stop_the_poll(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    hostile = {
        "/laughs.xml": "the feed declares XML entities",
        "/xxe.xml": "external XML entity (file:///etc/passwd)",
        "/xxe-parameter.xml": "external XML entity (http://169.254.169.254/",
        "/bad-date.xml": "the date 'gestern Nachmittag' cannot be read",
        "/bad-encoding.xml": "not well-formed XML",
        "/bad-encoding.json": "not valid UTF-8",
        "/trickle.xml": "the download took longer than 1.5 s",
        "/bomb.xml": "larger than 256 KB after decompression",
        "/endless.xml": "larger than 256 KB after decompression",
        "/redirect-private.xml": "redirected to http://127.0.0.1/feed: 127.0.0.1 is a loopback",
        "/redirect-intern.xml": "intern.test resolves to 10.0.0.7, which is a private address",
        "/not-a-feed.html": "neither RSS nor Atom",
        "/shift-jis.xml": "the feed declares the encoding Shift_JIS, which is not supported",
        "/utf-7.xml": "the feed declares the encoding UTF-7, which is not supported",
        "/long-number.json": "a number in the JSON Feed is too long",
    }
    feeds.serve("/laughs.xml", fixture_bytes("billion-laughs.xml"), RSS)
    feeds.serve("/xxe.xml", fixture_bytes("xxe.xml"), RSS)
    feeds.serve("/xxe-parameter.xml", fixture_bytes("xxe-parameter.xml"), RSS)
    feeds.serve("/bad-date.xml", fixture_bytes("bad-date.xml"), RSS)
    feeds.serve("/bad-encoding.xml", fixture_bytes("bad-encoding.xml"), RSS)
    feeds.serve("/bad-encoding.json", fixture_bytes("bad-encoding.json"), JSON_FEED)
    feeds.routes["/trickle.xml"] = _trickle
    feeds.routes["/bomb.xml"] = _gzip_bomb
    _bomb()  # made before the poll: on a busy machine, compressing 64 MB takes its deadline
    feeds.routes["/endless.xml"] = _endless
    feeds.redirect("/redirect-private.xml", "http://127.0.0.1/feed")
    feeds.redirect("/redirect-intern.xml", "http://intern.test/feed")
    feeds.serve("/not-a-feed.html", b"<html><body>Hallo</body></html>", "text/html")
    for path, encoding in (("/shift-jis.xml", "Shift_JIS"), ("/utf-7.xml", "UTF-7")):
        declared = f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        feeds.serve(path, declared.encode() + b"<title>t</title></channel></rss>", RSS)
    number = b'{"version": "https://jsonfeed.org/version/1.1", "items": [], "n": 1' + b"0" * 100_000
    feeds.serve("/long-number.json", number + b"}", JSON_FEED)
    feeds.serve("/good.rss", fixture_bytes("rss.xml"), RSS)
    for path in hostile:
        add_source(demo, feeds.url(path))
    add_source(demo, feeds.url("/good.rss"))

    began = time.monotonic()
    result = runner.invoke(args=["sources", "poll"])
    elapsed = time.monotonic() - began

    assert result.exit_code == 0, result.output
    assert f"{len(hostile) + 1} sources polled: 1 changed, 0 unchanged, {len(hostile)} failed" in (
        result.output
    )
    assert elapsed < 15
    demo.expire_all()
    errors = {s.url: s.last_error for s in demo.scalars(select(Source))}
    for path, expected in hostile.items():
        assert expected in (errors[feeds.url(path)] or ""), (path, errors[feeds.url(path)])
    assert errors[feeds.url("/good.rss")] is None
    # each failure is named in words: no traceback in the log, no exception's class name
    assert not [record for record in caplog.records if record.exc_info]
    assert len(items(demo)) == 3
    assert demo.scalar(select(func.count()).select_from(Project).where(Project.title == "")) == 0


def test_sources_are_added_on_the_command_line_and_polled_only_when_due(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    feeds.serve("/cli.rss", fixture_bytes("rss.xml"), RSS)
    args = ["sources", "add", feeds.url("/cli.rss"), "--alliance", PA, "--partner", "stadt-sehnde"]
    added = runner.invoke(args=[*args, "--interval", "30"])
    assert added.exit_code == 0, added.output
    assert "sources: 1 new, 0 updated" in added.output
    bad = runner.invoke(args=["sources", "add", "ftp://x.example/", "--alliance", PA])
    assert bad.exit_code != 0 and "absolute http or https" in bad.output
    unknown = runner.invoke(args=["sources", "add", feeds.url("/x"), "--alliance", "nirgendwo"])
    assert unknown.exit_code != 0 and "no alliance 'nirgendwo'" in unknown.output

    assert "1 sources polled: 1 changed" in poll(runner)
    # within its 30 minutes nothing is due; --all polls it anyway
    assert "No source is due" in poll(runner)
    assert "1 sources polled" in poll(runner, "--all")
    listing = runner.invoke(args=["sources", "list"]).output
    assert "partner stadt-sehnde" in listing and "ok; every 30 min" in listing


def _daily_since(start: str, rule: str = "FREQ=DAILY") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\nBEGIN:VEVENT\r\n"
        f"UID:{start}-{rule}\r\nDTSTART:{start}\r\nRRULE:{rule}\r\nSUMMARY:Sprechstunde\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_calendars_that_began_long_ago_are_read_within_the_deadline(
    demo: Session, runner: FlaskCliRunner, feeds: FeedServer, app: Flask
) -> None:
    # daily since the year 1 and since 1900: read from the window, right (and quickly:
    # tests/unit/test_calendars.py); the deadline is generous, for a busy machine
    app.config["FETCH_DEADLINE"] = 20
    for path, start in (
        ("/since-year-1.ics", "00010101T090000Z"),
        ("/since-1900.ics", "19000101T090000Z"),
    ):
        feeds.serve(path, _daily_since(start), "text/calendar")
        add_source(demo, feeds.url(path), "events")
    poll(runner)
    demo.expire_all()
    assert [s.last_error for s in demo.scalars(select(Source))] == [None, None]
    window_start = dt.datetime.now(dt.UTC) - calendars.OCCURRENCES_BEFORE
    for source in demo.scalars(select(Source)):
        starts = sorted(e.starts for e in items(demo, Event, source_id=source.id))
        assert len(starts) == calendars.MAX_OCCURRENCES
        assert (
            window_start - dt.timedelta(days=1) < starts[0] <= window_start + dt.timedelta(days=1)
        )
        assert starts == [starts[0] + dt.timedelta(days=n) for n in range(len(starts))]
        assert {(start.hour, start.minute) for start in starts} == {(9, 0)}

    # COUNT counts from DTSTART: these must be walked from the year 1, which takes longer
    # than the 1.5 s each source has for its download and reading together
    app.config["FETCH_DEADLINE"] = 1.5
    counted = [f"/counted-{n}.ics" for n in range(3)]
    for path in counted:
        feeds.serve(
            path,
            _daily_since("00010101T090000Z", f"FREQ=DAILY;COUNT={3_000_000 + len(path)}"),
            "text/calendar",
        )
        add_source(demo, feeds.url(path), "events")
    began = time.monotonic()
    result = runner.invoke(args=["sources", "poll", "--all"])
    elapsed = time.monotonic() - began

    assert result.exit_code == 0, result.output
    assert "5 sources polled: 0 changed, 2 unchanged, 3 failed" in result.output
    demo.expire_all()
    errors = {s.url: s.last_error for s in demo.scalars(select(Source))}
    for path in counted:
        assert errors[feeds.url(path)] == (
            "downloading and reading the source took longer than 1.5 s"
        )
    # generous, never reached by a run that keeps its deadlines; the unbounded walk took minutes
    assert elapsed < 30
