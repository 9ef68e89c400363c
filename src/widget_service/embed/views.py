"""The embed views: a widget as a document or a fragment, the loader, oEmbed, and their
errors in the shape asked for (a widget that says what went wrong; JSON for oEmbed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from flask import current_app, request
from werkzeug.wrappers import Response

from ..errors import InvalidParameter, NotFound
from ..http import POLICIES, cached, external_url, framable, open_cors
from ..i18n import LANGUAGES, force_locale, requested_language
from ..shipped import STATIC
from ..web import errors
from ..web.errors import invalid_parameter_message, not_found_message
from ..web.helpers import site_name
from ..widget_schema import widgets
from . import render
from .catalogue import settings_from, widget_folder
from .oembed import MIN_HEIGHT, MIN_WIDTH, bounded, oembed_target
from .render import REFERRER_POLICY, Rendered
from .snippets import frame_height, iframe_snippet


def _render(name: str, heading: int) -> Rendered:
    settings = settings_from(request.args, name)
    with force_locale(settings.lang):
        return render.render_widget(settings, heading)


@framable
def document(name: str) -> Response:
    """A whole HTML document for an iframe; it reports its height to the loader."""
    return render.document(_render(name, heading=1))


@framable
def fragment(name: str) -> Response:
    """The widget as an HTML fragment, CORS open: for embed.js and server-side includes."""
    return render.fragment(_render(name, heading=2))


@cache
def _loader_source(folder: Path) -> str:
    framed = {
        name: dict(item.label) for name, item in widgets(folder).items() if item.mount == "iframe"
    }
    source = (STATIC / "js" / "embed.js").read_text(encoding="utf-8")
    source = source.replace("/*FRAMED*/{}", json.dumps(framed, ensure_ascii=False, sort_keys=True))
    # the two-click player of stories' videos, for the widgets in a Shadow DOM
    return source.rstrip() + "\n" + render.video_script() + "\n"


def loader_source() -> str:
    """``embed.js`` with the widgets that mount as iframes (and their titles) filled in."""
    return _loader_source(widget_folder())


def loader() -> Response:
    response = Response(loader_source(), mimetype="text/javascript")
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    return cached(response, "embed")


def oembed() -> Response:
    """oEmbed 1.0 (``rich``) for an item or alliance page of this service."""
    if request.args.get("format", "json").strip().lower() != "json":
        # oEmbed says 501 for a format we do not offer; the message is the usual one
        problem = InvalidParameter("format", "choice", options="json")
        return json_error(501, invalid_parameter_message(problem))
    url = request.args.get("url", "").strip()
    if not url:
        raise InvalidParameter("url", "required")
    if len(url) > 2000:
        raise InvalidParameter("url", "too_long")
    settings, title = oembed_target(url, request.args)
    width = bounded("maxwidth", 600, MIN_WIDTH)
    height = bounded("maxheight", frame_height(settings), MIN_HEIGHT)
    # all of it in the page's language, so the answer depends on the URL alone (no Vary)
    with force_locale(settings.lang):
        html = iframe_snippet(settings, width=str(width), height=height)
        provider = site_name()
    body = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": provider,
        "provider_url": external_url("public.index"),
        "html": html,
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/json"
    )
    return open_cors(cached(response, "api"))


# --- errors: a widget for the widget routes, JSON for oEmbed -------------------------------


def _request_lang() -> str:
    value = request.args.get("lang", "")
    return value if value in LANGUAGES else "de"


def _widget_error(message_of: Callable[[], str], status: int) -> Response:
    lang = _request_lang()
    with force_locale(lang):
        rendered = render.error_rendered(message_of(), lang)
        if request.endpoint == "embed.document":
            return render.document(rendered, status)
        return render.fragment(rendered, status)


def json_error(status: int, message: str) -> Response:
    """The oEmbed error shape (the API's): ``{"error": {"status": 404, "message": "…"}}``.

    The message is in the request's language (``?lang=``, else Accept-Language); the CORS
    and cache headers are those of an oEmbed answer.
    """
    body = json.dumps({"error": {"status": status, "message": message}}, ensure_ascii=False)
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = POLICIES["api"]
    if requested_language() is None:
        response.vary.add("Accept-Language")
    return open_cors(response)


def not_found(error: NotFound) -> Response:
    if request.endpoint == "embed.oembed":
        return json_error(404, not_found_message(error))
    return _widget_error(lambda: not_found_message(error), 404)


def invalid(error: InvalidParameter) -> Response:
    if request.endpoint == "embed.oembed":
        return json_error(400, invalid_parameter_message(error))
    return _widget_error(lambda: invalid_parameter_message(error), 400)


def outage(error: Exception) -> Response:
    errors.log_outage(error)
    if request.endpoint == "embed.oembed":
        return errors.unavailable(json_error(503, errors.unavailable_message()))
    return errors.unavailable(_widget_error(errors.unavailable_message, 503))
