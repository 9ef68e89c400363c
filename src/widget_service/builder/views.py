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
from ..embed.catalogue import catalogue, widget_folder
from ..embed.readers import read
from ..embed.snippets import (
    frame_height,
    frame_title,
    iframe_snippet,
    image_snippet,
    loader_snippet,
    oembed_url,
    service_base,
    widget_url,
)
from ..embed.theming import DEFAULT_ACCENT
from ..errors import InvalidParameter, NotFound
from ..http import cached
from ..i18n import current_language, force_locale, gettext
from ..models import Alliance, Call
from ..text import ALL
from ..web.errors import invalid_parameter_message, not_found_message
from ..widget_schema import Settings, Widget, common_names
from .form import Sources, fields

DEFAULT_WIDGET = "projects"


def _calls_by_alliance(session: Session, alliances: Sequence[Alliance]) -> dict[str, list[Call]]:
    """The current calls of every alliance, newest first, from one query."""
    calls: dict[str, list[Call]] = {alliance.slug: [] for alliance in alliances}
    for call in content.current_calls(session, None):
        calls.setdefault(call.alliance.slug, []).append(call)
    return calls


def _alliance(widget: Widget, given: str, alliances: Sequence[Alliance]) -> str | None:
    """The alliance the form is for: the one given if it exists, else every alliance, or the
    first where the widget shows one alliance only."""
    slugs = [alliance.slug for alliance in alliances]
    if given in slugs:
        return given
    spec = widget.parameters.get("alliance")
    if spec is not None and not spec.allow_all and slugs:
        return slugs[0]
    return None


def _widget_args(
    session: Session,
    widget: Widget,
    alliance: str | None,
    calls: Mapping[str, Sequence[Call]],
    sources: Sources,
) -> dict[str, str]:
    """The form's values as widget parameters, following the chosen alliance: a call, field
    or partner of another alliance is left out (the form no longer offers it), a banner gets
    the alliance's newest call. A badge's partner is never filled in: the webmaster names it."""
    args = {key: value for key, value in request.args.items() if value.strip()}
    args.pop("lang", None)
    args.pop("widget", None)
    if "language" in args:
        args["lang"] = args.pop("language")
    parameters = widget.parameters
    given = args.get("alliance", ALL)
    if alliance is not None and given in (ALL, alliance):
        args["alliance"] = alliance
    if alliance is None:
        return args  # every alliance, or one that does not exist (the widget says so)
    if "call" in parameters:
        call = args.get("call")
        if call and not _has_call(session, alliance, call, calls):
            del args["call"]
        running = calls.get(alliance)
        if not args.get("call") and running:
            args["call"] = running[0].slug
    field = args.get("field")
    offered = {slug for _, options in sources.groups("fields") for slug, _ in options}
    if field and field not in offered:
        del args["field"]
    partner = args.get("partner")
    if partner and partner not in {item.slug for item in sources.partners}:
        del args["partner"]
    return args


def _has_call(
    session: Session, alliance: str, call: str, calls: Mapping[str, Sequence[Call]]
) -> bool:
    """Whether ``alliance`` has the call ``call``, running (listed) or ended (read)."""
    if any(item.slug == call for item in calls.get(alliance, ())):
        return True
    try:
        content.call_by_slug(session, alliance, call)
    except NotFound:
        return False
    return True


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
        "oembed": oembed_url(settings),
        "preview": widget_url("embed.document", settings),
        "preview_height": frame_height(settings),
        "title": frame_title(settings),
    }


# what a NotFound is about, by the field of the form that names it
FIELD_OF = {"alliance": "alliance", "partner": "partner", "membership": "partner", "call": "call"}


def _message(problem: InvalidParameter) -> str:
    """What the form says beside a field: for what a widget needs, what to do."""
    if problem.problem == "required" and problem.name == "partner":
        return gettext("Choose a partner: a membership badge shows the membership of one partner.")
    if problem.problem == "required" and problem.name == "call":
        return gettext("This alliance has no call running at the moment.")
    return invalid_parameter_message(problem)


def builder() -> Response:
    session = db.session()
    widgets = catalogue()
    name = request.args.get("widget") or DEFAULT_WIDGET
    chosen = widgets.get(name) or widgets.get(DEFAULT_WIDGET) or next(iter(widgets.values()))
    alliances = content.all_alliances(session)
    calls = _calls_by_alliance(session, alliances)
    alliance = _alliance(chosen, request.args.get("alliance", ""), alliances)
    found = next((item for item in alliances if item.slug == alliance), None)
    sources = Sources(
        alliances=alliances,
        partners=content.active_partners(session, Filters(alliance=alliance, limit=1000)),
        regions=content.regions(session, found),
        calls=calls,
        lang=current_language(),
        alliance=alliance,
    )
    args = _widget_args(session, chosen, alliance, calls, sources)
    status, error, settings, snippets = 200, None, None, None
    errors: dict[str, str] = {}
    try:
        if name not in widgets:
            raise InvalidParameter("widget", "choice", options=", ".join(widgets))
        settings = chosen.parse(args)
        read(session, settings)  # an unknown slug shows here
        snippets = _snippets(settings)
    except InvalidParameter as problem:
        status, error = 400, _message(problem)
        errors[problem.name] = error
    except NotFound as missing:
        status, error = 404, not_found_message(missing)
        errors[FIELD_OF.get(missing.kind, "widget")] = error
    defaults: dict[str, object] = {}
    for item in (chosen, *widgets.values()):
        for parameter, spec in item.parameters.items():
            defaults.setdefault(parameter, spec.default)
    html = render_template(
        "builder.html",
        widgets=sorted(widgets.values(), key=lambda item: (item.order, item.name)),
        fields=fields(widgets, common_names(widget_folder()), chosen, sources, errors),
        chosen=chosen,
        values=settings.values if settings else {**defaults, **args},
        error=error,
        widget_error=errors.get("widget"),
        # what the colour picker shows while the text field is empty: the alliance's colour
        accent_default=found.color if found and found.color else DEFAULT_ACCENT,
        snippets=snippets,
        service_host=urlsplit(service_base()).netloc,
    )
    response = Response(html, status=status, mimetype="text/html")
    if status != 200:
        response.headers["Cache-Control"] = "public, max-age=60"
        return response
    return cached(response, "page")
