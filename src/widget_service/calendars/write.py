"""Writing iCalendar: the VCALENDAR a calendar program subscribes to, and one event's file.

The same events always give the same bytes (DTSTAMP is the event's last change), and
times are written in the event's own zone with a VTIMEZONE for each zone used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

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
