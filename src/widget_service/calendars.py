"""iCalendar: the one module that imports icalendar.

Reading: :func:`read_calendar_events` turns a remote ``.ics`` body (bytes, never a URL)
into plain :class:`CalendarEvent` records for federation. Pure functions, no Flask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

DEFAULT_ZONE = "Europe/Berlin"


class CalendarError(ValueError):
    """A calendar that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class CalendarEvent:
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


def read_calendar_events(data: bytes, default_zone: str = DEFAULT_ZONE) -> list[CalendarEvent]:
    """The events of one VCALENDAR; raise :class:`CalendarError` for anything unreadable.

    Floating times and all-day dates are read in ``default_zone``. A recurring event is
    read as its first occurrence; changed single occurrences (RECURRENCE-ID) are skipped.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CalendarError(f"the calendar is not valid UTF-8 (byte {error.start})") from None
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as error:
        raise CalendarError(f"not an iCalendar file: {_short(error)}") from None
    if calendar.name != "VCALENDAR":
        raise CalendarError("not an iCalendar file: it holds no VCALENDAR")
    zone = ZoneInfo(default_zone)
    events = []
    for component in calendar.walk("VEVENT"):
        if component.get("RECURRENCE-ID") is not None:
            continue
        events.append(_event(component, zone))
    return events


def _event(component: Any, zone: ZoneInfo) -> CalendarEvent:
    uid = str(component.get("UID") or "").strip()
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
    return CalendarEvent(
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
