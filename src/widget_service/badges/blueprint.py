"""The URL table of badges, banners and verification; image routes answer errors as images."""

from __future__ import annotations

from flask import Blueprint

from .. import db
from ..errors import InvalidParameter
from . import snippets, views

bp = Blueprint("badges", __name__)

bp.add_url_rule("/badge/<alliance>/<partner>.<any(svg, png):fmt>", view_func=views.badge)
bp.add_url_rule("/banner/<alliance>/<call>.<any(svg, png):fmt>", view_func=views.banner)
bp.add_url_rule("/verify/<token>", view_func=views.verify)

bp.register_error_handler(InvalidParameter, views.invalid)
for _outage in db.OUTAGES:
    bp.register_error_handler(_outage, views.outage)

bp.add_app_template_global(snippets.template_badge_snippets, "badge_snippets")
