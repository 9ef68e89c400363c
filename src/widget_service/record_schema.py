"""The records of the import format, each field declared once: the one module that imports
marshmallow.

One schema per section (alliances with their action fields, partners, memberships,
projects, events, calls, sources) says for every field: its name in the import format
and the API, the model attribute it is stored in (``attribute``, where the two differ:
``button`` → ``button_label``, ``published`` → ``published_at``), its type and length,
whether it identifies the record (``key``), is needed for a new record (``new``), may be
null, and its choices. Everything else reads these declarations:

- the import (``records.check_document``) loads and checks records with them;
- the importer (``operations``) stores the loaded values by :func:`columns`, and the export
  writes records with :func:`dump_records`;
- federation fits remote text into the same limits with :func:`fit_values`;
- the API and the office forms check one record with :func:`validate_record` and describe
  it with :func:`json_schema` and :func:`openapi_components`.

Every problem is a :class:`Problem`: an English message (``is longer than 300 characters``)
that keeps a stable ``code`` and its ``params``, so a form can show it beside its field in
another language (``MESSAGES`` holds the English templates).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, NoReturn, Self, TypeVar
from zoneinfo import available_timezones

import marshmallow as ma

from .models import (
    EVENT_STATUSES,
    PROJECT_STATUSES,
    Alliance,
    Call,
    Event,
    Membership,
    Partner,
    PartnerKind,
    Project,
    ProjectKind,
    Source,
    SourceKind,
)
from .sanitize import clean_html, shorten_html
from .text import (
    MAX_SLUG,
    RESERVED_SLUGS,
    is_hex_color,
    is_http_url,
    is_single_line,
    is_slug,
    shorten,
    without_control,
)
from .timeutil import BERLIN, OutOfRange, parse_date, parse_datetime

SECTIONS = ("alliances", "partners", "memberships", "projects", "events", "calls", "sources")

# limits of the longer texts (the columns bound the short ones); forms may ask for less
SUMMARY_LENGTH = 1_000  # a project's summary, plain text
DESCRIPTION_LENGTH = 5_000  # an alliance's or partner's description, a call's text
HTML_LENGTH = 50_000  # a project's body, an event's description: sanitised HTML
# far enough for any record of an alliance; beyond, feeds and calendars cannot write the time
YEARS = (1900, 9998)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_AGS = re.compile(r"[0-9]{8}")

# --- problems -----------------------------------------------------------------------------

#: English templates of every problem, by code; ``params`` fill them in
MESSAGES: dict[str, str] = {
    "required": "is required",
    "required_new": "is required for a new record",
    "empty": "must not be empty",
    "object": "must be an object",
    "text": "must be text",
    "too_long": "is longer than {limit} characters",
    "too_long_html": "is longer than {limit} characters even before its HTML is cleaned",
    "single_line": "must be a single line, without line breaks or control characters",
    "slug": f"must be a slug: lower-case letters, digits and single hyphens, at most {MAX_SLUG}",
    "reserved": "{value!r} is reserved: in addresses it means every alliance",
    "slugs": "must be a list of slugs",
    "list": "must be a list",
    "url": "must be an absolute http or https address",
    "email": "is not an e-mail address",
    "color": "must be a colour like #c00000",
    "ags": "must be the 8-digit Amtlicher Gemeindeschlüssel",
    "date": "not an ISO 8601 date (2020-10-07)",
    "datetime": "not an ISO 8601 date-time",
    "years": "must be in the years {first} to {last}",
    "choice": "must be one of {options}",
    "zone": "must be a time zone such as Europe/Berlin",
    "boolean": "must be true or false",
    "whole_number": "must be a whole number from {low} to {high}",
    "labels": 'must be {{"de": "…", "en": "…"}} with at least the German label',
    "unknown": "unknown field",
    "twice": "{value!r} appears twice",
    "before": "is before {other}",
    "no_record": "no {kind} {slug!r}",
    "no_action_field": "{alliance!r} has no action field {slug!r}",
    "federated": "belongs to an item federated from a source",
    "invalid": "is not valid",
    "taken": "is taken by another record",
}


class Problem(str):
    """A problem with one value: its English message, with a stable code and parameters."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Self:
        problem = super().__new__(cls, MESSAGES[code].format(**params))
        problem.code = code
        problem.params = params
        return problem


class Invalid(ValueError):
    """One value is unusable; ``problem`` says what it should be."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem = problem


Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    """A problem and where it is in a record: ``("starts",)``, ``("fields", 1, "slug")``, or
    ``()`` for the whole record."""

    path: Path
    problem: Problem

    @property
    def field(self) -> str:
        """The path as ``starts`` or ``fields[1].slug`` (empty for the whole record)."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def as_json(self) -> dict[str, Any]:
        """``{"field", "message", "code", "params"}``, as the API answers it."""
        return {
            "field": self.field,
            "message": str(self.problem),
            "code": self.problem.code,
            "params": self.problem.params,
        }


def _fail(code: str, **params: Any) -> NoReturn:
    raise ma.ValidationError(Problem(code, **params))


# --- field types --------------------------------------------------------------------------

T = TypeVar("T")


class RecordField(ma.fields.Field[T]):
    """A field of a record.

    ``key``: identifies the record, so it is always needed and never null. ``new``: needed
    for a new record (an update may leave it out). ``null``: null is allowed (for an
    update: back to the column's default). ``attribute``: the model attribute, where it is
    not the field's name. ``export_null``: the export writes it even when it is null.
    """

    #: False for fields that name other records; the importer resolves those itself
    column: ClassVar[bool] = True

    def __init__(
        self,
        *,
        key: bool = False,
        new: bool = False,
        null: bool = True,
        attribute: str | None = None,
        data_key: str | None = None,
        export_null: bool = False,
        description: str = "",
    ) -> None:
        super().__init__(
            required=key or new,
            allow_none=null and not key,
            attribute=attribute,
            data_key=data_key,
            metadata={"description": description},
        )
        self.key = key
        self.new = new
        self.export_null = export_null
        self.description = description

    def make_error(self, key: str, **kwargs: Any) -> ma.ValidationError:
        # marshmallow's own checks ("required", "null") speak in our problems too
        return ma.ValidationError(Problem("empty" if key == "null" else key, **kwargs))

    def check(self, value: Any) -> Any:
        """The checked value; raise :class:`Invalid` with the first problem."""
        try:
            return self.deserialize(value)
        except ma.ValidationError as error:
            raise Invalid(next(problem for _, problem in _flatten(error.messages, ()))) from None

    def value_schema(self) -> dict[str, Any]:
        """The JSON Schema of a value (not null)."""
        return {}

    def json_schema(self, nullable: str = "type") -> dict[str, Any]:
        """The field's JSON Schema; ``nullable`` is ``type`` (JSON Schema, OpenAPI 3.1) or
        ``nullable`` (OpenAPI 3.0)."""
        schema = self.value_schema()
        if self.allow_none:
            if "enum" in schema:
                schema = {**schema, "enum": [*schema["enum"], None]}
            if nullable == "nullable":
                schema = {**schema, "nullable": True}
            elif "type" in schema:
                schema = {**schema, "type": [schema["type"], "null"]}
            else:
                schema = {"anyOf": [schema, {"type": "null"}]}
        if self.description:
            schema = {"description": self.description, **schema}
        return schema


def _text(value: Any) -> str:
    if not isinstance(value, str):
        _fail("text")
    return unicodedata.normalize("NFC", value).strip()


# no control character, no line break (JSON Schema patterns are ECMA-262 regular expressions)
_ONE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"


class _OneLine(RecordField[T]):
    """The base of single-line fields: at most ``max_length`` characters; ``nonempty``
    also refuses null."""

    def __init__(self, max_length: int, *, nonempty: bool = False, **options: Any) -> None:
        if nonempty:
            options["null"] = False
        super().__init__(**options)
        self.max_length = max_length
        self.nonempty = nonempty

    def _line(self, value: Any) -> str:
        line = _text(value)
        if not is_single_line(line):
            _fail("single_line")
        line = without_control(line)  # lone surrogates, which no database stores
        if self.nonempty and not line:
            _fail("empty")
        if len(line) > self.max_length:
            _fail("too_long", limit=self.max_length)
        return line

    def value_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "string",
            "maxLength": self.max_length,
            "pattern": _ONE_LINE_PATTERN,
        }
        if self.nonempty:
            schema["minLength"] = 1
        return schema


class Line(_OneLine[str]):
    """One line of plain text (a name, a title, a place): no line breaks, no control
    characters."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return self._line(value)


class _Formatted(_OneLine[str | None]):
    """A single line in a format of its own (``accepts``); empty is null."""

    #: the code of the problem when the value is not in the format
    problem: ClassVar[str]

    def accepts(self, line: str) -> bool:
        """True when ``line`` is in the field's format."""
        raise NotImplementedError

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        line = self._line(value)
        if not line:
            if self.key:
                _fail("empty")
            return None
        if not self.accepts(line):
            _fail(self.problem)
        return line


class WebAddress(_Formatted):
    """An absolute http or https address; empty is null."""

    problem = "url"

    def accepts(self, line: str) -> bool:
        return is_http_url(line)

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "format": "uri",
            "pattern": "^[hH][tT][tT][pP][sS]?://\\S+$",
            "maxLength": self.max_length,
        }


class Email(_Formatted):
    """An e-mail address; empty is null."""

    problem = "email"

    def __init__(self, **options: Any) -> None:
        super().__init__(254, **options)

    def accepts(self, line: str) -> bool:
        return _EMAIL.fullmatch(line) is not None

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email", "maxLength": self.max_length}


class Ags(_Formatted):
    """The 8-digit Amtlicher Gemeindeschlüssel; empty is null."""

    problem = "ags"

    def __init__(self, **options: Any) -> None:
        super().__init__(8, **options)

    def accepts(self, line: str) -> bool:
        return _AGS.fullmatch(line) is not None

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[0-9]{8}$"}


class Text(RecordField[str]):
    """Plain text of several lines; control characters other than line breaks and tabs
    are dropped."""

    def __init__(self, max_length: int, **options: Any) -> None:
        super().__init__(**options)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = without_control(_text(value))
        if len(text) > self.max_length:
            _fail("too_long", limit=self.max_length)
        return text

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}


class Html(Text):
    """An HTML fragment, sanitised on the way in; ``max_length`` bounds the clean HTML."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        # sanitising takes seconds for long texts: what cannot fit even when half of it is
        # markup that goes is refused unread
        if isinstance(value, str) and len(value) > 2 * self.max_length:
            _fail("too_long_html", limit=2 * self.max_length)
        return super()._deserialize(clean_html(without_control(_text(value))), attr, data)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length, "contentMediaType": "text/html"}


_SLUG_SCHEMA = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": MAX_SLUG}


class Slug(RecordField[str]):
    """A slug: ``[a-z0-9]+(-[a-z0-9]+)*``, at most 80 characters; ``reserved`` refuses the
    slugs with a meaning in addresses (``all``), for the records that are named by them."""

    def __init__(self, *, reserved: bool = False, **options: Any) -> None:
        super().__init__(**options)
        self.reserved = reserved

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not is_slug(value):
            _fail("slug")
        if self.reserved and value in RESERVED_SLUGS:
            _fail("reserved", value=value)
        return value

    def value_schema(self) -> dict[str, Any]:
        if self.reserved:
            return {**_SLUG_SCHEMA, "not": {"enum": sorted(RESERVED_SLUGS)}}
        return dict(_SLUG_SCHEMA)


class Reference(Slug):
    """The slug of a record of another section (an alliance, a partner); the model holds
    the record itself."""

    column = False

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value.slug)

    def json_schema(self, nullable: str = "type") -> dict[str, Any]:
        return {"description": f"The {self.name}'s slug.", **super().json_schema(nullable)}


class References(RecordField[list[str]]):
    """Slugs of the alliance's action fields; the model holds the fields themselves."""

    column = False

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list):
            _fail("slugs")
        if not all(isinstance(item, str) and is_slug(item) for item in value):
            _fail("slug")
        return list(value)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[str]:
        return [item.slug for item in value or ()]

    def value_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": dict(_SLUG_SCHEMA)}


class Color(RecordField[str]):
    """A colour as ``#rrggbb``, stored in lower case."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not is_hex_color(value):
            _fail("color")
        return value.lower()

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}


def _plausible(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        _fail("years", first=YEARS[0], last=YEARS[1])


class Date(RecordField[dt.date]):
    """A calendar date, ``2020-10-07``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if not isinstance(value, str):
            _fail("date")
        try:
            parsed = parse_date(value)
        except ValueError:
            _fail("date")
        _plausible(parsed.year)
        return parsed

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value.isoformat())

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


class DateTime(RecordField[dt.datetime]):
    """An ISO 8601 date-time; without an offset it is Berlin time. Written in Berlin time."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str):
            _fail("datetime")
        try:
            parsed = parse_datetime(value)
        except OutOfRange:
            _fail("years", first=YEARS[0], last=YEARS[1])
        except ValueError:
            _fail("datetime")
        _plausible(parsed.year)
        return parsed

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value.astimezone(BERLIN).isoformat())

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}


class Choice(RecordField[enum.Enum]):
    """One of the values of an enumeration (stored as the enumeration's member)."""

    def __init__(self, choices: Sequence[enum.Enum], **options: Any) -> None:
        super().__init__(**options)
        self.choices = tuple(choices)
        self.values = tuple(str(choice.value) for choice in self.choices)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> enum.Enum:
        if not isinstance(value, str) or value not in self.values:
            _fail("choice", options=", ".join(self.values))
        return self.choices[self.values.index(value)]

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value.value)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


class Zone(RecordField[str]):
    """An IANA time zone such as ``Europe/Berlin``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or value not in _zones():
            _fail("zone")
        return value

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": 64, "examples": ["Europe/Berlin"]}


class Boolean(RecordField[bool]):
    """``true`` or ``false``, nothing that merely looks like one."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            _fail("boolean")
        return value

    def value_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class WholeNumber(RecordField[int]):
    """A whole number from ``low`` to ``high``."""

    def __init__(self, low: int, high: int, **options: Any) -> None:
        super().__init__(**options)
        self.low, self.high = low, high

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail("whole_number", low=self.low, high=self.high)
        if not self.low <= value <= self.high:
            _fail("whole_number", low=self.low, high=self.high)
        return value

    def value_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


_LABEL = Line(200, nonempty=True)
_ENGLISH_LABEL = Line(200)


class ActionFields(RecordField[list[dict[str, Any]]]):
    """An alliance's action fields: ``[{"slug": …, "label": {"de": …, "en": …}}]``; the
    English label defaults to the German one, and the order is kept as ``position``."""

    column = False
    _SLUG = Slug(key=True)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            _fail("list")
        problems: dict[int, Any] = {}
        fields: list[dict[str, Any]] = []
        seen: set[str] = set()
        for position, item in enumerate(value):
            if not isinstance(item, dict):
                problems[position] = [Problem("object")]
                continue
            found: dict[str, list[Problem]] = {
                name: [Problem("unknown")] for name in item if name not in ("slug", "label")
            }
            slug = label = None
            try:
                slug = self._SLUG.check(item["slug"])
            except KeyError:
                found["slug"] = [Problem("required")]
            except Invalid as error:
                found["slug"] = [error.problem]
            try:
                label = _labels(item.get("label"))
            except Invalid as error:
                found["label"] = [error.problem]
            if slug is not None and slug in seen:
                found["slug"] = [Problem("twice", value=slug)]
            if found:
                problems[position] = found
                continue
            seen.add(str(slug))
            fields.append({"slug": slug, "label": label, "position": position})
        if problems:
            raise ma.ValidationError(problems)
        return fields

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return [
            {"slug": field.slug, "label": {"de": field.label_de, "en": field.label_en}}
            for field in value or ()
        ]

    def value_schema(self) -> dict[str, Any]:
        label = {
            "type": "object",
            "required": ["de"],
            "properties": {"de": _LABEL.json_schema(), "en": _ENGLISH_LABEL.json_schema()},
        }
        return {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "label"],
                "additionalProperties": False,
                "properties": {
                    "slug": dict(_SLUG_SCHEMA),
                    "label": {"anyOf": [_LABEL.value_schema(), label]},
                },
            },
        }


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = {"de": value}
    if not isinstance(value, dict) or not isinstance(value.get("de"), str):
        raise Invalid(Problem("labels"))
    german = _LABEL.check(value["de"])
    english = _ENGLISH_LABEL.check(value.get("en")) or german
    return {"de": german, "en": english}


# --- the sections -------------------------------------------------------------------------


class RecordSchema(ma.Schema):
    """What the sections share: an unknown key is a problem, a range (``RANGE``) must not
    end before it starts, and the export leaves out what is empty."""

    error_messages = {  # noqa: RUF012 (marshmallow's own, an instance may override it)
        "unknown": Problem("unknown"),
        "type": Problem("object"),
    }
    #: the fields of a range: the second must not be before the first
    RANGE: ClassVar[tuple[str, str] | None] = None
    #: what a record is, for the JSON Schema's description
    DESCRIPTION: ClassVar[str] = ""
    #: the model a record is stored as
    MODEL: ClassVar[type[Any]]

    class Meta:
        unknown = ma.RAISE

    @ma.validates_schema(skip_on_field_errors=False)
    def _range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if self.RANGE is None:
            return
        first, last = self.RANGE
        start, end = data.get(first), data.get(last)
        if start is not None and end is not None and end < start:
            raise ma.ValidationError(Problem("before", other=first), field_name=last)

    @ma.post_dump
    def _without_empty(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        keep = {name for name, field in _fields(self).items() if field.export_null}
        return {
            name: value
            for name, value in data.items()
            if name in keep or value not in (None, "", [])
        }


class Alliances(RecordSchema):
    DESCRIPTION = "A Bündnis and its action fields (Handlungsfelder)."
    MODEL = Alliance

    slug = Slug(key=True, reserved=True)
    name = Line(200, new=True, nonempty=True)
    description = Text(DESCRIPTION_LENGTH)
    website = WebAddress(500)
    logo = WebAddress(500)
    color = Color(description="The alliance's colour, #rrggbb.")
    contact_email = Email()
    action_fields = ActionFields(data_key="fields", attribute="fields")
    archived = Date(
        attribute="archived_on",
        description="The day the office archived it (shown nowhere public); null while in use.",
    )


class Partners(RecordSchema):
    DESCRIPTION = "A Bündnispartner: a municipality, district, association, church, …"
    MODEL = Partner

    slug = Slug(key=True, reserved=True)
    name = Line(200, new=True, nonempty=True)
    kind = Choice(tuple(PartnerKind), new=True, null=False)
    place = Line(200)
    region = Line(200, description='For example "Landkreis Peine".')
    ags = Ags(description="The 8-digit Amtlicher Gemeindeschlüssel.")
    website = WebAddress(500)
    logo = WebAddress(500)
    description = Text(DESCRIPTION_LENGTH)
    archived = Date(
        attribute="archived_on",
        description="The day the office archived it (shown nowhere public); null while in use.",
    )


class Memberships(RecordSchema):
    DESCRIPTION = "A partner's membership of an alliance, active from since to until."
    MODEL = Membership
    RANGE = ("since", "until")

    alliance = Reference(key=True)
    partner = Reference(key=True)
    since = Date(new=True, null=False)
    until = Date(export_null=True, description="The day it ended; null while it lasts.")
    resolution = Line(500, description="The decision to join, e.g. of the council.")
    public = Boolean()


EXTERNAL_ID = "The partner's own identifier: a repeated post with it updates the record."


class Projects(RecordSchema):
    DESCRIPTION = "A project, initiative or success story of an alliance."
    MODEL = Project

    alliance = Reference(key=True)
    slug = Slug(key=True, reserved=True)
    title = Line(300, new=True, nonempty=True)
    summary = Text(SUMMARY_LENGTH, description="Plain text.")
    body = Html(HTML_LENGTH, description="HTML, sanitised on the way in.")
    field_slugs = References(data_key="fields", attribute="fields")
    partner = Reference()
    place = Line(200)
    region = Line(200)
    link = WebAddress(1000)
    image = WebAddress(1000, description="A JPEG, PNG, WebP or GIF picture.")
    video = WebAddress(1000, description="A video of a story (YouTube, Vimeo, PeerTube …).")
    kind = Choice(tuple(ProjectKind), null=False, description="A project or a story.")
    status = Choice(PROJECT_STATUSES, null=False)
    published = DateTime(attribute="published_at")
    external_id = Line(200, description=EXTERNAL_ID)


class Events(RecordSchema):
    DESCRIPTION = "A conference, talk, discussion or meeting of an alliance."
    MODEL = Event
    RANGE = ("starts", "ends")

    alliance = Reference(key=True)
    slug = Slug(key=True, reserved=True)
    title = Line(300, new=True, nonempty=True)
    description = Html(HTML_LENGTH, description="HTML, sanitised on the way in.")
    starts = DateTime(new=True, null=False)
    ends = DateTime()
    timezone = Zone(description="The organiser's time zone (default Europe/Berlin).")
    location = Line(300)
    online = WebAddress(1000, description="The address of an online event.")
    partner = Reference()
    field_slugs = References(data_key="fields", attribute="fields")
    place = Line(200)
    region = Line(200)
    link = WebAddress(1000)
    image = WebAddress(1000)
    status = Choice(EVENT_STATUSES, null=False)
    published = DateTime(attribute="published_at")
    external_id = Line(200, description=EXTERNAL_ID)


class Calls(RecordSchema):
    DESCRIPTION = "An Aufruf: what a banner shows, from starts through ends."
    MODEL = Call
    RANGE = ("starts", "ends")

    alliance = Reference(key=True)
    slug = Slug(key=True, reserved=True)
    title = Line(200, new=True, nonempty=True)
    tagline = Line(300)
    text = Text(DESCRIPTION_LENGTH)
    button = Line(100, attribute="button_label")
    link = WebAddress(1000, attribute="button_link")
    starts = Date(null=False, description="The first day (default: the day of the import).")
    ends = Date(export_null=True, description="The last day; null while it runs.")
    background = Color()
    foreground = Color()
    archived = Date(
        attribute="archived_on",
        description="The day the office archived it (shown nowhere public); null while in use.",
    )


class Sources(RecordSchema):
    DESCRIPTION = "A remote feed this instance federates in."
    MODEL = Source

    alliance = Reference(key=True)
    partner = Reference()
    url = WebAddress(1000, key=True)
    kind = Choice(tuple(SourceKind), key=True)
    title = Line(300)
    interval_minutes = WholeNumber(5, 7 * 24 * 60)
    active = Boolean()


_SCHEMAS: dict[str, type[RecordSchema]] = {
    "alliances": Alliances,
    "partners": Partners,
    "memberships": Memberships,
    "projects": Projects,
    "events": Events,
    "calls": Calls,
    "sources": Sources,
}


@cache
def _schema(section: str, exclude: frozenset[str] = frozenset()) -> RecordSchema:
    """The section's schema, without the fields named (by import name) in ``exclude``."""
    schema = _SCHEMAS[section]()
    if not exclude:
        return schema
    return _SCHEMAS[section](exclude=_attrs(schema, exclude))


def _attrs(schema: ma.Schema, names: Collection[str]) -> tuple[str, ...]:
    """The schema's own names of the fields with these import names."""
    return tuple(attr for attr, field in schema.fields.items() if _name(field, attr) in names)


def _name(field: ma.fields.Field[Any], attr: str) -> str:
    return field.data_key or attr


def _fields(schema: ma.Schema) -> dict[str, RecordField[Any]]:
    """The schema's fields by their name in the import format."""
    found: dict[str, RecordField[Any]] = {}
    for attr, field in schema.fields.items():
        assert isinstance(field, RecordField)
        found[_name(field, attr)] = field
    return found


def record_fields(section: str) -> dict[str, RecordField[Any]]:
    """A section's fields by their name in the import format, in the order of the export."""
    return _fields(_schema(section))


def _attribute(field: RecordField[Any], name: str) -> str:
    return field.attribute or name


@cache
def keys(section: str) -> tuple[str, ...]:
    """The fields that identify a record of the section."""
    return tuple(name for name, field in record_fields(section).items() if field.key)


@cache
def required_new(section: str) -> tuple[str, ...]:
    """The fields a new record of the section needs besides its keys."""
    return tuple(name for name, field in record_fields(section).items() if field.new)


@cache
def columns(section: str) -> tuple[str, ...]:
    """The model attributes the section's values are stored in as they are (not its keys,
    which are set on creation, nor the references, which the importer resolves)."""
    return tuple(
        _attribute(field, name)
        for name, field in record_fields(section).items()
        if field.column and not field.key
    )


def missing_for_new(section: str, values: Mapping[str, Any]) -> list[str]:
    """The fields a new record needs that ``values`` (loaded, by attribute) lacks."""
    fields = record_fields(section)
    return [
        name for name in required_new(section) if values.get(_attribute(fields[name], name)) is None
    ]


def model(section: str) -> type[Any]:
    """The model a record of the section is stored as."""
    return _SCHEMAS[section].MODEL


def range_of(section: str) -> tuple[str, str] | None:
    """The section's range (``starts``, ``ends``), whose end must not be before its start."""
    return _SCHEMAS[section].RANGE


# --- loading and checking -----------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """A checked record: its values by model attribute (only those given), or its errors."""

    values: dict[str, Any]
    errors: list[FieldError]


def validate_record(
    section: str,
    data: Any,
    *,
    partial: bool | Collection[str] = False,
    exclude: Collection[str] = (),
) -> Checked:
    """Check one record of ``section`` given as a dict in the import format's shape.

    ``partial``: ``False`` for a new record (its keys and the fields a new record needs
    must be there), ``True`` for a change (``PATCH``: only what is given is checked), or
    the names that may be missing although a new record needs them (``("slug",)`` when
    the caller makes the slug). ``exclude``: names the caller sets itself (the API's
    ``alliance`` and ``partner``); given anyway, they are unknown fields.

    The errors come in the order of the record's keys, each with its field's path.
    """
    if not isinstance(data, Mapping):
        return Checked({}, [FieldError((), Problem("object"))])
    schema = _schema(section, frozenset(exclude))
    try:
        values = schema.load(
            data, partial=partial if isinstance(partial, bool) else _attrs(schema, partial)
        )
    except ma.ValidationError as error:
        return Checked({}, _sorted(section, data, list(_flatten(error.messages, ()))))
    return Checked(dict(values), [])


def check_import_record(section: str, data: Mapping[str, Any]) -> Checked:
    """Check a record of an import file: its keys are needed, the rest only when given
    (whether a new record lacks something is known once the database has been asked)."""
    return validate_record(section, data, partial=required_new(section))


def _flatten(messages: Any, path: Path) -> Iterator[tuple[Path, Problem]]:
    if isinstance(messages, dict):
        for key, inner in messages.items():
            yield from _flatten(inner, path if key == ma.exceptions.SCHEMA else (*path, key))
    elif isinstance(messages, list):
        for inner in messages:
            yield from _flatten(inner, path)
    else:
        yield path, messages if isinstance(messages, Problem) else Problem("invalid")


def _sorted(
    section: str, data: Mapping[str, Any], found: list[tuple[Path, Problem]]
) -> list[FieldError]:
    """Errors in the order of the record's keys; those of absent fields after them."""
    given = {name: position for position, name in enumerate(data)}
    declared = {name: len(given) + position for position, name in enumerate(record_fields(section))}

    def place(item: tuple[Path, Problem]) -> int:
        name = item[0][0] if item[0] else ""
        return given.get(str(name), declared.get(str(name), -1))

    return [FieldError(path, problem) for path, problem in sorted(found, key=place)]


# --- writing ------------------------------------------------------------------------------


def dump_records(section: str, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Records of the section in the import format, empty values left out."""
    return list(_schema(section).dump(rows, many=True))


def fit_values(section: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (by model attribute) with every text cut to the section's limits, at a word
    boundary with "…" — for text from other sites, which is shortened rather than refused."""
    limits: dict[str, RecordField[Any]] = {
        _attribute(field, name): field for name, field in record_fields(section).items()
    }
    fitted = dict(values)
    for attribute, value in values.items():
        field = limits.get(attribute)
        if not isinstance(value, str) or not isinstance(field, Line | Text):
            continue  # addresses are useless when cut; the parser drops those too long
        if isinstance(field, Html):
            fitted[attribute] = shorten_html(value, field.max_length)
        else:
            fitted[attribute] = shorten(value, field.max_length)
    return fitted


# --- JSON Schema --------------------------------------------------------------------------


def json_schema(
    section: str,
    *,
    partial: bool | Collection[str] = False,
    exclude: Collection[str] = (),
    nullable: str = "type",
) -> dict[str, Any]:
    """The JSON Schema (2020-12, also an OpenAPI 3.1 component) of one record of ``section``.

    ``partial`` and ``exclude`` mean what they mean for :func:`validate_record`, so the
    schema describes what that function accepts: the record of an import file or export
    (the defaults), a new record from the API (``exclude=("alliance", "partner"),
    partial=("slug",)``), or a change (``partial=True``). ``nullable="nullable"`` writes
    null as OpenAPI 3.0 does. Some checks go beyond it (a German label or slug given
    twice, a range that ends before it starts), and HTML is cleaned before its length is
    measured.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, field in record_fields(section).items():
        if name in exclude:
            continue
        properties[name] = field.json_schema(nullable)
        optional = partial if isinstance(partial, bool) else name in partial
        if field.required and not optional:
            required.append(name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": _SCHEMAS[section].DESCRIPTION,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def openapi_components(nullable: str = "type") -> dict[str, Any]:
    """The ``components.schemas`` of the partner API: for projects and events each the
    record as the import format has it (``ProjectRecord``), as posted (``ProjectInput``:
    alliance and partner come from the token, the slug is made from the title when
    missing) and as changed (``ProjectPatch``); and the error answer (``Errors``, its
    items ``FieldError``)."""
    components: dict[str, Any] = {}
    for section, name in (("projects", "Project"), ("events", "Event")):
        components[f"{name}Record"] = json_schema(section, nullable=nullable)
        components[f"{name}Input"] = json_schema(
            section, exclude=("alliance", "partner"), partial=("slug",), nullable=nullable
        )
        components[f"{name}Patch"] = json_schema(
            section, exclude=("alliance", "partner", "slug"), partial=True, nullable=nullable
        )
    components["FieldError"] = {
        "type": "object",
        "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "description": "starts, or fields[1] in a list"},
            "message": {"type": "string", "description": "what is wrong, in English"},
            "code": {"type": "string", "enum": sorted(MESSAGES)},
            "params": {"type": "object", "description": "the values the message names"},
        },
    }
    components["Errors"] = {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}
        },
    }
    return components
