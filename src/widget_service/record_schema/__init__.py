"""The records of the import format, each field declared once: the one package that imports
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

By role: ``problems`` (what is wrong with a field), ``fields`` (the field types),
``sections`` (the schema of each section, and reading, checking and writing records with
them), ``json_schema`` (JSON Schema and the OpenAPI components). Import from here.
"""

from __future__ import annotations

from .fields import (
    DESCRIPTION_LENGTH,
    HTML_LENGTH,
    SUMMARY_LENGTH,
    YEARS,
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
from .json_schema import json_schema, openapi_components
from .problems import MESSAGES, FieldError, Invalid, Path, Problem
from .sections import (
    EXTERNAL_ID,
    SECTIONS,
    Alliances,
    Calls,
    Checked,
    Events,
    Memberships,
    Partners,
    Projects,
    RecordSchema,
    Sources,
    check_import_record,
    columns,
    description,
    dump_records,
    fit_values,
    keys,
    missing_for_new,
    model,
    range_of,
    record_fields,
    required_new,
    validate_record,
)

__all__ = [
    "DESCRIPTION_LENGTH",
    "EXTERNAL_ID",
    "HTML_LENGTH",
    "MESSAGES",
    "SECTIONS",
    "SUMMARY_LENGTH",
    "YEARS",
    "ActionFields",
    "Ags",
    "Alliances",
    "Boolean",
    "Calls",
    "Checked",
    "Choice",
    "Color",
    "Date",
    "DateTime",
    "Email",
    "Events",
    "FieldError",
    "Html",
    "Invalid",
    "Line",
    "Memberships",
    "Partners",
    "Path",
    "Problem",
    "Projects",
    "RecordField",
    "RecordSchema",
    "Reference",
    "References",
    "Slug",
    "Sources",
    "Text",
    "WebAddress",
    "WholeNumber",
    "Zone",
    "check_import_record",
    "columns",
    "description",
    "dump_records",
    "fit_values",
    "json_schema",
    "keys",
    "missing_for_new",
    "model",
    "openapi_components",
    "range_of",
    "record_fields",
    "required_new",
    "validate_record",
]
