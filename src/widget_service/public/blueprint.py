"""The URL table of the public pages: landing page, alliance pages, listings, item pages."""

from __future__ import annotations

from flask import Blueprint

from ..web.errors import declare_shape
from . import views

bp = Blueprint("public", __name__)
declare_shape(bp, "page")

bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/healthz", view_func=views.healthz)
bp.add_url_rule("/images/<digest>.<any(jpg, png):extension>", view_func=views.picture)
bp.add_url_rule("/p/<alliance>", view_func=views.alliance_page)
bp.add_url_rule("/p/<alliance>/projects", view_func=views.projects)
bp.add_url_rule("/p/<alliance>/events", view_func=views.events)
bp.add_url_rule("/p/<alliance>/partners", view_func=views.partners)
bp.add_url_rule("/p/<alliance>/projects/<slug>", view_func=views.project)
bp.add_url_rule("/p/<alliance>/events/<slug>", view_func=views.event)
bp.add_url_rule("/p/<alliance>/partners/<slug>", view_func=views.partner)
