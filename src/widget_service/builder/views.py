"""The widget builder at ``/widgets``: pick a widget and its options, preview it, copy a snippet.

It works without JavaScript (the form is a GET form that renders the snippets); with
``static/js/builder.js`` the preview and snippets follow every change. The widget's own
language is the form field ``language`` (``lang=`` stays the language of this page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask import render_template, request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import content, db
from ..content import Filters
from ..embed.catalogue import catalogue, find_widget, widget_folder
from ..embed.readers import read
from ..embed.snippets import (
    frame_height,
    frame_title,
    iframe_snippet,
    image_snippet,
    loader_snippet,
    oembed_url,
    page_for,
    service_base,
    widget_url,
)
from ..errors import InvalidParameter, NotFound
from ..http import cached
from ..i18n import current_language, force_locale
from ..models import Alliance, Call
from ..text import ALL
from ..web.errors import invalid_parameter_message, not_found_message
from ..widget_schema import Settings, common_names
from .form import Sources, fields

DEFAULT_WIDGET = "projects"


def _calls_by_alliance(session: Session, alliances: Sequence[Alliance]) -> dict[str, list[Call]]:
    """The current calls of every alliance, newest first, from one query."""
    calls: dict[str, list[Call]] = {alliance.slug: [] for alliance in alliances}
    for call in content.current_calls(session, None):
        calls.setdefault(call.alliance.slug, []).append(call)
    return calls


def _widget_args(
    session: Session,
    name: str,
    alliances: Sequence[Alliance],
    calls: Mapping[str, Sequence[Call]],
) -> dict[str, str]:
    """The form's values as widget parameters, with what a widget needs filled in."""
    args = {key: value for key, value in request.args.items() if value.strip()}
    args.pop("lang", None)
    if "language" in args:
        args["lang"] = args.pop("language")
    parameters = find_widget(name).parameters
    one = "alliance" in parameters and not parameters["alliance"].allow_all
    if one and args.get("alliance", ALL) == ALL and alliances:
        args["alliance"] = alliances[0].slug
    alliance = args.get("alliance")
    if "call" in parameters and not args.get("call") and alliance and alliance != ALL:
        running = calls.get(alliance)
        if running:
            args["call"] = running[0].slug
    partner = parameters.get("partner")
    if partner and partner.required and not args.get("partner") and alliance and alliance != ALL:
        partners = content.active_partners(session, Filters(alliance=alliance, limit=1))
        if partners:
            args["partner"] = partners[0].slug
    return args


def _snippets(settings: Settings) -> dict[str, Any]:
    # in the widget's language (image alt texts), not the page's
    with force_locale(settings.lang):
        return _snippets_in_language(settings)


def _snippets_in_language(settings: Settings) -> dict[str, Any]:
    return {
        "loader": loader_snippet(settings),
        "iframe": iframe_snippet(settings),
        "fragment": widget_url("embed.fragment", settings),
        "image": image_snippet(settings),
        "oembed": oembed_url(page_for(settings)),
        "preview": widget_url("embed.document", settings),
        "preview_height": frame_height(settings),
        "title": frame_title(settings),
    }


def _typed(args: Mapping[str, str]) -> dict[str, str]:
    # what the visitor typed, shown again beside the message about it
    shown = {key: value for key, value in args.items() if value.strip() and key != "lang"}
    if "language" in shown:
        shown["lang"] = shown.pop("language")
    return shown


def builder() -> Response:
    session = db.session()
    widgets = catalogue()
    name = request.args.get("widget") or DEFAULT_WIDGET
    alliances = content.all_alliances(session)
    calls = _calls_by_alliance(session, alliances)
    status, error, settings, snippets = 200, None, None, None
    try:
        if name not in widgets:
            raise InvalidParameter("widget", "choice", options=", ".join(widgets))
        settings = find_widget(name).parse(_widget_args(session, name, alliances, calls))
        read(session, settings)  # an unknown slug shows here
        snippets = _snippets(settings)
    except InvalidParameter as problem:
        status, error = 400, invalid_parameter_message(problem)
    except NotFound as missing:
        status, error = 404, not_found_message(missing)
    chosen = widgets.get(name) or widgets.get(DEFAULT_WIDGET) or next(iter(widgets.values()))
    sources = Sources(
        alliances=alliances,
        partners=content.active_partners(session, Filters(limit=1000)),
        regions=content.regions(session),
        calls=calls,
        lang=current_language(),
    )
    defaults: dict[str, object] = {}
    for item in (chosen, *widgets.values()):
        for parameter, spec in item.parameters.items():
            defaults.setdefault(parameter, spec.default)
    html = render_template(
        "builder.html",
        widgets=widgets,
        fields=fields(widgets, common_names(widget_folder()), chosen, sources),
        chosen=chosen,
        values=settings.values if settings else {**defaults, **_typed(request.args)},
        error=error,
        snippets=snippets,
        service_host=urlsplit(service_base()).netloc,
    )
    response = Response(html, status=status, mimetype="text/html")
    if status != 200:
        response.headers["Cache-Control"] = "public, max-age=60"
        return response
    return cached(response, "page")
