"""Reading remote calendars for federation: a ``.ics`` body (bytes, never a URL) becomes
plain :class:`RemoteEvent` records; a repeating event becomes its occurrences around the
time of reading, within a time budget and the caller's deadline."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
from icalendar import (
    Calendar,
    vDDDTypes,
)
from recurring_ical_events import ComponentsWithName, Series

from ..timeutil import Deadline
from .write import BERLIN


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
# up to the year 9999, so finer frequencies and other parts are read as their first date.
#
# Time is bounded three ways, because a body of 150 bytes can ask for years of work:
# - a rule without COUNT is expanded from its last period well before the window, found
#   by arithmetic, not from DTSTART (a daily rule since the year 1 is 740,000 days long);
# - all series of one calendar share a time budget, looked at for every date dateutil
#   makes; the series it interrupts, and those after it, are read as their first date;
# - the caller's deadline (a source's, shared with its download) bounds the whole read.
# What is left unbounded is dateutil's search between two dates of a rule that seldom or
# never matches (BYSETPOS, a BYMONTHDAY some months lack): about a second, once.
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
_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$", re.IGNORECASE | re.MULTILINE)
_CHANGE = re.compile(r"^RECURRENCE-ID[;:]", re.IGNORECASE | re.MULTILINE)
# one period of each frequency, in days or in months
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}
_PERIOD_MONTHS = {"MONTHLY": 1, "YEARLY": 12}


def read_calendar_events(
    data: bytes,
    default_zone: str = BERLIN,
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
    deadline: Deadline | None = None,
) -> RemoteCalendar:
    """The events of one VCALENDAR; raise :class:`CalendarError` for anything unreadable.

    Floating times and all-day dates are read in ``default_zone``. A repeating event
    becomes one event per occurrence in the window around ``now`` (UID
    ``<uid>/<original start>``), changed occurrences (RECURRENCE-ID) as changed and
    removed ones (EXDATE) left out; a rule that is not expanded gives its first date.
    More than ``limit`` events is an error. Once ``deadline`` has passed, reading stops
    with :class:`~widget_service.timeutil.DeadlinePassed`.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CalendarError(f"the calendar is not valid UTF-8 (byte {error.start})") from None
    # counted before the whole file is parsed, which costs time in proportion: a series
    # is one VEVENT, and its changed occurrences (RECURRENCE-ID) are more
    if limit is not None and len(_VEVENT.findall(text)) - len(_CHANGE.findall(text)) > limit:
        raise CalendarError(f"the calendar holds more than {limit} events")
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
    budget = time.monotonic() + EXPANSION_SECONDS
    if deadline is not None:
        budget = min(budget, deadline.at)
    events: list[RemoteEvent] = []
    expanded = False
    token = _BUDGET.set(budget)
    try:
        for component in series:
            if deadline is not None:
                deadline.check()
            first = _event(component, zone)
            occurrences = None
            if _expandable(component) and time.monotonic() < budget:
                occurrences = _occurrences(component, changed.get(first.uid, []), zone, window)
            if occurrences is None:
                events.append(first)
            else:
                events.extend(occurrences)
                expanded = True
            if limit is not None and len(events) > limit:
                raise CalendarError(f"the calendar holds more than {limit} events")
    finally:
        _BUDGET.reset(token)
    return RemoteCalendar(events, window[0] if expanded else None)


def _uid(component: Any) -> str:
    return str(component.get("UID") or "").strip()


def _expandable(component: Any) -> bool:
    """True for a repeating event whose every rule is one of :data:`EXPANDED_RULES`."""
    if component.get("RRULE") is None and component.get("RDATE") is None:
        return False
    for rule in _rules(component):
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        allowed = EXPANDED_RULES.get(frequency)
        if allowed is None or not set(rule) <= allowed:
            return False
        if frequency == "DAILY" and not _some_day_matches(component, rule):
            return False
    return True


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _some_day_matches(component: Any, rule: Any) -> bool:
    """False for a daily rule whose BYDAY never meets its days: every 7th day from a
    Tuesday, on Mondays. dateutil would search for a match up to the year 9999."""
    interval = (rule.get("INTERVAL") or [1])[0]
    if "BYDAY" not in rule or not isinstance(interval, int) or interval % 7 != 0:
        return True
    start = component.decoded("DTSTART") if component.get("DTSTART") is not None else None
    if not isinstance(start, dt.date):
        return True
    return _WEEKDAYS[start.weekday()] in {str(day)[-2:].upper() for day in rule["BYDAY"]}


def _rules(component: Any) -> list[Any]:
    rules = component.get("RRULE") or []
    return rules if isinstance(rules, list) else [rules]


def _occurrences(
    master: Any, changes: list[Any], zone: ZoneInfo, window: tuple[dt.datetime, dt.datetime]
) -> list[RemoteEvent] | None:
    """The series' occurrences in the window, or ``None`` when its rule cannot be read (or
    the time budget ran out while it was read)."""
    try:
        one = Calendar()
        for component in (_near(master, window[0], zone), *changes):
            one.add_component(component)
        query = recurring_ical_events.of(
            one, components=[ComponentsWithName("VEVENT", series=_BoundedSeries)]
        )
        # one walk through the window; only a series with nothing in it looks further
        occurrences = query.between(*window) or list(itertools.islice(query.after(window[1]), 1))
        found = []
        for occurrence in occurrences:
            event = _event(occurrence, zone)
            original = occurrence.decoded("RECURRENCE-ID", None) or occurrence.decoded("DTSTART")
            found.append(replace(event, uid=f"{event.uid}/{_instant(original)}"))
    except CalendarError:
        raise
    except _OutOfTime:
        return None
    except (ValueError, TypeError, KeyError, OverflowError, recurring_ical_events.InvalidCalendar):
        return None  # a rule the library cannot follow: the series is read as its first date
    found.sort(key=lambda event: event.starts)
    return found[:MAX_OCCURRENCES]


# --- expanding within the budget, from near the window ----------------------------------------

# the moment (time.monotonic()) the expansion of the calendar being read must stop
_BUDGET: ContextVar[float] = ContextVar("widget_service_expansion_budget", default=math.inf)


class _OutOfTime(Exception):
    """The expansion budget ran out in the middle of a series."""


class _BoundedRule:
    """A dateutil rule whose ``between`` stops when the expansion budget is spent.

    recurring-ical-events asks each rule for its dates between two moments, and dateutil
    answers by walking from DTSTART with no limit but the year 9999. This walks the same
    dates (lazily, through dateutil's cache) and looks at the clock at each one.
    """

    def __init__(self, rule: Any) -> None:
        self._rule = rule

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rule, name)

    def between(self, after: Any, before: Any, inc: bool = False) -> list[Any]:
        """The dates from ``after`` to ``before`` (both included with ``inc``), in order."""
        budget = _BUDGET.get()
        if time.monotonic() > budget:
            raise _OutOfTime
        found = []
        for moment in self._rule:
            if time.monotonic() > budget:
                raise _OutOfTime
            if moment > before or (moment == before and not inc):
                break
            if moment > after or (moment == after and inc):
                found.append(moment)
        return found


class _BoundedRules(Series.RecurrenceRules):  # type: ignore[misc]  # the library has no types
    def create_rule_with_start(self, rule_string: str) -> Any:
        return _BoundedRule(super().create_rule_with_start(rule_string))


class _BoundedSeries(Series):  # type: ignore[misc]  # the library has no types
    RecurrenceRules = _BoundedRules


def _near(master: Any, window_start: dt.datetime, zone: ZoneInfo) -> Any:
    """The series, its DTSTART moved forward by whole periods to well before the window.

    Only for one rule without COUNT (which counts from DTSTART): moving by whole periods
    of the rule's FREQ and INTERVAL keeps every later date and every default taken from
    DTSTART (its weekday, day of month, month). The new DTSTART ends at least a period
    before the window, so that it is never shown, even where the rule does not match it.
    """
    rules = _rules(master)
    if len(rules) != 1 or "COUNT" in rules[0] or master.get("DTSTART") is None:
        return master
    frequency = str((rules[0].get("FREQ") or [""])[0]).upper()
    interval = (rules[0].get("INTERVAL") or [1])[0]
    if not isinstance(interval, int) or interval < 1:
        return master
    start = master.decoded("DTSTART")
    end = master.decoded("DTEND") if master.get("DTEND") is not None else None
    try:
        base = _wall_clock(start, start, zone)
        duration = _wall_clock(end, start, zone) - base if end is not None else dt.timedelta(0)
        if master.get("DURATION") is not None:
            duration = master.decoded("DURATION")
        days = _PERIOD_DAYS.get(frequency, 31 * _PERIOD_MONTHS.get(frequency, 0))
        goal = _wall_clock(window_start, start, zone) - duration - dt.timedelta(days * interval)
        moved = _moved(base, goal, frequency, interval)
    except (TypeError, ValueError, OverflowError):
        return master  # a start or length out of the ordinary: expanded from DTSTART
    if moved is None or duration < dt.timedelta(0):
        return master
    shift = moved - base
    near = copy.copy(master)
    near["DTSTART"] = _shifted_property(master["DTSTART"], shift)
    if end is not None:
        near["DTEND"] = _shifted_property(master["DTEND"], shift)
    return near


def _wall_clock(value: Any, start: Any, zone: ZoneInfo) -> dt.datetime:
    """``value`` as a naive wall-clock time in the frame of the series' DTSTART ``start``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value
        aware = isinstance(start, dt.datetime) and start.tzinfo is not None
        return value.astimezone(start.tzinfo if aware else zone).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise TypeError("not a date or time")


def _moved(
    base: dt.datetime, goal: dt.datetime, frequency: str, interval: int
) -> dt.datetime | None:
    """The last start ``base`` moved by whole periods that is not after ``goal``, if later."""
    if frequency in _PERIOD_DAYS:
        step = _PERIOD_DAYS[frequency] * interval
        periods = (goal - base).days // step
        return base + dt.timedelta(days=periods * step) if periods > 0 else None
    if frequency not in _PERIOD_MONTHS:
        return None
    step = _PERIOD_MONTHS[frequency] * interval
    periods = ((goal.year - base.year) * 12 + goal.month - base.month) // step
    # a day some months lack (the 31st, 29 February): the period before that has it
    for count in range(periods, max(periods - 12, 0), -1):
        month = base.month - 1 + count * step
        try:
            moved = base.replace(year=base.year + month // 12, month=month % 12 + 1)
        except ValueError:
            continue
        if moved <= goal:
            return moved
    return None


def _shifted_property(prop: Any, shift: dt.timedelta) -> Any:
    """A DTSTART or DTEND property moved by ``shift`` (wall-clock), its parameters kept."""
    value = prop.dt
    moved = value + shift if isinstance(value, dt.datetime) else value + dt.timedelta(shift.days)
    shifted = vDDDTypes(moved)
    shifted.params.update(prop.params)
    return shifted


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
