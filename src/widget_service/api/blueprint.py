"""The URLs of the JSON API (CONTRACT.md, "The partner API")."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from ..errors import InvalidParameter, NotFound, ValidationError
from ..ratelimit import limiter
from . import openapi, views

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def write_limit() -> str:
    """Writes one client may send (``WIDGETS_API_RATE_LIMIT``)."""
    return str(current_app.config.get("API_RATE_LIMIT", "120 per minute"))


def _write(view: Any, section: str, name: str) -> Any:
    def write(**values: Any) -> Any:
        return view(section=section, **values)

    write.__name__ = name
    write.__qualname__ = name
    return limiter.limit(write_limit, scope="api-writes")(write)


bp.add_url_rule("/openapi.json", view_func=openapi.document)
bp.add_url_rule("/alliances", view_func=views.alliances)
bp.add_url_rule("/<alliance>/partners", view_func=views.partners)
bp.add_url_rule("/<alliance>/calls", view_func=views.calls)
bp.add_url_rule("/<alliance>/calls/<slug>", view_func=views.call)
bp.add_url_rule("/<alliance>/projects", view_func=views.projects, methods=["GET"])
bp.add_url_rule("/<alliance>/events", view_func=views.events, methods=["GET"])
bp.add_url_rule("/<alliance>/projects/<slug>", view_func=views.project, methods=["GET"])
bp.add_url_rule("/<alliance>/events/<slug>", view_func=views.event, methods=["GET"])
for _section in ("projects", "events"):
    bp.add_url_rule(
        f"/<alliance>/{_section}",
        endpoint=f"create_{_section}",
        view_func=_write(views.create, _section, f"create_{_section}"),
        methods=["POST"],
    )
    bp.add_url_rule(
        f"/<alliance>/{_section}/<slug>",
        endpoint=f"change_{_section}",
        view_func=_write(views.change, _section, f"change_{_section}"),
        methods=["PATCH"],
    )
    bp.add_url_rule(
        f"/<alliance>/{_section}/<slug>",
        endpoint=f"archive_{_section}",
        view_func=_write(views.archive, _section, f"archive_{_section}"),
        methods=["DELETE"],
    )

bp.register_error_handler(views.ApiError, views.error_response)
bp.register_error_handler(NotFound, views.not_found)
bp.register_error_handler(InvalidParameter, views.invalid_parameter)
bp.register_error_handler(ValidationError, views.validation)
