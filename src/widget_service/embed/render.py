"""One generic renderer for every widget: read what the widget's declaration names, render
its template in the widget's language, and wrap it as a document (iframe) or a fragment
(``embed.js``, server-side includes) with the headers a third-party page needs."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import g, render_template
from markupsafe import Markup
from werkzeug.wrappers import Response

from .. import db
from ..badges.render import keep_together
from ..http import cached, open_cors
from ..shipped import STATIC
from ..widget_schema import Settings
from .catalogue import widget_folder
from .readers import (
    badge_link,
    calendar_url,
    item_url,
    monogram,
    partner_url,
    read,
)
from .theming import DARK, DEFAULT_ACCENT, LIGHT, theme_css, widget_css

REFERRER_POLICY = "no-referrer"


@dataclass(frozen=True)
class Rendered:
    """One widget rendered: its markup, its style sheet and what the response needs."""

    lang: str
    classes: str
    css: str
    body: Markup
    title: str
    last_modified: dt.datetime | None = None


def render_widget(settings: Settings, heading: int, data: dict[str, Any] | None = None) -> Rendered:
    """Read what the widget shows and render it (in the widget's language); ``data`` in
    place of what it reads shows other items the same way (the office's preview)."""
    widget_ = settings.widget
    data = read(db.session(), settings) if data is None else dict(data)
    accent = settings.text("accent") or data.pop("accent", None) or DEFAULT_ACCENT
    extra = data.pop("extra_css", "")
    last_modified = data.pop("last_modified", None)
    title = settings.text("title") or widget_.label[settings.lang]
    # heading=none: the host page has a heading of its own; the items move up one level
    titled = settings.text("heading") != "none"
    body = render_template(
        widget_.template,
        settings=settings,
        lang=settings.lang,
        heading=heading,
        titled=titled,
        item_heading=heading + 1 if titled else heading,
        title=title,
        layout=settings.text("layout"),
        item_url=lambda endpoint, **values: item_url(endpoint, settings, **values),
        partner_url=partner_url(settings),
        calendar_url=calendar_url,
        badge_link=badge_link,
        monogram=monogram,
        keep_together=keep_together,
        **data,
    )
    theme = settings.text("theme") or "light"
    variables = theme_css("aw-scope", theme, accent, extra)
    scope = "aw-v" + hashlib.sha256(variables.encode()).hexdigest()[:10]
    css = variables.replace("aw-scope", scope) + widget_css(widget_.folder.parent, widget_.name)
    classes = f"aw aw-{theme} {scope} aw-{widget_.name}-widget aw-{widget_.name}"
    if settings.text("layout"):
        classes += f" aw-layout-{settings.text('layout')}"
    if settings.text("padding") == "none":
        classes += " aw-flush"
    return Rendered(settings.lang, classes, css, Markup(body), title, last_modified)  # noqa: S704


def error_rendered(message: str, lang: str) -> Rendered:
    """A widget that says what went wrong, in the widget's style (not a broken box)."""
    variables = theme_css("aw-error", "light", DEFAULT_ACCENT)
    body = Markup('<p class="aw-message">{}</p>').format(message)
    css = variables + widget_css(widget_folder(), None)
    return Rendered(lang, "aw aw-light aw-error", css, body, message)


@cache
def frame_script() -> str:
    """The script of the iframe document: it reports the document's height to the host page
    and starts a story's video on the visitor's click (video.js)."""
    sizing = (STATIC / "js" / "frame.js").read_text(encoding="utf-8").strip()
    return sizing + "\n" + video_script()


@cache
def video_script() -> str:
    """The two-click video player's script (static/js/video.js)."""
    return (STATIC / "js" / "video.js").read_text(encoding="utf-8").strip()


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _policy(script: bool) -> str:
    styles = " ".join(sorted(g.get("style_hashes", ()))) or "'none'"
    scripts = _hash(frame_script()) if script else "'none'"
    policy = (
        f"default-src 'none'; style-src {styles}; script-src {scripts}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors *"
    )
    if script and g.get("frame_sources"):
        # a story's video: its player's origin, framed by the script after the click
        policy += "; frame-src " + " ".join(sorted(g.frame_sources))
    return policy


def canvas_css(classes: str) -> str:
    """The iframe document's own background: the widget's, so that no corner or sub-pixel
    strip of another colour shows around it on a host page of any colour scheme."""
    light, dark = LIGHT["bg"], DARK["bg"]
    if "aw-dark" in classes.split():
        return f"html,body{{background:{dark}}}"
    if "aw-auto" in classes.split():
        return (
            f"html,body{{background:{light}}}"
            f"@media (prefers-color-scheme: dark){{html,body{{background:{dark}}}}}"
        )
    return f"html,body{{background:{light}}}"


def document(rendered: Rendered, status: int = 200) -> Response:
    """A whole HTML document for an iframe."""
    html = render_template(
        "embed/document.html",
        rendered=rendered,
        canvas=canvas_css(rendered.classes),
        script=Markup(frame_script()),  # noqa: S704
    )
    return _finish(Response(html, status=status, mimetype="text/html"), rendered, script=True)


def fragment(rendered: Rendered, status: int = 200) -> Response:
    """An HTML fragment, CORS open."""
    html = render_template("embed/fragment.html", rendered=rendered)
    response = open_cors(Response(html, status=status, mimetype="text/html"))
    return _finish(response, rendered, script=False)


def _finish(response: Response, rendered: Rendered, script: bool) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = _policy(script)
    headers["Referrer-Policy"] = REFERRER_POLICY
    headers["Content-Language"] = rendered.lang
    headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    if response.status_code != 200:
        headers["Cache-Control"] = "public, max-age=60"
        return response
    return cached(response, "embed", last_modified=rendered.last_modified)
