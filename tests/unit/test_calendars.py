"""iCalendar output read back by two strict parsers, at the right times across DST changes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus

from widget_service import calendars
from widget_service.calendars import CalendarEvent, CalendarInfo

BERLIN = ZoneInfo("Europe/Berlin")
CHANGED = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
INFO = CalendarInfo(
    name="Veranstaltungen von „Bündnis A“",
    description="Konferenzen, Vorträge, Diskussionen und Treffen.",
    url="https://widgets.example.org/p/a/events",
    source="https://widgets.example.org/feeds/a/events.ics",
)


def _event(uid: str, starts: dt.datetime, hours: int = 2, **changes: Any) -> CalendarEvent:
    values: dict[str, Any] = {
        "uid": uid,
        "title": f"Treffen {uid}",
        "starts": starts,
        "ends": starts + dt.timedelta(hours=hours),
        "timezone": "Europe/Berlin",
        "changed": CHANGED,
        "created": CHANGED - dt.timedelta(days=3),
        "url": f"https://widgets.example.org/p/a/events/{uid}",
        "description": "Ein Abend, mit Diskussion; danach Imbiss.\nZweite Zeile",
        "location": "Kreishaus Peine, Burgstraße 1, 31224 Peine",
        "categories": ["Demokratie stärken"],
    }
    values.update(changes)
    return CalendarEvent(**values)


# 18:00 in Berlin on either side of both changes of 2026/27: the UTC instant moves, the wall
# clock does not
DST_EVENTS = [
    _event("vor-winterzeit", dt.datetime(2026, 10, 24, 18, 0, tzinfo=BERLIN)),
    _event("nach-winterzeit", dt.datetime(2026, 10, 25, 18, 0, tzinfo=BERLIN)),
    _event("vor-sommerzeit", dt.datetime(2027, 3, 27, 18, 0, tzinfo=BERLIN)),
    _event("nach-sommerzeit", dt.datetime(2027, 3, 28, 18, 0, tzinfo=BERLIN)),
]
EXPECTED_UTC = {
    "vor-winterzeit": dt.datetime(2026, 10, 24, 16, 0, tzinfo=dt.UTC),
    "nach-winterzeit": dt.datetime(2026, 10, 25, 17, 0, tzinfo=dt.UTC),
    "vor-sommerzeit": dt.datetime(2027, 3, 27, 17, 0, tzinfo=dt.UTC),
    "nach-sommerzeit": dt.datetime(2027, 3, 28, 16, 0, tzinfo=dt.UTC),
}


def test_ical_reads_the_subscription_with_the_right_instants() -> None:
    body = calendars.subscription(INFO, DST_EVENTS).decode()
    calendar = IcsCalendarStream.calendar_from_ics(body)
    found = {event.uid: event for event in calendar.events}
    assert set(found) == set(EXPECTED_UTC)
    for uid, instant in EXPECTED_UTC.items():
        event = found[uid]
        assert event.dtstart == instant
        assert event.dtstart.astimezone(BERLIN).hour == 18
        assert event.dtend - event.dtstart == dt.timedelta(hours=2)
        assert event.location == "Kreishaus Peine, Burgstraße 1, 31224 Peine"
        assert event.url == f"https://widgets.example.org/p/a/events/{uid}"
        assert event.description == "Ein Abend, mit Diskussion; danach Imbiss.\nZweite Zeile"
        assert event.categories == ["Demokratie stärken"]
        assert event.dtstamp == CHANGED
        assert event.status == EventStatus.CONFIRMED
    assert [zone.tz_id for zone in calendar.timezones] == ["Europe/Berlin"]


def test_icalendar_reads_the_subscription_with_its_hints() -> None:
    calendar = icalendar.Calendar.from_ical(calendars.subscription(INFO, DST_EVENTS))
    assert str(calendar["X-WR-CALNAME"]) == "Veranstaltungen von „Bündnis A“"
    assert str(calendar["NAME"]) == "Veranstaltungen von „Bündnis A“"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    refresh = calendar["REFRESH-INTERVAL"]
    assert refresh.to_ical() == b"PT1H" and refresh.params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert str(calendar["SOURCE"]) == "https://widgets.example.org/feeds/a/events.ics"
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    for uid, instant in EXPECTED_UTC.items():
        starts = events[uid].decoded("DTSTART")
        assert starts == instant
        assert events[uid]["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_the_vtimezone_matches_the_time_zone_database_for_decades() -> None:
    calendar = icalendar.Calendar.from_ical(calendars.subscription(INFO, DST_EVENTS))
    (component,) = calendar.walk("VTIMEZONE")
    described = component.to_tz(lookup_tzid=False)  # from the rules written, not by name
    instant = dt.datetime(2024, 1, 1, 0, 30, tzinfo=dt.UTC)
    while instant.year < 2040:
        # every hour of March and October (the changes), every day in between
        expected = instant.astimezone(BERLIN)
        local = instant.astimezone(described)
        assert (local.replace(tzinfo=None), local.utcoffset()) == (
            expected.replace(tzinfo=None),
            expected.utcoffset(),
        ), instant
        instant += dt.timedelta(hours=1 if instant.month in (3, 10) else 24)


def test_a_cancelled_event_says_so() -> None:
    cancelled = _event(
        "abgesagt", dt.datetime(2026, 12, 3, 19, 0, tzinfo=BERLIN), cancelled=True, location=None
    )
    calendar = IcsCalendarStream.calendar_from_ics(
        calendars.subscription(INFO, [cancelled]).decode()
    )
    (event,) = calendar.events
    assert event.status == EventStatus.CANCELLED
    assert event.location is None


def test_an_online_event_is_found_by_its_link() -> None:
    online = _event(
        "online",
        dt.datetime(2026, 12, 3, 19, 0, tzinfo=BERLIN),
        location=None,
        online="https://konferenz.example/raum",
        online_label="Online teilnehmen",
    )
    calendar = icalendar.Calendar.from_ical(calendars.subscription(INFO, [online]))
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "https://konferenz.example/raum"
    conference = event["CONFERENCE"]
    assert str(conference) == "https://konferenz.example/raum"
    assert conference.params["LABEL"] == "Online teilnehmen"
    assert IcsCalendarStream.calendar_from_ics(calendars.subscription(INFO, [online]).decode())


def test_a_single_event_file_has_no_subscription_hints() -> None:
    body = calendars.single_event(DST_EVENTS[1])
    calendar = icalendar.Calendar.from_ical(body)
    assert "X-WR-CALNAME" not in calendar and "REFRESH-INTERVAL" not in calendar
    (event,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert event.uid == "nach-winterzeit"
    assert event.dtstart == EXPECTED_UTC["nach-winterzeit"]


def test_an_event_in_another_zone_brings_its_own_vtimezone() -> None:
    london = ZoneInfo("Europe/London")
    event = _event(
        "london", dt.datetime(2027, 3, 28, 18, 0, tzinfo=london), timezone="Europe/London"
    )
    body = calendars.subscription(INFO, [event])
    calendar = icalendar.Calendar.from_ical(body)
    assert sorted(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")) == [
        "Europe/Berlin",
        "Europe/London",
    ]
    (parsed,) = IcsCalendarStream.calendar_from_ics(body.decode()).events
    assert parsed.dtstart == dt.datetime(2027, 3, 28, 17, 0, tzinfo=dt.UTC)


def test_the_same_events_give_the_same_bytes() -> None:
    assert calendars.subscription(INFO, DST_EVENTS) == calendars.subscription(INFO, DST_EVENTS)
    assert b"\r\n" in calendars.subscription(INFO, DST_EVENTS)


@pytest.mark.parametrize(
    ("guid", "uid"),
    [
        ("urn:uuid:4c2b7a4e-0000-4000-8000-000000000001", "4c2b7a4e-0000-4000-8000-000000000001"),
        ("https://kreis.example/items/7", "https://kreis.example/items/7"),
    ],
)
def test_uids_derive_from_the_guid(guid: str, uid: str) -> None:
    assert calendars.uid_for(guid) == uid
