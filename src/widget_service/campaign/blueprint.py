"""The campaign kit's URLs: a call's page, its posters and flyers, its newsletter block."""

from __future__ import annotations

from flask import Blueprint

from .. import db
from . import views

bp = Blueprint("campaign", __name__)

bp.add_url_rule("/p/<alliance>/calls/<call>", "call_page", views.call_page)
bp.add_url_rule("/c/<int:call_id>", "short", views.short)
bp.add_url_rule("/banner/<alliance>/<call>.pdf", "poster_pdf", views.poster_pdf)
bp.add_url_rule(
    "/newsletter/<alliance>/<call>.<any(html, txt):fmt>", "newsletter_block", views.newsletter_block
)
bp.add_url_rule("/share/mastodon", "mastodon", views.mastodon)
for _outage in db.OUTAGES:
    bp.register_error_handler(_outage, views.outage)
bp.add_app_template_global(views.share_links, "share_links_for")
