"""Feed routes: every format of the demo content read back strictly, filters, paging, HTTP."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import icalendar
import pytest
from defusedxml import ElementTree
from flask import Flask
from flask.testing import FlaskClient
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.jsonfeed import read_json_feed
from tests.queries import count_queries
from widget_service import db
from widget_service.federation.parse import parse_feed
from widget_service.models import Alliance, Channel, Event, Project, SourceKind, Status
from widget_service.operations import import_document
from widget_service.timeutil import BERLIN, today

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
HOST = "https://widgets.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "PUBLIC_URL": HOST}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == HOST, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def address(url: str) -> tuple[str, dict[str, list[str]]]:
    """A URL as (scheme, host and path; query), so the order of parameters does not matter."""
    parts = urlsplit(url.replace("&amp;", "&"))
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


def parse(client: FlaskClient, url: str, fmt: str) -> Any:
    """GET a feed and read it strictly: feedparser without bozo, or JSON Feed 1.1's rules."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    if fmt == "json":
        assert response.content_type == "application/feed+json; charset=utf-8"
        return read_json_feed(response.data)
    assert response.content_type == f"{XML_TYPES[fmt]}; charset=utf-8"
    ElementTree.fromstring(response.data)  # well-formed, no entities
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def ids_of(document: Any, fmt: str) -> list[str]:
    if fmt == "json":
        return [item["id"] for item in document["items"]]
    return [entry.id for entry in document.entries]


def published(session: Session, model: type[Project] | type[Event], alliance: str) -> list[Any]:
    statuses = (Status.PUBLISHED,) if model is Project else (Status.PUBLISHED, Status.CANCELLED)
    query = select(model).where(model.status.in_(statuses))
    return [item for item in session.scalars(query) if item.alliance.slug == alliance]


# --- every format of the demo content -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
@pytest.mark.parametrize("kind", ["projects", "events"])
@pytest.mark.parametrize("alliance", [PA, HZ])
def test_demo_feeds_are_valid_and_complete(
    client: FlaskClient, demo: Session, alliance: str, kind: str, fmt: str
) -> None:
    document = parse(client, f"/feeds/{alliance}/{kind}.{fmt}", fmt)
    model = Project if kind == "projects" else Event
    expected = {f"urn:uuid:{item.uid}" for item in published(demo, model, alliance)}
    assert set(ids_of(document, fmt)) == expected
    if fmt == "json":
        links = [item["url"] for item in document["items"]]
    else:
        links = [entry.link for entry in document.entries]
    for link in links:
        assert client.get(path_of(link)).status_code == 200


def test_all_alliances_feed_holds_both(client: FlaskClient, demo: Session) -> None:
    document = parse(client, "/feeds/all/projects.atom?limit=100", "atom")
    both = published(demo, Project, PA) + published(demo, Project, HZ)
    assert len(document.entries) == len(both)
    assert document.feed.title == "Projekte aller Bündnisse"


def test_a_project_entry_carries_everything(client: FlaskClient, demo: Session) -> None:
    project = demo.scalar(select(Project).where(Project.slug == "sprachcafe-sehnde"))
    assert project is not None
    guid = f"urn:uuid:{project.uid}"
    page = f"{HOST}/p/{PA}/projects/sprachcafe-sehnde"
    for fmt in ("rss", "atom"):
        document = parse(client, f"/feeds/{PA}/projects.{fmt}", fmt)
        (entry,) = [found for found in document.entries if found.id == guid]
        assert entry.title == "Sprachcafé im Rathaus Sehnde"
        assert entry.link == page
        assert entry.author == "Initiative Sprachcafé Sehnde"
        assert entry.summary.startswith("Jeden Donnerstag üben Neuangekommene")
        assert "Kinderbetreuung vor Ort" in entry.content[0].value
        labels = [tag.label if fmt == "atom" else tag.term for tag in entry.tags]
        assert labels == ["Sprachförderung", "Freiwilliges Engagement"]
        assert project.published_at is not None
        assert entry.published_parsed[:6] == project.published_at.utctimetuple()[:6]
    atom = parse(client, f"/feeds/{PA}/projects.atom", "atom")
    (entry,) = [found for found in atom.entries if found.id == guid]
    assert entry.updated_parsed[:6] == project.updated_at.utctimetuple()[:6]
    assert [tag.term for tag in entry.tags] == ["sprachfoerderung", "freiwilliges-engagement"]
    document = parse(client, f"/feeds/{PA}/projects.json", "json")
    (item,) = [found for found in document["items"] if found["id"] == guid]
    assert item["url"] == page
    assert item["tags"] == ["Sprachförderung", "Freiwilliges Engagement"]
    assert dt.datetime.fromisoformat(item["date_published"]) == project.published_at


def test_images_become_enclosures_and_the_logo_the_feeds_image(
    client: FlaskClient, demo: Session
) -> None:
    project = demo.scalar(select(Project).where(Project.slug == "sprachcafe-sehnde"))
    other = demo.scalar(select(Project).where(Project.slug == "ausbildungslotsen-peine"))
    assert project is not None and other is not None
    project.image = "https://bilder.example/sprachcafe.jpg"
    other.image = "/static/favicon.svg"  # a path on this site becomes an absolute URL
    project.alliance.logo = "https://bilder.example/logo-packt-an.png"
    demo.commit()
    for fmt in ("rss", "atom"):
        document = parse(client, f"/feeds/{PA}/projects.{fmt}", fmt)
        enclosures = {
            entry.link.rsplit("/", 1)[1]: [(e.href, e.type) for e in entry.enclosures]
            for entry in document.entries
        }
        assert enclosures["sprachcafe-sehnde"] == [
            ("https://bilder.example/sprachcafe.jpg", "image/jpeg")
        ]
        assert enclosures["ausbildungslotsen-peine"] == [
            (f"{HOST}/static/favicon.svg", "image/svg+xml")
        ]
        assert enclosures["wohnpatenschaften-peine"] == []
        logo = document.feed.image.href if fmt == "rss" else document.feed.logo
        assert logo == "https://bilder.example/logo-packt-an.png"
    document = parse(client, f"/feeds/{PA}/projects.json", "json")
    assert document["icon"] == "https://bilder.example/logo-packt-an.png"
    item = next(i for i in document["items"] if i["url"].endswith("/sprachcafe-sehnde"))
    assert item["image"] == "https://bilder.example/sprachcafe.jpg"


def test_the_alliance_extension_is_as_documented(client: FlaskClient, demo: Session) -> None:
    project = parse(client, f"/feeds/{PA}/projects.json", "json")
    item = next(i for i in project["items"] if i["url"].endswith("/sprachcafe-sehnde"))
    assert item["_alliance"] == {
        "about": f"{HOST}/docs/json-feed",
        "kind": "project",
        "alliance": {"slug": PA, "name": "Niedersachsen packt an"},
        "partner": {
            "slug": "sprachcafe-sehnde",
            "name": "Initiative Sprachcafé Sehnde",
            "region": "Region Hannover",
        },
        "fields": [
            {
                "slug": "sprachfoerderung",
                "label": {"de": "Sprachförderung", "en": "Language support"},
            },
            {
                "slug": "freiwilliges-engagement",
                "label": {"de": "Freiwilliges Engagement", "en": "Volunteering"},
            },
        ],
        "place": "Sehnde",
        "region": "Region Hannover",
        "origin": f"{HOST}/p/{PA}/projects/sprachcafe-sehnde",
    }
    events = parse(client, f"/feeds/{HZ}/events.json", "json")
    cancelled = next(
        i for i in events["items"] if i["url"].endswith("/gespraech-kirche-und-gesellschaft")
    )
    extension = cancelled["_alliance"]
    assert extension["kind"] == "event" and extension["status"] == "cancelled"
    assert extension["timezone"] == "Europe/Berlin"
    assert extension["online"] == "https://konferenz.niedersachsen-haelt-zusammen.de/kirche"
    starts = dt.datetime.fromisoformat(extension["starts"])
    assert starts.utcoffset() == starts.astimezone(BERLIN).utcoffset()
    assert (starts.hour, starts.minute) == (19, 0)
    assert dt.datetime.fromisoformat(extension["ends"]) - starts == dt.timedelta(minutes=90)
    assert "via" not in extension and "location" not in extension
    assert cancelled["title"] == "Abgesagt: Gespräch: Kirche, Gesellschaft und Zusammenhalt"


def test_an_event_entry_says_when_where_and_how_to_join(client: FlaskClient, demo: Session) -> None:
    document = parse(client, f"/feeds/{HZ}/events.rss", "rss")
    entry = next(
        e for e in document.entries if e.link.endswith("/vortrag-verschwoerungserzaehlungen")
    )
    text = entry.content[0].value
    day = today() + dt.timedelta(days=8)
    assert f"{day.day}. " in text and "19:00–20:30 Uhr" in text
    assert "Volkshochschule Hildesheim, Pfaffenstieg 4–5, 31134 Hildesheim" in text
    assert '<a href="https://vhs-hildesheim.example/live">' in text
    assert entry.ev_location == "Volkshochschule Hildesheim, Pfaffenstieg 4–5, 31134 Hildesheim"
    starts = dt.datetime.fromisoformat(entry.ev_startdate)
    assert starts.date() == day and (starts.hour, starts.minute) == (19, 0)
    english = parse(client, f"/feeds/{HZ}/events.atom?lang=en", "atom")
    entry = next(
        e for e in english.entries if e.link.endswith("/vortrag-verschwoerungserzaehlungen")
    )
    assert "7:00 pm – 8:30 pm" in entry.content[0].value
    assert english.feed.language == "en"


def test_feed_metadata_names_alliance_and_filters(client: FlaskClient, demo: Session) -> None:
    url = f"/feeds/{PA}/projects.atom?field=sprachfoerderung&region=Region+Hannover"
    document = parse(client, url, "atom")
    feed = document.feed
    assert feed.title == "Projekte von „Niedersachsen packt an“ – Sprachförderung, Region Hannover"
    assert "Handlungsfeld: Sprachförderung" in feed.subtitle
    assert "Region: Region Hannover" in feed.subtitle
    links = {link.rel: link.href for link in feed.links}
    assert address(links["self"]) == address(HOST + url)
    assert address(links["alternate"]) == address(
        f"{HOST}/p/{PA}/projects?field=sprachfoerderung&region=Region+Hannover"
    )
    assert client.get(path_of(links["alternate"])).status_code == 200
    assert feed.language == "de"
    assert feed.icon == f"{HOST}/static/favicon.svg"
    assert feed.author == "Niedersachsen packt an"
    rss = parse(client, url.replace(".atom", ".rss"), "rss")
    assert rss.feed.link == links["alternate"]
    assert rss.feed.ttl == "60"
    for entry in document.entries:
        assert "Sprachförderung" in [tag.label for tag in entry.tags]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("partner=landkreis-peine", {"ausbildungslotsen-peine"}),
        (
            "region=Landkreis+Peine",
            {"ausbildungslotsen-peine", "wohnpatenschaften-peine", "fussball-verbindet-lengede"},
        ),
        ("field=teilhabe", {"integrationsrat-hannover", "fussball-verbindet-lengede"}),
        ("field=teilhabe&partner=gemeinde-lengede", {"fussball-verbindet-lengede"}),
        ("limit=2", {"sprachcafe-sehnde", "ausbildungslotsen-peine"}),
    ],
)
def test_filters(client: FlaskClient, demo: Session, query: str, expected: set[str]) -> None:
    for fmt in ("rss", "atom", "json"):
        document = parse(client, f"/feeds/{PA}/projects.{fmt}?{query}", fmt)
        if fmt == "json":
            links = [item["url"] for item in document["items"]]
        else:
            links = [entry.link for entry in document.entries]
        assert {link.rsplit("/", 1)[1] for link in links} == expected


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/feeds/nirgendwo/projects.rss", 404, "Das Bündnis „nirgendwo“ gibt es nicht."),
        (f"/feeds/{PA}/events.json?partner=niemand", 404, "Den Partner „niemand“ gibt es nicht."),
        (
            f"/feeds/{PA}/projects.atom?field=medienkompetenz",
            404,
            "Handlungsfeld „medienkompetenz“",
        ),
        (f"/feeds/{PA}/events.ics?field=quatsch", 404, "Handlungsfeld „quatsch“"),
        (f"/feeds/{PA}/projects.rss?limit=101", 400, "„limit“ ist ungültig"),
        (f"/feeds/{PA}/projects.rss?limit=0", 400, "von 1 bis 100"),
        (f"/feeds/{PA}/projects.json?page=0", 400, "„page“"),
        (f"/feeds/{PA}/projects.json?partner=Stadt+Sehnde", 400, "„partner“"),
        (f"/feeds/{PA}/projects.rss?page=2", 404, "Dieser Feed hat keine Seite 2."),
        (f"/p/{PA}/events/gibt-es-nicht.ics", 404, "„gibt-es-nicht“"),
    ],
)
def test_bad_requests_get_a_short_plain_answer(
    client: FlaskClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.content_type == "text/plain; charset=utf-8"
    assert message in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    english = client.get(url, headers={"Accept-Language": "en"})
    assert english.status_code == status
    assert english.get_data(as_text=True) != response.get_data(as_text=True)


def test_an_unknown_format_is_a_page_not_found(client: FlaskClient, demo: Session) -> None:
    assert client.get(f"/feeds/{PA}/projects.ics").status_code == 404
    assert client.get(f"/feeds/{PA}/projects.xml").status_code == 404


# --- paging --------------------------------------------------------------------------------


@pytest.fixture
def archive(demo: Session) -> Session:
    """45 more projects of one alliance, some sharing a publication time (ties by id)."""
    base = dt.datetime(2024, 5, 1, 10, 0, tzinfo=BERLIN)
    projects = [
        {
            "alliance": PA,
            "slug": f"archiv-{number:02d}",
            "title": f"Archiv {number}",
            "status": "published",
            "published": (base - dt.timedelta(days=number // 3)).isoformat(),
        }
        for number in range(45)
    ]
    import_document(demo, {"projects": projects})
    return demo


@pytest.mark.parametrize("fmt", ["atom", "json", "rss"])
def test_paging_visits_every_item_exactly_once(
    client: FlaskClient, archive: Session, fmt: str
) -> None:
    expected = {f"urn:uuid:{item.uid}" for item in published(archive, Project, PA)}
    assert len(expected) == 52
    seen: list[str] = []
    url: str | None = f"/feeds/{PA}/projects.{fmt}?limit=7"
    previous: str | None = None
    pages = 0
    while url is not None:
        document = parse(client, url, fmt)
        seen.extend(ids_of(document, fmt))
        pages += 1
        if fmt == "json":
            following = document.get("next_url")
        else:
            links = {link.rel: link.href for link in document.feed.links}
            assert links.get("previous") == previous
            following = links.get("next")
            previous = HOST + url
        url = path_of(following) if following else None
    assert pages == 8
    assert len(seen) == len(set(seen)) == 52
    assert set(seen) == expected


def test_newest_first_across_pages(client: FlaskClient, archive: Session) -> None:
    first = parse(client, f"/feeds/{PA}/projects.atom?limit=30", "atom")
    second = parse(client, f"/feeds/{PA}/projects.atom?limit=30&page=2", "atom")
    stamps = [entry.published_parsed for entry in first.entries + second.entries]
    assert stamps == sorted(stamps, reverse=True)


# --- HTTP ----------------------------------------------------------------------------------


FEEDS = [
    f"/feeds/{PA}/projects.rss",
    f"/feeds/{PA}/projects.atom",
    "/feeds/all/projects.json",
    f"/feeds/{HZ}/events.rss",
    f"/feeds/{HZ}/events.atom?partner=landkreis-peine",
    "/feeds/all/events.json",
    f"/feeds/{HZ}/events.ics",
    f"/p/{HZ}/events/konferenz-zusammenhalt.ics",
]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", FEEDS)
def test_an_unchanged_feed_costs_a_304(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert "charset=utf-8" in response.content_type
    assert "Set-Cookie" not in response.headers
    cache = response.headers["Cache-Control"]
    assert "max-age=" in cache and "stale-while-revalidate=" in cache
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert client.get(url).headers["ETag"] == etag  # the same content, the same bytes
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    garbage = client.get(url, headers={"If-Modified-Since": "gestern nach dem Frühstück"})
    assert garbage.status_code == 200
    older = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_change_gives_a_new_etag_and_date(client: FlaskClient, demo: Session) -> None:
    url = f"/feeds/{PA}/projects.atom"
    before = client.get(url)
    project = demo.scalar(select(Project).where(Project.slug == "ausbildungslotsen-peine"))
    assert project is not None
    project.title = "Ausbildungslotsinnen und -lotsen im Landkreis Peine"
    project.updated_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    demo.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.last_modified is not None and before.last_modified is not None
    assert after.last_modified > before.last_modified
    modified_since = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert modified_since.status_code == 200


@pytest.mark.parametrize("fmt", ["rss", "ics"])
def test_a_feed_needs_no_query_per_item(
    app: Flask, client: FlaskClient, archive: Session, fmt: str
) -> None:
    kind = "events" if fmt == "ics" else "projects"
    with app.app_context():
        engine = db.engine()
    counts = []
    for limit in (1, 40):
        with count_queries(engine) as statements:
            assert client.get(f"/feeds/all/{kind}.{fmt}?limit={limit}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


# --- what feeds must not carry ---------------------------------------------------------------


ATTACK = (
    '<p>Harmlos</p><script>alert("feed")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)">Klick</a><iframe src="https://evil.example"></iframe>'
    '<p onclick="alert(3)" style="color:red">Text</p>'
)


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_html_in_content_cannot_carry_script(client: FlaskClient, demo: Session, fmt: str) -> None:
    # written past the import's sanitiser, as a faulty migration or tool might
    demo.execute(update(Project).where(Project.slug == "sprachcafe-sehnde").values(body=ATTACK))
    demo.execute(
        update(Event).where(Event.slug == "fachtag-sprachfoerderung").values(description=ATTACK)
    )
    demo.commit()
    for kind in ("projects", "events"):
        body = client.get(f"/feeds/{PA}/{kind}.{fmt}").get_data(as_text=True)
        assert "Harmlos" in body
        for bad in (
            "<script",
            "&lt;script",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
            "&lt;iframe",
            "style=",
        ):
            assert bad not in body, (kind, bad)
        assert "alert(" not in body


def test_plain_text_never_becomes_markup_in_rss(client: FlaskClient, demo: Session) -> None:
    # a remote RSS item whose summary is the text "<script>…" (HTML-escaped in its HTML)
    remote = (
        b"<rss version='2.0'><channel><title>t</title><item><guid>r1</guid><title>r</title>"
        b"<description>&amp;lt;script&amp;gt;alert(2)&amp;lt;/script&amp;gt;</description>"
        b"</item></channel></rss>"
    )
    federated = parse_feed(remote, url="https://kreis.example/f", kind=SourceKind.PROJECTS)
    texts = {
        "summary": "<body onload=alert(46)>",
        "federated": federated.items[0].summary,
        "location": '<img src=x onerror="alert(47)">',
        "alliance": "<i>Niedersachsen</i> packt an",
    }
    assert texts["federated"] == "<script>alert(2)</script>"  # stored as the text it is
    demo.execute(
        update(Project).where(Project.slug == "sprachcafe-sehnde").values(summary=texts["summary"])
    )
    demo.execute(
        update(Project)
        .where(Project.slug == "ausbildungslotsen-peine")
        .values(summary=texts["federated"])
    )
    demo.execute(
        update(Event)
        .where(Event.slug == "fachtag-sprachfoerderung")
        .values(location=texts["location"])
    )
    demo.execute(update(Alliance).where(Alliance.slug == PA).values(name=texts["alliance"]))
    demo.commit()

    seen = ""
    for kind in ("projects", "events"):
        data = client.get(f"/feeds/{PA}/{kind}.rss").data
        root = ElementTree.fromstring(data)  # raw XML: feedparser would clean the HTML first
        descriptions = [root.findtext("channel/description") or ""]
        descriptions += [item.findtext("description") or "" for item in root.iter("item")]
        for description in descriptions:
            assert "<" not in description, (kind, description)  # plain text, escaped as HTML
        seen += " ".join(html.unescape(description) for description in descriptions)
        # the event module's ev:location is a text element: the place as it is written
        places = [e.text for e in root.iter("{http://purl.org/rss/1.0/modules/event/}location")]
        assert kind == "projects" or texts["location"] in places
    for text in texts.values():
        assert text in seen


def test_federated_items_keep_their_guid_origin_and_provenance(
    client: FlaskClient, demo: Session
) -> None:
    project = demo.scalar(select(Project).where(Project.slug == "ausbildungslotsen-peine"))
    assert project is not None
    project.channel = Channel.SOURCE
    project.remote_guid = "urn:uuid:0b6f1d9e-93c2-4a8e-9c1c-3f2a6d5e7b10"
    project.remote_url = "https://kreis-peine.example/p/pa/projects/ausbildungslotsen"
    project.via = "Landkreis Peine"
    demo.commit()
    guid = project.remote_guid
    rss = parse(client, f"/feeds/{PA}/projects.rss", "rss")
    entry = next(e for e in rss.entries if e.id == guid)
    assert entry.link == f"{HOST}/p/{PA}/projects/ausbildungslotsen-peine"
    assert "via Landkreis Peine" in entry.content[0].value
    assert '<a href="https://kreis-peine.example/p/pa/projects/ausbildungslotsen">' in (
        entry.content[0].value
    )
    root = ElementTree.fromstring(client.get(f"/feeds/{PA}/projects.rss").data)
    guids = {
        item.findtext("guid"): item.find("guid").get("isPermaLink") for item in root.iter("item")
    }
    assert guids[guid] == "false"
    atom = parse(client, f"/feeds/{PA}/projects.atom", "atom")
    entry = next(e for e in atom.entries if e.id == guid)
    assert {link.rel: link.href for link in entry.links}["via"] == project.remote_url
    document = parse(client, f"/feeds/{PA}/projects.json", "json")
    item = next(i for i in document["items"] if i["id"] == guid)
    assert item["external_url"] == project.remote_url
    assert item["_alliance"]["via"] == "Landkreis Peine"
    assert item["_alliance"]["origin"] == project.remote_url


# --- calendars -----------------------------------------------------------------------------


def test_the_calendar_shows_next_weeks_events_at_local_time(
    client: FlaskClient, demo: Session
) -> None:
    response = client.get(f"/feeds/{HZ}/events.ics")
    assert response.content_type == "text/calendar; charset=utf-8"
    calendar = IcsCalendarStream.calendar_from_ics(response.get_data(as_text=True))
    events = {event.uid: event for event in calendar.events}
    stored = {item.uid: item for item in published(demo, Event, HZ)}
    assert set(events) == set(stored)
    conference = events[
        next(uid for uid, e in stored.items() if e.slug == "konferenz-zusammenhalt")
    ]
    local = conference.dtstart.astimezone(BERLIN)
    assert local.date() == today() + dt.timedelta(days=3)
    assert (local.hour, local.minute) == (18, 0)
    assert conference.dtend - conference.dtstart == dt.timedelta(hours=2)
    assert conference.url == f"{HOST}/p/{HZ}/events/konferenz-zusammenhalt"
    assert conference.location == "https://konferenz.niedersachsen-haelt-zusammen.de/zusammenhalt"
    cancelled = events[
        next(u for u, e in stored.items() if e.slug == "gespraech-kirche-und-gesellschaft")
    ]
    assert cancelled.status == EventStatus.CANCELLED
    lecture = events[
        next(u for u, e in stored.items() if e.slug == "vortrag-verschwoerungserzaehlungen")
    ]
    assert lecture.location == "Volkshochschule Hildesheim, Pfaffenstieg 4–5, 31134 Hildesheim"
    assert "https://vhs-hildesheim.example/live" in (lecture.description or "")
    parsed = icalendar.Calendar.from_ical(response.data)
    assert str(parsed["X-WR-CALNAME"]) == "Veranstaltungen von „Niedersachsen hält zusammen“"
    assert [str(zone["TZID"]) for zone in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(parsed["SOURCE"]) == f"{HOST}/feeds/{HZ}/events.ics"


def test_calendar_times_across_the_daylight_saving_change(
    client: FlaskClient, demo: Session
) -> None:
    # next year's changes: the last Sundays of March and October
    year = today().year + 1
    march = max(
        dt.date(year, 3, day) for day in range(25, 32) if dt.date(year, 3, day).weekday() == 6
    )
    october = max(
        dt.date(year, 10, day) for day in range(25, 32) if dt.date(year, 10, day).weekday() == 6
    )
    days = [march - dt.timedelta(days=1), march, october - dt.timedelta(days=1), october]
    events = [
        {
            "alliance": PA,
            "slug": f"zeitumstellung-{number}",
            "title": f"Zeitumstellung {number}",
            "starts": f"{day.isoformat()}T18:00:00",  # read as Berlin time
            "ends": f"{day.isoformat()}T20:00:00",
            "status": "published",
        }
        for number, day in enumerate(days)
    ]
    import_document(demo, {"events": events})
    body = client.get(f"/feeds/{PA}/events.ics?partner=&limit=100").get_data(as_text=True)
    found = {
        event.summary: event
        for event in IcsCalendarStream.calendar_from_ics(body).events
        if event.summary.startswith("Zeitumstellung")
    }
    offsets = []
    for number, day in enumerate(days):
        starts = found[f"Zeitumstellung {number}"].dtstart
        local = starts.astimezone(BERLIN)
        assert (local.date(), local.hour) == (day, 18)
        offsets.append(local.utcoffset())
    hour = dt.timedelta(hours=1)
    assert offsets == [hour, 2 * hour, 2 * hour, hour]
    for component in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        if str(component["SUMMARY"]).startswith("Zeitumstellung"):
            assert component.decoded("DTSTART").hour == 18


def test_a_single_event_as_a_calendar_file(client: FlaskClient, demo: Session) -> None:
    stored = demo.scalar(select(Event).where(Event.slug == "diskussion-populismus"))
    assert stored is not None
    response = client.get(f"/p/{HZ}/events/diskussion-populismus.ics")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="diskussion-populismus.ics"'
    )
    (found,) = IcsCalendarStream.calendar_from_ics(response.get_data(as_text=True)).events
    assert found.uid == stored.uid
    assert found.dtstart == stored.starts
    assert found.location == "Kreishaus Peine, Burgstraße 1, 31224 Peine"
    assert client.get(f"/p/{HZ}/events/diskussion-populismus").status_code == 200
    pending = client.get(f"/p/{PA}/events/diskussion-populismus.ics")
    assert pending.status_code == 404  # another alliance's event


# --- discovery and the feeds page ----------------------------------------------------------


def alternates(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]+" href="([^"]+)">', html)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/", ["/feeds/all/projects.rss", "/feeds/all/events.ics"]),
        (f"/p/{PA}", [f"/feeds/{PA}/projects.atom", f"/feeds/{PA}/events.json"]),
        (
            f"/p/{PA}/projects?field=sprachfoerderung&region=Region+Hannover",
            [f"/feeds/{PA}/projects.rss?field=sprachfoerderung&region=Region+Hannover"],
        ),
        ("/p/all/events", ["/feeds/all/events.rss", "/feeds/all/events.ics"]),
        (f"/p/{PA}/projects/sprachcafe-sehnde", [f"/feeds/{PA}/projects.rss"]),
        (
            f"/p/{HZ}/events/konferenz-zusammenhalt",
            [f"/feeds/{HZ}/events.rss", f"/p/{HZ}/events/konferenz-zusammenhalt.ics"],
        ),
        (
            f"/p/{PA}/partners/landkreis-peine",
            [f"/feeds/{PA}/projects.rss?partner=landkreis-peine"],
        ),
        ("/feeds", ["/feeds/all/projects.json"]),
    ],
)
def test_pages_announce_their_feeds(client: FlaskClient, page: str, expected: list[str]) -> None:
    html = client.get(page).get_data(as_text=True)
    found = alternates(html)
    hrefs = [address(href) for _, href in found]
    for href in expected:
        assert address(href) in hrefs, (href, hrefs)
    for media_type, href in found:
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, href
        assert response.mimetype == media_type


@pytest.mark.usefixtures("demo")
def test_pages_without_a_feed_announce_none(client: FlaskClient) -> None:
    assert alternates(client.get(f"/p/{PA}/partners").get_data(as_text=True)) == []
    assert alternates(client.get("/privacy").get_data(as_text=True)) == []
    missing = client.get("/p/nirgendwo")
    assert missing.status_code == 404 and alternates(missing.get_data(as_text=True)) == []


@pytest.mark.usefixtures("demo")
def test_event_page_offers_add_to_calendar(client: FlaskClient) -> None:
    html = client.get(f"/p/{HZ}/events/konferenz-zusammenhalt").get_data(as_text=True)
    assert f'href="/p/{HZ}/events/konferenz-zusammenhalt.ics"' in html
    assert "Diesen Termin in meinen Kalender" in html
    cancelled = client.get(f"/p/{HZ}/events/gespraech-kirche-und-gesellschaft")
    assert "Diesen Termin in meinen Kalender" not in cancelled.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
def test_feeds_page_lists_every_alliance_with_copyable_addresses(client: FlaskClient) -> None:
    response = client.get("/feeds")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<h1>Feeds und Kalender-Abonnements</h1>" in html
    assert "Neu bei Feeds?" in html
    for slug in ("all", PA, HZ):
        for kind, formats in (("projects", ("rss", "atom", "json")), ("events", ("rss", "ics"))):
            for fmt in formats:
                address = f"{HOST}/feeds/{slug}/{kind}.{fmt}"
                assert f'value="{address}"' in html
                assert f'data-copy="feed-{slug}-{kind}-{fmt}"' in html
        assert f'href="webcal://widgets.example.org/feeds/{slug}/events.ics"' in html
    assert 'src="/static/js/copy.js' in html
    assert client.get("/").get_data(as_text=True).count('href="/feeds"') >= 2  # nav and text


@pytest.mark.usefixtures("demo")
def test_feeds_page_applies_the_chosen_filters(client: FlaskClient) -> None:
    html = client.get("/feeds?field=sprachfoerderung&region=Region+Hannover").get_data(as_text=True)
    listed = [address(url) for url in re.findall(r'value="(https://[^"]+)"', html)]
    chosen = {"field": ["sprachfoerderung"], "region": ["Region Hannover"]}
    assert (f"{HOST}/feeds/{PA}/projects.rss", chosen) in listed
    assert (f"{HOST}/feeds/all/events.ics", chosen) in listed
    assert all(query == chosen for _, query in listed)
    assert f"/feeds/{HZ}/" not in html.split('id="choose"')[1]  # HZ has no such field
    one = client.get(f"/feeds?alliance={HZ}&partner=landkreis-peine").get_data(as_text=True)
    assert f"{HOST}/feeds/{HZ}/events.atom?partner=landkreis-peine" in one
    assert f"{HOST}/feeds/all/" not in one.split('id="choose"')[1]
    missing = client.get("/feeds?partner=niemand")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    bad = client.get("/feeds?field=<b>")
    assert bad.status_code == 400 and bad.mimetype == "text/html"


@pytest.mark.usefixtures("demo")
def test_the_extension_documentation_address_leads_to_the_feeds_page(client: FlaskClient) -> None:
    response = client.get("/docs/json-feed")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/feeds#json-feed")
    assert 'id="json-feed"' in client.get("/feeds").get_data(as_text=True)


def test_feeds_of_an_empty_instance_are_valid(client: FlaskClient) -> None:
    for fmt in ("rss", "atom", "json"):
        document = parse(client, f"/feeds/all/projects.{fmt}", fmt)
        assert ids_of(document, fmt) == []
    calendar = client.get("/feeds/all/events.ics").get_data(as_text=True)
    assert IcsCalendarStream.calendar_from_ics(calendar).events == []
