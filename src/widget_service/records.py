"""The import format of ``CONTRACT.md``: reading files and checking records, without a database.

Each problem names its place as ``projects[3].starts: not an ISO 8601 date-time`` and,
where the record came from a file, its line. Checking collects every problem of a file
before anything is written, so one run tells the editor all that is wrong.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import json.decoder
import json.scanner
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .record_schema import (
    SECTIONS,
    Invalid,
    Problem,
    check_import_record,
    keys,
    record_fields,
    required_new,
)
from .text import slugify
from .timeutil import today

__all__ = ["SECTIONS", "Invalid", "Problem"]

Checker = Callable[[Any], Any]


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

    # JSONObject, JSONArray, parse_object, parse_array and py_make_scanner are the json
    # module's documented-in-source hooks; typeshed does not list them
    def parse_object(state: tuple[str, int], *args: Any) -> tuple[dict[str, Any], int]:
        _, start = state
        strict, scan_once, *rest = args
        obj, end = json.decoder.JSONObject(state, strict, _guarded(scan_once), *rest)  # type: ignore[attr-defined]
        located = Located(obj)
        located.line = bisect.bisect_left(newlines, start) + 1
        return located, end

    def parse_array(state: tuple[str, int], scan_once: Any) -> tuple[list[Any], int]:
        found: tuple[list[Any], int] = json.decoder.JSONArray(state, _guarded(scan_once))  # type: ignore[attr-defined]
        return found

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.parse_array = parse_array  # type: ignore[attr-defined]
    # the C scanner ignores these hooks; the pure-Python one honours them
    decoder.scan_once = _guarded(json.scanner.py_make_scanner(decoder))  # type: ignore[attr-defined]
    try:
        data = decoder.decode(text)
    except _TooManyDigits as error:
        raise ImportFileError(f"line {error.lineno}, column {error.colno}: {error.msg}") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        ) from None
    except RecursionError:
        raise ImportFileError("the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise ImportFileError("line 1: the file must hold one JSON object")
    return data


class _TooManyDigits(json.JSONDecodeError):
    """A whole number too long for Python to read (``sys.get_int_max_str_digits``)."""


def _guarded(scan_once: Any) -> Any:
    """``scan_once`` that names the place of a number too long to read.

    ``int()`` refuses numbers of more than 4,300 digits (a guard against slow conversions)
    with a bare ``ValueError`` that would say neither line nor column.
    """

    def scan(string: str, index: int) -> Any:
        try:
            return scan_once(string, index)
        except json.JSONDecodeError:
            raise
        except ValueError:
            limit = sys.get_int_max_str_digits()
            message = f"a number with more than {limit} digits cannot be read"
            raise _TooManyDigits(message, string, index) from None

    return scan


def decode_utf8(raw: bytes) -> str:
    """Text from UTF-8 bytes with or without a byte-order mark, or a clear error."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"line {line}: the file is not UTF-8 (in a spreadsheet, save as 'CSV UTF-8')"
        ) from None


# --- checking records ---------------------------------------------------------------------


# what each section accepts: key → a function that checks one value (raising Invalid);
# made from the record schemas, where each field is declared
SCHEMAS: dict[str, dict[str, Checker]] = {
    section: {name: field.check for name, field in record_fields(section).items()}
    for section in SECTIONS
}
# keys that identify a record; they must always be present
KEYS: dict[str, tuple[str, ...]] = {section: keys(section) for section in SECTIONS}
# further keys a record needs when it does not exist yet
REQUIRED_NEW: dict[str, tuple[str, ...]] = {section: required_new(section) for section in SECTIONS}


@dataclass
class Record:
    """One checked record: the values that were given, by model attribute (absent keys are
    not in ``values``)."""

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
        problems.add(where, Problem("object"), line)
        return None
    checked = check_import_record(section, raw)
    for error in checked.errors:
        place = f"{where}.{error.field}" if error.path else where
        problems.add(place, error.problem, _line_at(raw, error.path) or line)
    return None if checked.errors else Record(section, index, line, checked.values)


def _line_at(raw: Any, path: tuple[str | int, ...]) -> int | None:
    """The line of the innermost object on ``path`` (an action field's own line)."""
    line = None
    node = raw
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = _line_of(node) or line
    return line


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
# the longest cell read (the csv module's default limit): no column holds more
MAX_CELL = 131_072
_GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def read_partner_csv(raw: bytes, alliance: str | None = None) -> dict[str, Any]:
    """Turn a spreadsheet's partner list into an import document (partners, memberships).

    Semicolon or comma separated, UTF-8 with or without BOM, German or English headers;
    German dates (07.10.2020) are read too. Problems raise :class:`ImportFileError` naming
    the line and column.
    """
    content = decode_utf8(raw)
    # the csv module's own limit fails a long cell without naming its column: lift it
    # (for every reader of the process, which only ever makes it more lenient) and name
    # the column of a cell that is too long below
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
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
    names = {position: key for key, position in columns.items()}
    problems = Problems()
    partners: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            too_long = [position for position, cell in enumerate(row) if len(cell) > MAX_CELL]
            for position in too_long:
                column = names.get(position)
                if column is None:
                    title = header[position].strip() if position < len(header) else ""
                    column = f"column {title or position + 1!r}"
                problems.add(
                    column, f"the cell holds more than {MAX_CELL} characters", reader.line_num
                )
            if too_long:
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
