"""The URLs of the public forms (CONTRACT.md, "The write side")."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from ..http import framable
from ..ratelimit import limiter
from . import views

bp = Blueprint("participation", __name__)


def form_limit() -> str:
    """Posts one client may send to the public forms (``WIDGETS_FORM_RATE_LIMIT``)."""
    return str(current_app.config.get("FORM_RATE_LIMIT", "10 per minute;60 per day"))


def _limited(view: Any) -> Any:
    return limiter.limit(form_limit, methods=["POST"], scope="public-forms")(framable(view))


bp.add_url_rule("/submit/<alliance>", view_func=_limited(views.submit), methods=["POST"])
bp.add_url_rule("/submit/<alliance>/thanks", view_func=framable(views.submit_thanks))
bp.add_url_rule("/sign/<alliance>/<call>", view_func=_limited(views.sign), methods=["GET", "POST"])
bp.add_url_rule("/sign/<alliance>/<call>/thanks", view_func=framable(views.sign_thanks))
bp.add_url_rule("/sign/confirm/<token>", view_func=framable(views.confirm))
bp.add_url_rule(
    "/sign/withdraw/<token>", view_func=_limited(views.withdraw), methods=["GET", "POST"]
)
bp.add_url_rule("/join/<alliance>", view_func=_limited(views.join), methods=["GET", "POST"])
bp.add_url_rule("/join/<alliance>/thanks", view_func=framable(views.join_thanks))
