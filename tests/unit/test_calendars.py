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
from widget_service.timeutil import Deadline, DeadlinePassed

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


# --- reading remote calendars: repeating events ---------------------------------------------

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def _ics(*events: str) -> bytes:
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Stadt Sehnde//DE\n" + "".join(events)
    return (body + "END:VCALENDAR\n").replace("\n", "\r\n").encode()


def _vevent(uid: str, starts: str, *lines: str) -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\n"
        f"DTSTART;TZID=Europe/Berlin:{starts}\nDURATION:PT2H\nSUMMARY:Sprachcafé\n"
        + "".join(line + "\n" for line in lines)
        + "END:VEVENT\n"
    )


def test_a_weekly_series_becomes_its_occurrences_at_the_same_local_time() -> None:
    body = _ics(
        _vevent(
            "cafe@sehnde",
            "20260108T180000",
            "RRULE:FREQ=WEEKLY;BYDAY=TH",
            "EXDATE;TZID=Europe/Berlin:20270325T180000",
        ),
        # one evening moved by an hour and then called off
        "BEGIN:VEVENT\nUID:cafe@sehnde\nRECURRENCE-ID;TZID=Europe/Berlin:20270401T180000\n"
        "DTSTART;TZID=Europe/Berlin:20270401T190000\nDURATION:PT2H\nSUMMARY:Sprachcafé\n"
        "STATUS:CANCELLED\nEND:VEVENT\n",
    )
    calendar = calendars.read_calendar_events(body, now=NOW)

    events = {event.uid: event for event in calendar.events}
    assert calendar.complete_from == NOW - calendars.OCCURRENCES_BEFORE
    starts = sorted(event.starts for event in calendar.events)
    assert starts[0] == dt.datetime(2027, 2, 4, 18, 0, tzinfo=BERLIN)  # within 30 days back
    assert starts[-1] <= NOW + calendars.OCCURRENCES_AFTER
    assert all(start.astimezone(BERLIN).hour in (18, 19) for start in starts)
    # 18:00 on either side of the change to summer time on 28 March 2027
    before = events["cafe@sehnde/20270318T170000Z"]
    after = events["cafe@sehnde/20270408T160000Z"]
    assert (before.starts.astimezone(dt.UTC).hour, after.starts.astimezone(dt.UTC).hour) == (17, 16)
    assert before.ends == before.starts + dt.timedelta(hours=2)
    assert "cafe@sehnde/20270325T170000Z" not in events  # EXDATE
    moved = events["cafe@sehnde/20270401T160000Z"]  # named by its original start
    assert moved.starts == dt.datetime(2027, 4, 1, 19, 0, tzinfo=BERLIN)
    assert moved.cancelled
    assert len(events) == len(calendar.events)  # every occurrence has its own UID


def test_count_until_and_the_cap_bound_a_series() -> None:
    body = _ics(
        _vevent("monthly", "20270104T180000", "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=3"),
        _vevent("until", "20270301T180000", "RRULE:FREQ=DAILY;UNTIL=20270305T170000Z"),
        _vevent("daily", "20270301T180000", "RRULE:FREQ=DAILY"),
        _vevent("plain", "20200101T100000"),
    )
    calendar = calendars.read_calendar_events(body, now=NOW)

    def of(uid: str) -> list[dt.date]:
        found = [e for e in calendar.events if e.uid == uid or e.uid.startswith(uid + "/")]
        return [event.starts.date() for event in found]

    # January's is more than 30 days back; February's and March's are left
    assert of("monthly") == [dt.date(2027, 2, 1), dt.date(2027, 3, 1)]
    assert of("until") == [dt.date(2027, 3, day) for day in range(1, 6)]
    assert len(of("daily")) == calendars.MAX_OCCURRENCES
    assert of("plain") == [dt.date(2020, 1, 1)]  # a single event, however old, stays


def test_a_series_beyond_the_window_shows_its_next_date() -> None:
    body = _ics(_vevent("later", "20310115T180000", "RRULE:FREQ=YEARLY"))
    (event,) = calendars.read_calendar_events(body, now=NOW).events
    assert event.uid == "later/20310115T170000Z"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",  # finer than a day: not expanded
        "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",  # never matches: dateutil would search on
        "FREQ=WEEKLY;BYMONTH=2",  # a part the expansion does not take
        "FREQ=MINUTELY;COUNT=3",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # every 7th day from a Friday is never a Monday
    ],
)
def test_a_rule_that_is_not_expanded_gives_the_first_date(rule: str) -> None:
    body = _ics(_vevent("odd", "20270305T180000", f"RRULE:{rule}"))
    calendar = calendars.read_calendar_events(body, now=NOW)
    assert [(e.uid, e.starts) for e in calendar.events] == [
        ("odd", dt.datetime(2027, 3, 5, 18, 0, tzinfo=BERLIN))
    ]
    assert calendar.complete_from is None


def test_the_series_beyond_the_time_budget_give_their_first_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a yearly rule that never matches makes dateutil search to the year 9999
    impossible = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"
    body = _ics(*(_vevent(f"s{n}", "20270305T180000", impossible) for n in range(3)))
    monkeypatch.setattr(calendars.read, "EXPANSION_SECONDS", 0.0)
    calendar = calendars.read_calendar_events(body, now=NOW)
    assert [event.uid for event in calendar.events] == ["s0", "s1", "s2"]


def test_more_events_than_the_limit_is_an_error() -> None:
    body = _ics(_vevent("weekly", "20270104T180000", "RRULE:FREQ=WEEKLY"))
    with pytest.raises(calendars.CalendarError, match="more than 20 events"):
        calendars.read_calendar_events(body, now=NOW, limit=20)


# --- reading remote calendars: series that began long ago, bounded in time --------------------


def _series(uid: str, start: str, rule: str, *lines: str) -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\nDTSTART{start}\n"
        f"RRULE:{rule}\nSUMMARY:Sprachcafé\n"
        + "".join(line + "\n" for line in lines)
        + "END:VEVENT\n"
    )


@pytest.mark.parametrize(
    ("start", "zone", "hour", "length"),
    [
        # an event without an end lasts no time; an all-day one a day
        (":00010101T090000Z", dt.UTC, dt.time(9, 0), dt.timedelta(0)),
        (";TZID=Europe/Berlin:19000101T180000", BERLIN, dt.time(18, 0), dt.timedelta(0)),
        (";VALUE=DATE:19000101", BERLIN, dt.time(0, 0), dt.timedelta(days=1)),
    ],
)
def test_a_daily_series_since_the_year_1_or_1900_gives_its_dates_in_the_window(
    start: str, zone: dt.tzinfo, hour: dt.time, length: dt.timedelta
) -> None:
    # walked from DTSTART, the year 1 is 740,000 dates before the window: far beyond the
    # time budget, after which the series would give its first date only
    calendar = calendars.read_calendar_events(_ics(_series("old", start, "FREQ=DAILY")), now=NOW)

    starts = [event.starts.astimezone(zone) for event in calendar.events]
    window_start = NOW - calendars.OCCURRENCES_BEFORE
    # the first date is the first that has not ended when the window begins
    assert starts[0] + length >= window_start > starts[0] + length - dt.timedelta(days=1)
    assert len(starts) == calendars.MAX_OCCURRENCES
    assert [day.date() for day in starts] == [
        starts[0].date() + dt.timedelta(days=n) for n in range(calendars.MAX_OCCURRENCES)
    ]
    assert {day.timetz().replace(tzinfo=None) for day in starts} == {hour}
    assert calendar.events[0].uid.startswith("old/" + starts[0].strftime("%Y%m%d"))


@pytest.mark.parametrize(
    "series",
    [
        ";TZID=Europe/Berlin:20230102T180000|FREQ=DAILY;INTERVAL=3",
        ";TZID=Europe/Berlin:20230104T180000|FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU",
        ";TZID=Europe/Berlin:20230103T190000|FREQ=WEEKLY;UNTIL=20270320T000000Z",
        ";TZID=Europe/Berlin:20230106T180000|FREQ=WEEKLY;UNTIL=20250320T000000Z",
        ":20230131T080000Z|FREQ=MONTHLY",
        ":20231231T080000Z|FREQ=MONTHLY;INTERVAL=2",
        ";TZID=Europe/Berlin:20230127T170000|FREQ=MONTHLY;BYDAY=-1FR",
        ";TZID=Europe/Berlin:20230110T170000|FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
        ";TZID=Europe/Berlin:20230110T170000|FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
        ";TZID=Europe/Berlin:20230326T110000|FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        ";VALUE=DATE:20240229|FREQ=YEARLY",
        ":20230105T200000|FREQ=DAILY;BYDAY=MO,TH",  # floating time
        ";TZID=Europe/Berlin:20230106T180000|FREQ=DAILY;INTERVAL=7;BYDAY=FR",
    ],
)
def test_moving_the_start_towards_the_window_changes_no_date(
    series: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, rule = series.split("|")
    # a three-day event reaches into the window from before it; EXDATE and a changed
    # occurrence, too, must meet the same dates
    body = _ics(
        _series("s", start, rule, "DURATION:P3D"),
        _series("t", start, rule, "EXDATE;TZID=Europe/Berlin:20270305T180000"),
    )
    moved = calendars.read_calendar_events(body, now=NOW)
    monkeypatch.setattr(calendars.read, "_near", lambda master, *_: master)
    walked = calendars.read_calendar_events(body, now=NOW)
    assert moved == walked
    assert moved.complete_from is not None


def test_a_series_too_long_to_walk_gives_its_first_date_within_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # COUNT counts from DTSTART, so this series must be walked from the year 1
    body = _ics(_series("counted", ":00010101T090000Z", "FREQ=DAILY;COUNT=2000000"))
    monkeypatch.setattr(calendars.read, "EXPANSION_SECONDS", 0.2)
    (event,) = calendars.read_calendar_events(body, now=NOW).events
    assert (event.uid, event.starts) == ("counted", dt.datetime(1, 1, 1, 9, 0, tzinfo=dt.UTC))


def test_the_deadline_bounds_the_whole_read() -> None:
    endless = _series("counted", ":00010101T090000Z", "FREQ=DAILY;COUNT=2000000")
    body = _ics(endless, _vevent("plain", "20270305T180000"))
    with pytest.raises(DeadlinePassed):
        calendars.read_calendar_events(body, now=NOW, deadline=Deadline.within(0.2))
    with pytest.raises(DeadlinePassed):
        calendars.read_calendar_events(body, now=NOW, deadline=Deadline.within(0))


def test_a_calendar_with_more_events_than_the_limit_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(*_: Any) -> None:
        raise AssertionError("parsed although there are too many events")

    body = _ics(*(_vevent(f"e{n}", "20270305T180000") for n in range(21)))
    monkeypatch.setattr(calendars.read.Calendar, "from_ical", refused)
    with pytest.raises(calendars.CalendarError, match="more than 20 events"):
        calendars.read_calendar_events(body, now=NOW, limit=20)
