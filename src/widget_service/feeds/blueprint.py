"""The URL table of the feeds: RSS, Atom, JSON Feed, iCalendar, and the feeds page; feed
errors are short plain text (a feed reader shows no page)."""

from __future__ import annotations

from flask import Blueprint

from ..web.errors import declare_shape
from . import views

bp = Blueprint("feeds", __name__)

bp.add_url_rule("/feeds/<alliance>/projects.<any(rss, atom, json):fmt>", view_func=views.projects)
bp.add_url_rule("/feeds/<alliance>/events.<any(rss, atom, json, ics):fmt>", view_func=views.events)
bp.add_url_rule("/p/<alliance>/events/<slug>.ics", view_func=views.event_ics)
bp.add_url_rule("/feeds", view_func=views.index)
bp.add_url_rule("/docs/json-feed", view_func=views.json_feed_about)

declare_shape(bp, "text")  # the feeds page and its redirect: errors_as("page")

bp.add_app_template_global(views.feed_links, "feed_links")
