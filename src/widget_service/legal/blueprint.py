"""The legal pages' URLs."""

from __future__ import annotations

from flask import Blueprint

from ..web.errors import declare_shape
from . import views

bp = Blueprint("legal", __name__)
declare_shape(bp, "page")
bp.add_url_rule("/imprint", "imprint", views.imprint)
bp.add_url_rule("/privacy", "privacy", views.privacy)
bp.add_url_rule("/accessibility", "accessibility", views.accessibility)
bp.add_url_rule("/leichte-sprache", "easy_read", views.easy_read)
