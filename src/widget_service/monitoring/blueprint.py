"""URLs of the monitoring feature."""

from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("monitoring", __name__)
bp.add_url_rule("/metrics", "metrics", views.metrics, methods=["GET"])
