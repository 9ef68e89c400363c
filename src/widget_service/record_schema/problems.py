"""What is wrong with a field: a :class:`Problem` keeps an English message with a stable
``code`` and its ``params`` (``MESSAGES`` holds the templates), so a form can show it beside
its field in another language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn, Self

import marshmallow as ma

from ..text import MAX_SLUG

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


def fail(code: str, **params: Any) -> NoReturn:
    raise ma.ValidationError(Problem(code, **params))


def flatten(messages: Any, path: Path) -> Iterator[tuple[Path, Problem]]:
    if isinstance(messages, dict):
        for key, inner in messages.items():
            yield from flatten(inner, path if key == ma.exceptions.SCHEMA else (*path, key))
    elif isinstance(messages, list):
        for inner in messages:
            yield from flatten(inner, path)
    else:
        yield path, messages if isinstance(messages, Problem) else Problem("invalid")
