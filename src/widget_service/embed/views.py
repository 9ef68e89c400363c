"""The embed views: a widget as a document or a fragment, the loader, oEmbed.

Their errors take the blueprint's shape, ``widget`` (see ``embed.errors``); a fragment's
are a fragment, oEmbed's the shared JSON."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import current_app, request
from werkzeug.wrappers import Response

from ..errors import InvalidParameter
from ..http import cache_policy, external_url, framable, open_cors
from ..i18n import force_locale
from ..shipped import STATIC
from ..web.errors import Problem, answer, errors_as, invalid_parameter_message
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
@cache_policy("embed")
def document(name: str) -> Response:
    """A whole HTML document for an iframe; it reports its height to the loader."""
    return render.document(_render(name, heading=1))


@framable
@errors_as("fragment")
@cache_policy("embed")
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


@cache_policy("embed")
def loader() -> Response:
    response = Response(loader_source(), mimetype="text/javascript")
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    return response


@errors_as("json")
@cache_policy("api", errors="api")
def oembed() -> Response:
    """oEmbed 1.0 (``rich``) for an item or alliance page of this service."""
    if request.args.get("format", "json").strip().lower() != "json":
        # oEmbed says 501 for a format we do not offer; the message is the usual one
        wrong = InvalidParameter("format", "choice", options="json")
        return answer(Problem(501, lambda: invalid_parameter_message(wrong)))
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
    return open_cors(response)
