"""Calendars: iCalendar (RFC 5545) — the one module that imports icalendar.

Views describe events as plain data (:class:`CalendarEvent`, :class:`CalendarInfo`);
:func:`subscription` writes the VCALENDAR a calendar program subscribes to, and
:func:`single_event` the file behind an event page's "add to calendar" link. Nothing
here knows Flask or the database. The same events always give the same bytes (DTSTAMP
is the event's last change, not the time of the request), so an unchanged calendar
keeps its ETag.

Reading: :func:`read_calendar_events` turns a remote ``.ics`` body (bytes, never a URL)
into plain :class:`RemoteEvent` records for federation; a repeating event (RRULE, RDATE)
becomes its occurrences around the time of reading, through recurring-ical-events.

Times are written in the event's own zone (``DTSTART;TZID=Europe/Berlin:…``) with a
VTIMEZONE for each zone used, so a calendar shows 18:00 as 18:00 on either side of a
daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
)

PRODID = "-//Alliance widget service//widget-service//DE"
MEDIA_TYPE = "text/calendar; charset=utf-8"
BERLIN = "Europe/Berlin"
UUID_URN = "urn:uuid:"


@dataclass(frozen=True)
class CalendarEvent:
    """One event as a calendar shows it; ``description`` is plain text."""

    uid: str
    title: str
    starts: dt.datetime
    ends: dt.datetime | None
    timezone: str
    changed: dt.datetime
    created: dt.datetime
    url: str
    description: str
    location: str | None = None
    online: str | None = None
    online_label: str = "Online"
    categories: Sequence[str] = ()
    cancelled: bool = False


@dataclass(frozen=True)
class CalendarInfo:
    """A subscription's name and hints: where it lives, how often to look again."""

    name: str
    description: str
    url: str
    source: str
    refresh: dt.timedelta = dt.timedelta(hours=1)
    timezone: str = BERLIN


def uid_for(guid: str) -> str:
    """The iCalendar UID of an item: its GUID, without the ``urn:uuid:`` prefix."""
    return guid[len(UUID_URN) :] if guid.startswith(UUID_URN) else guid


def subscription(info: CalendarInfo, events: Sequence[CalendarEvent]) -> bytes:
    """A VCALENDAR for subscribing: name, refresh hints, time zones and every event."""
    calendar = _calendar()
    calendar.add("name", info.name)
    calendar.add("x-wr-calname", info.name)
    calendar.add("description", info.description)
    calendar.add("x-wr-caldesc", info.description)
    calendar.add("x-wr-timezone", info.timezone)
    calendar.add("url", info.url, parameters={"VALUE": "URI"})
    calendar.add("source", info.source, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", vDuration(info.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(info.refresh))
    return _finish(calendar, events, default_zone=info.timezone)


def single_event(event: CalendarEvent) -> bytes:
    """A VCALENDAR with one event, for importing it into a calendar."""
    return _finish(_calendar(), [event])


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def _finish(
    calendar: Calendar, events: Sequence[CalendarEvent], default_zone: str | None = None
) -> bytes:
    zones = {event.timezone for event in events}
    if default_zone is not None:
        zones.add(default_zone)
    for zone in sorted(zones):
        calendar.add_component(_vtimezone(zone, events))
    for event in events:
        calendar.add_component(_vevent(event))
    return bytes(calendar.to_ical())


def _vevent(event: CalendarEvent) -> Event:
    zone = ZoneInfo(event.timezone)
    component = Event()
    component.add("uid", event.uid)
    component.add("dtstamp", event.changed.astimezone(dt.UTC))
    component.add("created", event.created.astimezone(dt.UTC))
    component.add("last-modified", event.changed.astimezone(dt.UTC))
    component.add("summary", event.title)
    component.add("dtstart", event.starts.astimezone(zone))
    if event.ends is not None and event.ends > event.starts:
        component.add("dtend", event.ends.astimezone(zone))
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("url", event.url, parameters={"VALUE": "URI"})
    # calendars without RFC 7986 show LOCATION only: an online event is found by its link
    location = event.location or event.online
    if location:
        component.add("location", location)
    if event.online:
        features: dict[str, Any] = {"VALUE": "URI", "FEATURE": ["AUDIO", "VIDEO"]}
        features["LABEL"] = event.online_label
        component.add("conference", event.online, parameters=features)
    if event.description:
        component.add("description", event.description)
    if event.categories:
        component.add("categories", list(event.categories))
    component.add("class", "PUBLIC")
    component.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    return component


def _vtimezone(zone: str, events: Sequence[CalendarEvent]) -> Timezone:
    if zone == BERLIN:
        return _central_european(zone)
    # another zone is rare: icalendar derives its rules for the years the events need
    years = [event.starts.year for event in events if event.timezone == zone] or [2020]
    return Timezone.from_tzid(
        zone, first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1)
    )


def _central_european(zone: str) -> Timezone:
    """Europe/Berlin as calendar programs write it: the EU rules as yearly RRULEs."""
    component = Timezone()
    component.add("tzid", zone)
    component.add("x-lic-location", zone)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))  # noqa: DTZ001 (local, per RFC 5545)
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))  # noqa: DTZ001 (local, per RFC 5545)
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    component.add_component(summer)
    component.add_component(winter)
    return component


# --- reading remote calendars (federation) ------------------------------------------------


class CalendarError(ValueError):
    """A calendar that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class RemoteEvent:
    """One VEVENT as read from a remote calendar (text as given: not yet sanitised)."""

    uid: str
    summary: str
    description: str
    starts: dt.datetime
    ends: dt.datetime | None
    timezone: str
    location: str | None
    url: str | None
    cancelled: bool
    updated: dt.datetime | None


@dataclass(frozen=True)
class RemoteCalendar:
    """The events of a remote calendar, and from when on it lists every one of them.

    ``complete_from`` is set when repeating events were expanded: their occurrences
    before it were left out on purpose, so a missing one there was not removed.
    """

    events: list[RemoteEvent]
    complete_from: dt.datetime | None = None


# A repeating event becomes its occurrences from a month ago to a year ahead (and its
# next one, if that is later), at most MAX_OCCURRENCES of each series. Only the rules
# civic calendars use are expanded: an odd rule that never matches makes dateutil search
# up to the year 9999, so finer frequencies and other parts are read as their first
# date, and all series of one calendar share a time budget, after which the rest are
# read as their first date too.
OCCURRENCES_BEFORE = dt.timedelta(days=30)
OCCURRENCES_AFTER = dt.timedelta(days=365)
MAX_OCCURRENCES = 100
EXPANSION_SECONDS = 2.0
_COMMON_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY"}
EXPANDED_RULES = {
    "DAILY": _COMMON_PARTS,
    "WEEKLY": _COMMON_PARTS,
    "MONTHLY": _COMMON_PARTS | {"BYMONTHDAY", "BYSETPOS"},
    "YEARLY": _COMMON_PARTS | {"BYMONTH", "BYMONTHDAY", "BYSETPOS"},
}


def read_calendar_events(
    data: bytes,
    default_zone: str = BERLIN,
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> RemoteCalendar:
    """The events of one VCALENDAR; raise :class:`CalendarError` for anything unreadable.

    Floating times and all-day dates are read in ``default_zone``. A repeating event
    becomes one event per occurrence in the window around ``now`` (UID
    ``<uid>/<original start>``), changed occurrences (RECURRENCE-ID) as changed and
    removed ones (EXDATE) left out; a rule that is not expanded gives its first date.
    More than ``limit`` events is an error.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CalendarError(f"the calendar is not valid UTF-8 (byte {error.start})") from None
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as error:
        raise CalendarError(f"not an iCalendar file: {_short(error)}") from None
    if calendar.name != "VCALENDAR":
        raise CalendarError("not an iCalendar file: it holds no VCALENDAR")
    zone = ZoneInfo(default_zone)
    moment = now or dt.datetime.now(dt.UTC)
    window = (moment - OCCURRENCES_BEFORE, moment + OCCURRENCES_AFTER)
    changed: dict[str, list[Any]] = {}
    series = []
    for component in calendar.walk("VEVENT"):
        if component.get("RECURRENCE-ID") is not None:
            changed.setdefault(_uid(component), []).append(component)
        else:
            series.append(component)
    deadline = time.perf_counter() + EXPANSION_SECONDS
    events: list[RemoteEvent] = []
    expanded = False
    for component in series:
        first = _event(component, zone)
        occurrences = None
        if _expandable(component) and time.perf_counter() < deadline:
            occurrences = _occurrences(component, changed.get(first.uid, []), zone, window)
        if occurrences is None:
            events.append(first)
        else:
            events.extend(occurrences)
            expanded = True
        if limit is not None and len(events) > limit:
            raise CalendarError(f"the calendar holds more than {limit} events")
    return RemoteCalendar(events, window[0] if expanded else None)


def _uid(component: Any) -> str:
    return str(component.get("UID") or "").strip()


def _expandable(component: Any) -> bool:
    """True for a repeating event whose every rule is one of :data:`EXPANDED_RULES`."""
    if component.get("RRULE") is None and component.get("RDATE") is None:
        return False
    rules = component.get("RRULE") or []
    for rule in rules if isinstance(rules, list) else [rules]:
        frequency = (rule.get("FREQ") or [""])[0]
        allowed = EXPANDED_RULES.get(str(frequency).upper())
        if allowed is None or not set(rule) <= allowed:
            return False
    return True


def _occurrences(
    master: Any, changes: list[Any], zone: ZoneInfo, window: tuple[dt.datetime, dt.datetime]
) -> list[RemoteEvent] | None:
    """The series' occurrences in the window, or ``None`` when its rule cannot be read."""
    one = Calendar()
    for component in (master, *changes):
        one.add_component(component)
    found: list[RemoteEvent] = []
    try:
        for occurrence in recurring_ical_events.of(one).after(window[0]):
            if len(found) == MAX_OCCURRENCES:
                break
            event = _event(occurrence, zone)
            if event.starts > window[1] and found:
                break  # beyond the window; but a series always shows its next date
            original = occurrence.decoded("RECURRENCE-ID", None) or occurrence.decoded("DTSTART")
            found.append(replace(event, uid=f"{event.uid}/{_instant(original)}"))
    except CalendarError:
        raise
    except (ValueError, TypeError, KeyError, OverflowError, recurring_ical_events.InvalidCalendar):
        return None  # a rule the library cannot follow: the series is read as its first date
    return found


def _instant(value: Any) -> str:
    """An occurrence's original start as it names the occurrence: UTC, or the day."""
    if isinstance(value, dt.datetime):
        moment: dt.datetime = value
        if moment.tzinfo is None:  # floating: as written
            return moment.strftime("%Y%m%dT%H%M%S")
        return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if isinstance(value, dt.date):
        day: dt.date = value
        return day.strftime("%Y%m%d")
    raise CalendarError("an occurrence without a start")


def _event(component: Any, zone: ZoneInfo) -> RemoteEvent:
    uid = _uid(component)
    where = f"event {uid!r}" if uid else "an event without UID"
    if not uid:
        raise CalendarError(f"{where}: every event needs a UID")
    for name, problem in getattr(component, "errors", []):
        raise CalendarError(f"{where}: {name} cannot be read: {_short(problem)}")
    if component.get("DTSTART") is None:
        raise CalendarError(f"{where}: DTSTART is missing")
    starts, all_day = _moment(component.decoded("DTSTART"), zone, where, "DTSTART")
    ends: dt.datetime | None = None
    if component.get("DTEND") is not None:
        ends, _ = _moment(component.decoded("DTEND"), zone, where, "DTEND")
    elif component.get("DURATION") is not None:
        duration = component.decoded("DURATION")
        if not isinstance(duration, dt.timedelta):
            raise CalendarError(f"{where}: DURATION is not a duration")
        ends = starts + duration
    elif all_day:
        ends = starts + dt.timedelta(days=1)
    if ends is not None and ends < starts:
        raise CalendarError(f"{where}: DTEND is before DTSTART")
    updated = None
    for name in ("LAST-MODIFIED", "DTSTAMP"):
        if component.get(name) is not None:
            updated, _ = _moment(component.decoded(name), zone, where, name)
            break
    status = str(component.get("STATUS") or "").strip().upper()
    return RemoteEvent(
        uid=uid,
        summary=str(component.get("SUMMARY") or ""),
        description=str(component.get("DESCRIPTION") or ""),
        starts=starts,
        ends=ends,
        timezone=_zone_name(component.decoded("DTSTART"), zone),
        location=_optional(component.get("LOCATION")),
        url=_optional(component.get("URL")),
        cancelled=status == "CANCELLED",
        updated=updated,
    )


def _moment(value: Any, zone: ZoneInfo, where: str, name: str) -> tuple[dt.datetime, bool]:
    """An aware datetime for a DATE or DATE-TIME value, and whether it was a whole day."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=zone)), False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=zone), True
    raise CalendarError(f"{where}: {name} is not a date or time")


def _zone_name(value: Any, zone: ZoneInfo) -> str:
    key = getattr(getattr(value, "tzinfo", None), "key", None)
    if isinstance(key, str) and key != "UTC":
        try:
            ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):
            return zone.key
        return key
    return zone.key


def _optional(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _short(error: object) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:199] + "…"
