"""Time helpers: everything is stored in UTC and shown in Europe/Berlin."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(UTC)


def today() -> dt.date:
    """Today's date in Berlin, which is what "current" means for calls and memberships."""
    return dt.datetime.now(BERLIN).date()


def local(moment: dt.datetime, zone: str | None = None) -> dt.datetime:
    """``moment`` in the given time zone (Berlin by default)."""
    return moment.astimezone(ZoneInfo(zone) if zone else BERLIN)


class OutOfRange(ValueError):
    """A date-time too close to year 1 or 9999 to be written in UTC."""


def parse_datetime(value: str, default_zone: str | None = None) -> dt.datetime:
    """Parse an ISO 8601 date-time; a value without offset is read in Berlin time.

    Raises ``ValueError`` for anything else.
    """
    text = value.strip()
    if len(text) < 16 or ("T" not in text.upper() and " " not in text):
        raise ValueError(value)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_zone) if default_zone else BERLIN)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise OutOfRange(value) from None


def parse_date(value: str) -> dt.date:
    """Parse an ISO 8601 calendar date (``2020-10-07``); raises ``ValueError`` otherwise."""
    text = value.strip()
    if len(text) != 10:
        raise ValueError(value)
    return dt.date.fromisoformat(text)


class DeadlinePassed(Exception):
    """Work that had to be done by a :class:`Deadline` was not."""


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock by which some work must be done.

    ``seconds`` is the time that was granted, for messages; ``at`` the moment itself
    (``time.monotonic()``), so that several steps of one piece of work (a source's
    download, parsing and expansion) share one limit.
    """

    seconds: float
    at: float

    @classmethod
    def within(cls, seconds: float, start: float | None = None) -> Deadline:
        """The deadline ``seconds`` after ``start`` (a ``time.monotonic()`` value; now if None)."""
        return cls(seconds, (time.monotonic() if start is None else start) + seconds)

    def passed(self) -> bool:
        """True once the moment has come."""
        return time.monotonic() >= self.at

    def check(self) -> None:
        """Raise :class:`DeadlinePassed` once the moment has come."""
        if self.passed():
            raise DeadlinePassed(f"not done within {self.seconds:g} s")
