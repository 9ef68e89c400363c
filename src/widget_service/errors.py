"""Domain errors: raised by reads and writes, turned into responses in one place per audience."""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """Base of the errors a caller can show to the person who caused them."""


class NotFound(ServiceError):
    """A slug that names nothing (an unknown alliance, partner, field or item)."""

    def __init__(self, kind: str, slug: str) -> None:
        super().__init__(f"{kind} {slug!r} not found")
        self.kind = kind
        self.slug = slug


class InvalidParameter(ServiceError):
    """A request parameter with a value outside what it accepts.

    ``problem`` is one of :data:`PROBLEMS`; views translate it with the same ``details``.
    """

    PROBLEMS: ClassVar[dict[str, str]] = {
        "range": "must be a whole number from {low} to {high}",
        "slug": "must be a slug (lower-case letters, digits and hyphens)",
        "too_long": "is too long",
        "choice": "must be one of {options}",
        "color": "must be a colour like #c00000",
        "required": "is required",
        "one_alliance": "must name one alliance, not all",
        "control": "contains control characters",
    }

    def __init__(self, name: str, problem: str, **details: object) -> None:
        self.name = name
        self.problem = problem
        self.details = details
        self.message = self.PROBLEMS[problem].format(**details)
        super().__init__(f"{name}: {self.message}")


class ValidationError(ServiceError):
    """Input records that cannot be stored; ``problems`` names each record and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
