"""The import format of ``CONTRACT.md``: reading files and checking records, without a database.

Each problem names its place as ``projects[3].starts: not an ISO 8601 date-time`` and,
where the record came from a file, its line. Checking collects every problem of a file
before anything is written, so one run tells the editor all that is wrong.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import json
import json.decoder
import json.scanner
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from .models import EVENT_STATUSES, PROJECT_STATUSES, PartnerKind, SourceKind
from .sanitize import clean_html
from .text import is_hex_color, is_http_url, is_slug, slugify, without_control
from .timeutil import OutOfRange, parse_date, parse_datetime, today

SECTIONS = ("alliances", "partners", "memberships", "projects", "events", "calls", "sources")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_AGS = re.compile(r"[0-9]{8}")


class Located(dict[str, Any]):
    """A JSON object that remembers the line it starts on."""

    line: int = 0


@dataclass
class Problems:
    """The problems found so far, each with its place in the input."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str, line: int | None = None) -> None:
        prefix = f"line {line}: " if line else ""
        self.items.append(f"{prefix}{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)


class ImportFileError(ValueError):
    """The file cannot be read at all (not JSON, not UTF-8, not a CSV of partners)."""


# --- reading files ------------------------------------------------------------------------


def load_json(text: str) -> dict[str, Any]:
    """Parse the import JSON, remembering each object's line; raise :class:`ImportFileError`."""
    newlines = [index for index, char in enumerate(text) if char == "\n"]

    def parse_object(state: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        _, start = state
        # JSONObject, parse_object and py_make_scanner are the json module's documented-in-
        # source hooks; typeshed does not list them
        obj, end = json.decoder.JSONObject(state, *args)  # type: ignore[attr-defined]
        located = Located(obj)
        located.line = bisect.bisect_left(newlines, start) + 1
        return located, end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    # the C scanner ignores parse_object; the pure-Python one honours it
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        ) from None
    except RecursionError:
        raise ImportFileError("the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise ImportFileError("line 1: the file must hold one JSON object")
    return data


def decode_utf8(raw: bytes) -> str:
    """Text from UTF-8 bytes with or without a byte-order mark, or a clear error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"line {line}: the file is not UTF-8 (in a spreadsheet, save as 'CSV UTF-8')"
        ) from None


# --- checking values ----------------------------------------------------------------------


Checker = Callable[[Any], Any]


class Invalid(ValueError):
    """One value is unusable; the message says what it should be."""


def text(max_length: int, *, required: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None:
            if required:
                raise Invalid("must not be empty")
            return None
        if not isinstance(value, str):
            raise Invalid("must be text")
        cleaned = without_control(unicodedata.normalize("NFC", value)).strip()
        if required and not cleaned:
            raise Invalid("must not be empty")
        if len(cleaned) > max_length:
            raise Invalid(f"is longer than {max_length} characters")
        return cleaned

    return check


def long_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("must be text")
    return without_control(unicodedata.normalize("NFC", value)).strip()


def html(value: Any) -> str | None:
    checked = long_text(value)
    return None if checked is None else clean_html(checked)


def slug(value: Any) -> str:
    if not isinstance(value, str) or not is_slug(value):
        raise Invalid("must be a slug: lower-case letters, digits and single hyphens, at most 80")
    return value


def optional_slug(value: Any) -> str | None:
    return None if value is None else slug(value)


def web_address(max_length: int) -> Callable[[Any], str | None]:
    """An absolute http or https address of at most ``max_length`` characters."""

    def check(value: Any) -> str | None:
        checked = text(max_length)(value)
        if not checked:
            return None
        if not is_http_url(checked):
            raise Invalid("must be an absolute http or https address")
        return checked

    return check


url = web_address(1000)
short_url = web_address(500)  # an alliance's or partner's website and logo


def email(value: Any) -> str | None:
    checked = text(254)(value)
    if not checked:
        return None
    if not _EMAIL.fullmatch(checked):
        raise Invalid("is not an e-mail address")
    return checked


def color(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not is_hex_color(value):
        raise Invalid("must be a colour like #c00000")
    return value.lower()


def ags(value: Any) -> str | None:
    checked = text(8)(value)
    if not checked:
        return None
    if not _AGS.fullmatch(checked):
        raise Invalid("must be the 8-digit Amtlicher Gemeindeschlüssel")
    return checked


def date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("not an ISO 8601 date (2020-10-07)")
    try:
        parsed = parse_date(value)
    except ValueError:
        raise Invalid("not an ISO 8601 date (2020-10-07)") from None
    _plausible_year(parsed.year)
    return parsed


def datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("not an ISO 8601 date-time")
    try:
        parsed = parse_datetime(value)
    except OutOfRange:
        raise Invalid(f"must be in the years {YEARS[0]} to {YEARS[1]}") from None
    except ValueError:
        raise Invalid("not an ISO 8601 date-time") from None
    _plausible_year(parsed.year)
    return parsed


# far enough for any record of an alliance; beyond, feeds and calendars cannot write the time
YEARS = (1900, 9998)


def _plausible_year(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise Invalid(f"must be in the years {YEARS[0]} to {YEARS[1]}")


def required(checker: Checker) -> Checker:
    """The same check, but null is not allowed."""

    def check(value: Any) -> Any:
        if value is None:
            raise Invalid("must not be empty")
        return checker(value)

    return check


def one_of(options: Iterable[str]) -> Checker:
    allowed = tuple(options)

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if value not in allowed:
            raise Invalid("must be one of " + ", ".join(allowed))
        return str(value)

    return check


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(value: Any) -> str | None:
    """An IANA time zone such as ``Europe/Berlin``."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in _zones():
        raise Invalid("must be a time zone such as Europe/Berlin")
    return value


def boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise Invalid("must be true or false")


def positive_int(low: int, high: int) -> Checker:
    def check(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"must be a whole number from {low} to {high}")
        return value

    return check


def slug_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise Invalid("must be a list of slugs")
    return [slug(item) for item in value]


def labels(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = {"de": value}
    if not isinstance(value, dict) or not isinstance(value.get("de"), str):
        raise Invalid('must be {"de": "…", "en": "…"} with at least the German label')
    german = text(200, required=True)(value["de"]) or ""
    english = text(200)(value.get("en")) or german
    return {"de": german, "en": english}


# --- records ------------------------------------------------------------------------------


# what each section accepts: key → checker; keys marked required must be there for a new record
SCHEMAS: dict[str, dict[str, Checker]] = {
    "alliances": {
        "slug": slug,
        "name": text(200, required=True),
        "description": long_text,
        "website": short_url,
        "logo": short_url,
        "color": color,
        "contact_email": email,
        "fields": lambda value: value,  # checked item by item in check_fields
    },
    "partners": {
        "slug": slug,
        "name": text(200, required=True),
        "kind": required(one_of(PartnerKind)),
        "place": text(200),
        "region": text(200),
        "ags": ags,
        "website": short_url,
        "logo": short_url,
        "description": long_text,
    },
    "memberships": {
        "alliance": slug,
        "partner": slug,
        "since": required(date),
        "until": date,
        "resolution": text(500),
        "public": boolean,
    },
    "projects": {
        "alliance": slug,
        "slug": slug,
        "title": text(300, required=True),
        "summary": long_text,
        "body": html,
        "fields": slug_list,
        "partner": optional_slug,
        "place": text(200),
        "region": text(200),
        "link": url,
        "image": url,
        "video": url,
        "status": required(one_of(PROJECT_STATUSES)),
        "published": datetime,
    },
    "events": {
        "alliance": slug,
        "slug": slug,
        "title": text(300, required=True),
        "description": html,
        "starts": required(datetime),
        "ends": datetime,
        "timezone": zone,
        "location": text(300),
        "online": url,
        "partner": optional_slug,
        "fields": slug_list,
        "place": text(200),
        "region": text(200),
        "link": url,
        "image": url,
        "status": required(one_of(EVENT_STATUSES)),
        "published": datetime,
    },
    "calls": {
        "alliance": slug,
        "slug": slug,
        "title": text(200, required=True),
        "tagline": text(300),
        "text": long_text,
        "button": text(100),
        "link": url,
        "starts": required(date),
        "ends": date,
        "background": color,
        "foreground": color,
    },
    "sources": {
        "alliance": slug,
        "partner": optional_slug,
        "url": url,
        "kind": one_of(SourceKind),
        "title": text(300),
        "interval_minutes": positive_int(5, 7 * 24 * 60),
        "active": boolean,
    },
}

# keys that identify a record; they must always be present
KEYS: dict[str, tuple[str, ...]] = {
    "alliances": ("slug",),
    "partners": ("slug",),
    "memberships": ("alliance", "partner"),
    "projects": ("alliance", "slug"),
    "events": ("alliance", "slug"),
    "calls": ("alliance", "slug"),
    "sources": ("alliance", "kind", "url"),
}

# further keys a record needs when it does not exist yet
REQUIRED_NEW: dict[str, tuple[str, ...]] = {
    "alliances": ("name",),
    "partners": ("name", "kind"),
    "memberships": ("since",),
    "projects": ("title",),
    "events": ("title", "starts"),
    "calls": ("title",),
    "sources": (),
}


@dataclass
class Record:
    """One checked record: the values that were given (absent keys are not in ``values``)."""

    section: str
    index: int
    line: int | None
    values: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.section}[{self.index}]"

    def key(self) -> tuple[Any, ...]:
        return tuple(self.values[name] for name in KEYS[self.section])


def check_document(data: Mapping[str, Any], problems: Problems) -> list[Record]:
    """Check every record of an import document; add what is wrong to ``problems``."""
    records: list[Record] = []
    for name in data:
        if name not in SECTIONS:
            problems.add(name, "unknown section; expected one of " + ", ".join(SECTIONS), 1)
    for section in SECTIONS:
        items = data.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(section, "must be a list of objects", _line_of(items))
            continue
        for index, raw in enumerate(items):
            record = check_record(section, index, raw, problems)
            if record is not None:
                records.append(record)
    _check_duplicates(records, problems)
    return records


def _line_of(value: Any) -> int | None:
    return value.line if isinstance(value, Located) else None


def check_record(section: str, index: int, raw: Any, problems: Problems) -> Record | None:
    """Check one record against its section's schema."""
    where = f"{section}[{index}]"
    line = _line_of(raw)
    if not isinstance(raw, dict):
        problems.add(where, "must be an object", line)
        return None
    schema = SCHEMAS[section]
    values: dict[str, Any] = {}
    failed: set[str] = set()
    for name, value in raw.items():
        checker = schema.get(name)
        if checker is None:
            problems.add(f"{where}.{name}", "unknown field", line)
            failed.add(name)
            continue
        try:
            values[name] = checker(value)
        except Invalid as error:
            problems.add(f"{where}.{name}", str(error), line)
            failed.add(name)
    for name in KEYS[section]:
        if values.get(name) is None and name not in failed:
            problems.add(f"{where}.{name}", "is required", line)
            failed.add(name)
    if section == "alliances" and "fields" in raw:
        values["fields"] = check_fields(where, raw["fields"], problems, line)
        if values["fields"] is None:
            failed.add("fields")
    if not _check_ranges(section, where, values, problems, line):
        failed.add("range")
    return None if failed else Record(section, index, line, values)


def check_fields(
    where: str, raw: Any, problems: Problems, line: int | None
) -> list[dict[str, Any]] | None:
    """Check an alliance's action fields: ``[{"slug": …, "label": {"de": …, "en": …}}]``."""
    if not isinstance(raw, list):
        problems.add(f"{where}.fields", "must be a list", line)
        return None
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(raw):
        place = f"{where}.fields[{position}]"
        item_line = _line_of(item) or line
        if not isinstance(item, dict):
            problems.add(place, "must be an object", item_line)
            return None
        unknown = set(item) - {"slug", "label"}
        if unknown:
            problems.add(f"{place}.{sorted(unknown)[0]}", "unknown field", item_line)
            return None
        try:
            field_slug = slug(item.get("slug"))
        except Invalid as error:
            problems.add(f"{place}.slug", str(error), item_line)
            return None
        try:
            label = labels(item.get("label"))
        except Invalid as error:
            problems.add(f"{place}.label", str(error), item_line)
            return None
        if field_slug in seen:
            problems.add(f"{place}.slug", f"{field_slug!r} appears twice", item_line)
            return None
        seen.add(field_slug)
        fields.append({"slug": field_slug, "label": label, "position": position})
    return fields


def _check_ranges(
    section: str, where: str, values: dict[str, Any], problems: Problems, line: int | None
) -> bool:
    pairs = {
        "memberships": ("since", "until"),
        "events": ("starts", "ends"),
        "calls": ("starts", "ends"),
    }
    if section not in pairs:
        return True
    first, last = pairs[section]
    start, end = values.get(first), values.get(last)
    if start is not None and end is not None and end < start:
        problems.add(f"{where}.{last}", f"is before {first}", line)
        return False
    return True


def _check_duplicates(records: list[Record], problems: Problems) -> None:
    seen: dict[tuple[str, tuple[Any, ...]], Record] = {}
    for record in records:
        identity = (record.section, record.key())
        first = seen.get(identity)
        if first is not None:
            problems.add(record.where, f"the same record as {first.where}", record.line)
        else:
            seen[identity] = record


# --- partner lists from spreadsheets ------------------------------------------------------


# header aliases, German and English, as spreadsheets name their columns
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "slug": ("slug", "kennung", "kurzname"),
    "name": ("name", "partner", "bündnispartner", "organisation", "institution"),
    "kind": ("kind", "art", "typ", "type"),
    "place": ("place", "ort", "stadt", "gemeinde"),
    "region": ("region", "landkreis", "kreis"),
    "ags": ("ags", "gemeindeschlüssel", "amtlicher gemeindeschlüssel"),
    "website": ("website", "webseite", "internet", "homepage", "url"),
    "logo": ("logo",),
    "alliance": ("alliance", "bündnis"),
    "since": ("since", "mitglied seit", "seit", "beitritt"),
    "until": ("until", "bis", "austritt"),
    "resolution": ("resolution", "beschluss"),
}
# partner kinds as people write them in German lists
KIND_ALIASES: dict[str, str] = {
    "kommune": "municipality",
    "gemeinde": "municipality",
    "stadt": "municipality",
    "samtgemeinde": "municipality",
    "stadtverwaltung": "municipality",
    "landkreis": "district",
    "kreis": "district",
    "region": "district",
    "verein": "association",
    "verband": "association",
    "kirche": "church",
    "kirchengemeinde": "church",
    "gewerkschaft": "union",
    "unternehmen": "company",
    "firma": "company",
    "initiative": "initiative",
    "person": "person",
    "privatperson": "person",
}
_GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def read_partner_csv(raw: bytes, alliance: str | None = None) -> dict[str, Any]:
    """Turn a spreadsheet's partner list into an import document (partners, memberships).

    Semicolon or comma separated, UTF-8 with or without BOM, German or English headers;
    German dates (07.10.2020) are read too. Problems raise :class:`ImportFileError` naming
    the line and column.
    """
    content = decode_utf8(raw)
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFileError("line 1: the file is empty; expected a header row")
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        raise ImportFileError(f"line 1: {error}") from None
    columns = _map_columns(header)
    if "name" not in columns:
        raise ImportFileError("line 1: no column 'name' (or 'Name', 'Bündnispartner')")
    problems = Problems()
    partners: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            _read_row(reader.line_num, row, columns, alliance, partners, memberships, problems)
    except csv.Error as error:
        raise ImportFileError(f"line {reader.line_num}: {error}") from None
    if problems:
        raise ImportFileError("\n".join(problems.items))
    document: dict[str, Any] = {"partners": partners}
    if memberships:
        document["memberships"] = memberships
    return document


def _map_columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, title in enumerate(header):
        normal = title.strip().lower()
        for key, aliases in CSV_COLUMNS.items():
            if normal in aliases and key not in columns:
                columns[key] = position
    return columns


def _read_row(
    line: int,
    row: list[str],
    columns: dict[str, int],
    alliance: str | None,
    partners: list[dict[str, Any]],
    memberships: list[dict[str, Any]],
    problems: Problems,
) -> None:
    def cell(key: str) -> str | None:
        position = columns.get(key)
        if position is None or position >= len(row):
            return None
        return row[position].strip() or None

    name = cell("name")
    if not name:
        problems.add("name", "must not be empty", line)
        return
    partner = Located(slug=cell("slug") or slugify(name), name=name)
    partner.line = line
    kind = cell("kind")
    partner["kind"] = KIND_ALIASES.get(kind.lower(), kind.lower()) if kind else "association"
    for key in ("place", "region", "ags", "website", "logo"):
        value = cell(key)
        if value is not None:
            partner[key] = value
    partners.append(partner)
    member_of = cell("alliance") or alliance
    if member_of:
        membership = Located(alliance=member_of, partner=partner["slug"])
        membership.line = line
        for key in ("since", "until"):
            value = cell(key)
            if value is not None:
                membership[key] = _iso_date(value)
        membership.setdefault("since", today().isoformat())
        resolution = cell("resolution")
        if resolution:
            membership["resolution"] = resolution
        memberships.append(membership)


def _iso_date(value: str) -> str:
    german = _GERMAN_DATE.fullmatch(value)
    if german:
        day, month, year = german.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value
