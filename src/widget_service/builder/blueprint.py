"""The URL table of the widget builder."""

from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("builder", __name__)

bp.add_url_rule("/widgets", view_func=views.builder)
