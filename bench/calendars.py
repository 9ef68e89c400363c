"""Reading calendars whose repeating events began long ago, and ones built to take long.

Each calendar holds one series; the figures are wall time, CPU time and how many events
the read gave. A daily rule since the year 1 or since 1900 is read from its window and
should take milliseconds; a rule with COUNT (counted from DTSTART) is cut by the time
budget (calendars.EXPANSION_SECONDS) and gives its first date; a rule that never
matches shows what is left unbounded: dateutil's search for a date that never comes.
"""

from __future__ import annotations

import datetime as dt
import time

from widget_service import calendars

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
SERIES = [
    ("daily since the year 1", "DTSTART:00010101T090000Z", "FREQ=DAILY"),
    ("daily since 1900, Berlin", "DTSTART;TZID=Europe/Berlin:19000101T180000", "FREQ=DAILY"),
    ("weekly since 1900, two days", "DTSTART:19000102T180000Z", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("monthly on the 31st since 1", "DTSTART;VALUE=DATE:00010131", "FREQ=MONTHLY"),
    ("daily COUNT since the year 1", "DTSTART:00010101T090000Z", "FREQ=DAILY;COUNT=2000000"),
    (
        "monthly, 10th Monday (never)",
        "DTSTART:20260105T090000Z",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=10",
    ),
    (
        "yearly, 30 February (never)",
        "DTSTART:20260105T090000Z",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    ),
]


def _calendar(start: str, rule: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//DE\r\nBEGIN:VEVENT\r\nUID:b\r\n"
        f"{start}\r\nRRULE:{rule}\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def main() -> None:
    print(f"budget {calendars.EXPANSION_SECONDS:g} s per calendar")
    print(f"{'series':32} {'wall s':>8} {'cpu s':>8} {'events':>7}")
    for name, start, rule in SERIES:
        body = _calendar(start, rule)
        wall, cpu = time.perf_counter(), time.process_time()
        found = calendars.read_calendar_events(body, now=NOW)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{name:32} {wall:8.3f} {cpu:8.3f} {len(found.events):7}")


if __name__ == "__main__":
    main()
