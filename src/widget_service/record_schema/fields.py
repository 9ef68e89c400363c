"""The field types of the records: each checks, loads and dumps one value and describes
itself in JSON Schema; the limits of the longer texts."""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar, TypeVar
from zoneinfo import available_timezones

import marshmallow as ma

from ..sanitize import clean_html
from ..text import (
    MAX_SLUG,
    RESERVED_SLUGS,
    is_hex_color,
    is_http_url,
    is_single_line,
    is_slug,
    without_control,
)
from ..timeutil import BERLIN, OutOfRange, parse_date, parse_datetime
from .problems import Invalid, Problem, fail, flatten

# limits of the longer texts (the columns bound the short ones); forms may ask for less
SUMMARY_LENGTH = 1_000  # a project's summary, plain text
DESCRIPTION_LENGTH = 5_000  # an alliance's or partner's description, a call's text
HTML_LENGTH = 50_000  # a project's body, an event's description: sanitised HTML
# far enough for any record of an alliance; beyond, feeds and calendars cannot write the time
YEARS = (1900, 9998)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_AGS = re.compile(r"[0-9]{8}")


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
            raise Invalid(next(problem for _, problem in flatten(error.messages, ()))) from None

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
        fail("text")
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
            fail("single_line")
        line = without_control(line)  # lone surrogates, which no database stores
        if self.nonempty and not line:
            fail("empty")
        if len(line) > self.max_length:
            fail("too_long", limit=self.max_length)
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
                fail("empty")
            return None
        if not self.accepts(line):
            fail(self.problem)
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
            fail("too_long", limit=self.max_length)
        return text

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}


class Html(Text):
    """An HTML fragment, sanitised on the way in; ``max_length`` bounds the clean HTML."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        # sanitising takes seconds for long texts: what cannot fit even when half of it is
        # markup that goes is refused unread
        if isinstance(value, str) and len(value) > 2 * self.max_length:
            fail("too_long_html", limit=2 * self.max_length)
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
            fail("slug")
        if self.reserved and value in RESERVED_SLUGS:
            fail("reserved", value=value)
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
            fail("slugs")
        if not all(isinstance(item, str) and is_slug(item) for item in value):
            fail("slug")
        return list(value)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[str]:
        return [item.slug for item in value or ()]

    def value_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": dict(_SLUG_SCHEMA)}


class Color(RecordField[str]):
    """A colour as ``#rrggbb``, stored in lower case."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not is_hex_color(value):
            fail("color")
        return value.lower()

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}


def _plausible(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        fail("years", first=YEARS[0], last=YEARS[1])


class Date(RecordField[dt.date]):
    """A calendar date, ``2020-10-07``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if not isinstance(value, str):
            fail("date")
        try:
            parsed = parse_date(value)
        except ValueError:
            fail("date")
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
            fail("datetime")
        try:
            parsed = parse_datetime(value)
        except OutOfRange:
            fail("years", first=YEARS[0], last=YEARS[1])
        except ValueError:
            fail("datetime")
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
            fail("choice", options=", ".join(self.values))
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
            fail("zone")
        return value

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": 64, "examples": ["Europe/Berlin"]}


class Boolean(RecordField[bool]):
    """``true`` or ``false``, nothing that merely looks like one."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            fail("boolean")
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
            fail("whole_number", low=self.low, high=self.high)
        if not self.low <= value <= self.high:
            fail("whole_number", low=self.low, high=self.high)
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
            fail("list")
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
