"""``GET /api/v1/openapi.json``: the API described from the record schema's own components."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from werkzeug.wrappers import Response

from ..http import cached, external_url, open_cors
from ..models import PartnerKind, ProjectKind
from ..record_schema import openapi_components

# query parameters carry no control characters (http.py refuses them everywhere)
NO_CONTROL = "^[^\\u0000-\\u001f\\u007f]*$"
SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}


def _parameter(
    name: str, where: str = "path", schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "schema": schema or SLUG}


def _errors(*statuses: int) -> dict[str, Any]:
    described = {
        "400": "The record or a parameter is not valid; each error names its field.",
        "401": "No token, or a wrong or revoked one.",
        "403": "The token is for another alliance, or the record is another partner's.",
        "404": "No such alliance or record.",
        "409": "The same record was posted at the same time; a retry updates it.",
        "413": "The body is larger than 1 MB.",
        "429": "Too many requests; see Retry-After.",
    }
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
    return {str(code): {"description": described[str(code)], "content": body} for code in statuses}


def _record(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}Record"}}}


def _listing(name: str) -> dict[str, Any]:
    return {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["items", "next"],
                "properties": {
                    "items": {"type": "array", "items": {"type": "object"}},
                    "next": {"type": ["string", "null"], "description": "the next page"},
                },
            }
        }
    }


FILTERS = [
    _parameter("partner", "query"),
    _parameter("region", "query", {"type": "string", "maxLength": 200, "pattern": NO_CONTROL}),
    _parameter("field", "query"),
    _parameter("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100}),
    _parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 100000}),
]
# ``kind``: projects or success stories; partners by their kind
KIND_FILTERS = {
    "projects": [
        _parameter(
            "kind", "query", {"type": "string", "enum": [kind.value for kind in ProjectKind]}
        )
    ],
    "partners": [
        _parameter(
            "kind", "query", {"type": "string", "enum": [kind.value for kind in PartnerKind]}
        )
    ],
}


def _section_paths(section: str, name: str) -> dict[str, Any]:
    security: list[dict[str, list[str]]] = [{"partnerToken": []}]
    write_errors = _errors(400, 401, 403, 404, 409, 413, 429)
    return {
        f"/api/v1/{{alliance}}/{section}": {
            "parameters": [_parameter("alliance")],
            "get": {
                "summary": f"Published {section}, newest first",
                "operationId": f"list_{section}",
                "parameters": FILTERS + KIND_FILTERS.get(section, []),
                "responses": {
                    "200": {"description": "One page", "content": _listing(name)},
                    **_errors(400, 404),
                },
            },
            "post": {
                "summary": f"Create one of the partner's {section}, or update it by external_id",
                "operationId": f"create_{section}",
                "security": security,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{name}Input"}
                        }
                    },
                },
                "responses": {
                    "201": {"description": "Created", "content": _record(name)},
                    "200": {"description": "Updated", "content": _record(name)},
                    **write_errors,
                },
            },
        },
        f"/api/v1/{{alliance}}/{section}/{{slug}}": {
            "parameters": [_parameter("alliance"), _parameter("slug")],
            "get": {
                "summary": f"One published record of {section}",
                "operationId": f"get_{section[:-1]}",
                "responses": {
                    "200": {"description": "The record", "content": _record(name)},
                    **_errors(404),
                },
            },
            "patch": {
                "summary": "Change the given fields of the partner's own record",
                "operationId": f"change_{section[:-1]}",
                "security": security,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{name}Patch"}
                        }
                    },
                },
                "responses": {
                    "200": {"description": "Changed", "content": _record(name)},
                    **write_errors,
                },
            },
            "delete": {
                "summary": "Archive the partner's own record",
                "operationId": f"archive_{section[:-1]}",
                "security": security,
                "responses": {"204": {"description": "Archived"}, **_errors(401, 403, 404, 429)},
            },
        },
    }


@cache
def _paths() -> dict[str, Any]:
    simple = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }
    return {
        "/api/v1/alliances": {
            "get": {
                "summary": "Every alliance",
                "operationId": "list_alliances",
                "responses": simple,
            }
        },
        "/api/v1/{alliance}/partners": {
            "parameters": [_parameter("alliance")],
            "get": {
                "summary": "Active partners",
                "operationId": "list_partners",
                "parameters": FILTERS + KIND_FILTERS["partners"],
                "responses": {**simple, **_errors(400, 404)},
            },
        },
        "/api/v1/{alliance}/calls": {
            "parameters": [_parameter("alliance")],
            "get": {
                "summary": "Current calls",
                "operationId": "list_calls",
                "responses": {**simple, **_errors(400, 404)},
            },
        },
        "/api/v1/{alliance}/calls/{slug}": {
            "parameters": [_parameter("alliance"), _parameter("slug")],
            "get": {
                "summary": "One call, with the count of confirmed signatures",
                "operationId": "get_call",
                "responses": {**simple, **_errors(404)},
            },
        },
        **_section_paths("projects", "Project"),
        **_section_paths("events", "Event"),
    }


def openapi() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Alliance widget service API",
            "version": "1",
            "description": "Read the alliances' content; partners write their projects and "
            "events with a token from `widget-service tokens issue`.",
        },
        "servers": [{"url": external_url("public.index").rstrip("/")}],
        "paths": _paths(),
        "components": {
            "schemas": openapi_components(),
            "securitySchemes": {"partnerToken": {"type": "http", "scheme": "bearer"}},
        },
    }


def document() -> Response:
    response = Response(json.dumps(openapi(), ensure_ascii=False), mimetype="application/json")
    return open_cors(cached(response, "api"))
