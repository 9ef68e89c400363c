"""Feeds and calendars: RSS, Atom, JSON Feed and iCalendar, the feeds page, discovery links.

Feed readers and calendars subscribe to these URLs for years. Every response carries
its media type with charset, an ETag from the body, Last-Modified from the content and
the "feed" cache policy, answers conditional requests with 304, and may be read by any
site. A bad parameter is a short text/plain 400, an unknown slug a 404, in the
request's language (the blueprint's error shape is ``text``); the feeds page is an HTML
page like any other.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.wrappers import Response

from .. import calendars, db
from ..http import cache_policy, open_cors
from ..i18n import current_language, gettext, requested_language
from ..web.errors import errors_as
from . import data as feed_data
from . import page as feeds_page
from . import render

MEDIA_TYPES = {**render.MEDIA_TYPES, "ics": calendars.MEDIA_TYPE}


@cache_policy("feed")
def projects(alliance: str, fmt: str) -> Response:
    session = db.session()
    feed = feed_data.read_request(session, "projects", alliance, request.args)
    return _send(feed_data.project_feed(session, feed, fmt), MEDIA_TYPES[fmt])


@cache_policy("feed")
def events(alliance: str, fmt: str) -> Response:
    session = db.session()
    feed = feed_data.read_request(session, "events", alliance, request.args)
    if fmt == "ics":
        return _send(feed_data.event_calendar(session, feed), MEDIA_TYPES[fmt])
    return _send(feed_data.event_feed(session, feed, fmt), MEDIA_TYPES[fmt])


@cache_policy("feed")
def event_ics(alliance: str, slug: str) -> Response:
    document = feed_data.single_event_calendar(db.session(), alliance, slug)
    response = _send(document, calendars.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.ics"'
    return response


@errors_as("page")
@cache_policy("page")
def index() -> Response:
    page = feeds_page.feeds_page(db.session(), request.args)
    return Response(render_template("feeds.html", page=page), mimetype="text/html")


@errors_as("page")
def json_feed_about() -> Response:
    """What the ``about`` key of the ``_alliance`` extension points to."""
    target = url_for(".index", lang=requested_language(), _anchor="json-feed")
    return redirect(target)


def _send(document: feed_data.Document, media_type: str) -> Response:
    response = Response(document.body, content_type=media_type)
    # labels, dates and titles follow ?lang= or the reader's Accept-Language
    response.vary.add("Accept-Language")
    response.headers["Content-Language"] = current_language()
    response.last_modified = document.last_modified
    return open_cors(response)


# --- discovery ------------------------------------------------------------------------------

LINK_TYPES = {fmt: media_type.split(";")[0] for fmt, media_type in MEDIA_TYPES.items()}


@pass_context
def feed_links(context: Context) -> Markup:
    """``<link rel="alternate">`` to the feeds that match the page being rendered."""
    if context.get("status") or request.endpoint is None:
        return Markup("")  # an error page has no feed
    links = [
        Markup('<link rel="alternate" type="{}" title="{}" href="{}">').format(type_, title, href)
        for type_, title, href in _discovered(request.endpoint, request.view_args or {})
    ]
    return Markup("\n  ").join(links)


def _discovered(endpoint: str, view_args: dict[str, str]) -> list[tuple[str, str, str]]:
    alliance = view_args.get("alliance", "all")
    query: dict[str, Any] = {}
    kinds: tuple[str, ...] = ("projects", "events")
    if endpoint in ("public.projects", "public.events"):
        kinds = (endpoint.removeprefix("public."),)
        for name in ("partner", "region", "field"):
            value = (request.args.get(name) or "").strip()
            if value:
                query[name] = value
    elif endpoint in ("public.project", "public.event"):
        kinds = ("projects",) if endpoint == "public.project" else ("events",)
    elif endpoint == "public.partner":
        query["partner"] = view_args["slug"]
    elif endpoint not in ("public.index", "public.alliance_page", "feeds.index"):
        return []
    if requested_language():
        query["lang"] = str(requested_language())
    found = []
    for kind in kinds:
        name = gettext("Projects") if kind == "projects" else gettext("Events")
        for fmt in feeds_page.FORMATS_OF[kind]:
            href = url_for(f"feeds.{kind}", alliance=alliance, fmt=fmt, **query)
            found.append((LINK_TYPES[fmt], f"{name} ({feeds_page.FORMAT_NAMES[fmt]})", href))
    if endpoint == "public.event":
        href = url_for("feeds.event_ics", alliance=alliance, slug=view_args["slug"])
        found.append((LINK_TYPES["ics"], gettext("This event (iCalendar)"), href))
    return found
