"""The URL table of the embed feature: widgets for other sites, the loader and oEmbed."""

from __future__ import annotations

from flask import Blueprint

from ..web.errors import declare_shape
from . import views

bp = Blueprint("embed", __name__)

bp.add_url_rule("/embed/<name>", view_func=views.document, methods=["GET"])
bp.add_url_rule("/fragment/<name>", view_func=views.fragment, methods=["GET"])
bp.add_url_rule("/embed.js", view_func=views.loader, methods=["GET"])
bp.add_url_rule("/oembed", view_func=views.oembed, methods=["GET"])

declare_shape(bp, "widget")  # a fragment's errors are a fragment, oEmbed's JSON (views)
