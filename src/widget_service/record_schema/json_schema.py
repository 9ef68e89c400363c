"""The records in JSON Schema (2020-12) and the partner API's OpenAPI components."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .problems import MESSAGES
from .sections import description, record_fields


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
        "description": description(section),
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
