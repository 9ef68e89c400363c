"""URLs of the monitoring feature."""

from __future__ import annotations

from flask import Blueprint

from ..web.errors import declare_shape
from . import views

bp = Blueprint("monitoring", __name__)
declare_shape(bp, "page")
bp.add_url_rule("/metrics", "metrics", views.metrics, methods=["GET"])
