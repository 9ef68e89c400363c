"""Calendars: iCalendar (RFC 5545) — the one package that imports icalendar,
by role: ``write`` and ``read``.

Views describe events as plain data (:class:`CalendarEvent`, :class:`CalendarInfo`);
:func:`subscription` writes the VCALENDAR a calendar program subscribes to, and
:func:`single_event` the file behind an event page's "add to calendar" link. Nothing
here knows Flask or the database. The same events always give the same bytes (DTSTAMP
is the event's last change, not the time of the request), so an unchanged calendar
keeps its ETag.

Reading: :func:`read_calendar_events` turns a remote ``.ics`` body (bytes, never a URL)
into plain :class:`RemoteEvent` records for federation; a repeating event (RRULE, RDATE)
becomes its occurrences around the time of reading, through recurring-ical-events, within
a time budget and the caller's deadline.

Times are written in the event's own zone (``DTSTART;TZID=Europe/Berlin:…``) with a
VTIMEZONE for each zone used, so a calendar shows 18:00 as 18:00 on either side of a
daylight-saving change.
"""

from __future__ import annotations

from .read import (
    EXPANDED_RULES,
    EXPANSION_SECONDS,
    MAX_OCCURRENCES,
    OCCURRENCES_AFTER,
    OCCURRENCES_BEFORE,
    CalendarError,
    RemoteCalendar,
    RemoteEvent,
    read_calendar_events,
)
from .write import (
    BERLIN,
    MEDIA_TYPE,
    PRODID,
    UUID_URN,
    CalendarEvent,
    CalendarInfo,
    single_event,
    subscription,
    uid_for,
)

__all__ = [
    "BERLIN",
    "EXPANDED_RULES",
    "EXPANSION_SECONDS",
    "MAX_OCCURRENCES",
    "MEDIA_TYPE",
    "OCCURRENCES_AFTER",
    "OCCURRENCES_BEFORE",
    "PRODID",
    "UUID_URN",
    "CalendarError",
    "CalendarEvent",
    "CalendarInfo",
    "RemoteCalendar",
    "RemoteEvent",
    "read_calendar_events",
    "single_event",
    "subscription",
    "uid_for",
]
