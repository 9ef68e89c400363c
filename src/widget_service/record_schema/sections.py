"""One schema per section of the import format (alliances with their action fields,
partners, memberships, projects, events, calls, sources), and what reads them: the keys,
columns and model of a section, checking a record, dumping rows, fitting remote text."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

import marshmallow as ma

from ..models import (
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
from ..sanitize import shorten_html
from ..text import shorten
from .fields import (
    DESCRIPTION_LENGTH,
    HTML_LENGTH,
    SUMMARY_LENGTH,
    ActionFields,
    Ags,
    Boolean,
    Choice,
    Color,
    Date,
    DateTime,
    Email,
    Html,
    Line,
    RecordField,
    Reference,
    References,
    Slug,
    Text,
    WebAddress,
    WholeNumber,
    Zone,
)
from .problems import FieldError, Path, Problem, flatten

SECTIONS = ("alliances", "partners", "memberships", "projects", "events", "calls", "sources")


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


def description(section: str) -> str:
    """What a record of ``section`` is, in a sentence (the JSON Schema's description)."""
    return _SCHEMAS[section].DESCRIPTION


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
        return Checked({}, _sorted(section, data, list(flatten(error.messages, ()))))
    return Checked(dict(values), [])


def check_import_record(section: str, data: Mapping[str, Any]) -> Checked:
    """Check a record of an import file: its keys are needed, the rest only when given
    (whether a new record lacks something is known once the database has been asked)."""
    return validate_record(section, data, partial=required_new(section))


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
