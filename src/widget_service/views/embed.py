"""Widgets for other sites: ``/embed/<widget>`` (a document for an iframe), ``/fragment/<widget>``
(HTML for ``embed.js`` and server-side includes), ``/embed.js`` (the loader) and ``/oembed``.

One generic renderer serves every widget under ``widgets/``: it checks the parameters against
the widget's schema, reads what the schema names, and renders the widget's template in the
widget's language (``lang=``, never the browser's). Nothing rendered here makes a visitor's
browser contact another host: no images, fonts or scripts from elsewhere, no cookies.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

from flask import Blueprint, current_app, g, render_template, request
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .. import content, db
from ..colors import WHITE, contrast, darken_until, lighten_until, readable_on
from ..content import Filters
from ..errors import InvalidParameter, NotFound
from ..http import POLICIES, cached, external_url, framable, open_cors
from ..i18n import LANGUAGES, force_locale, gettext, requested_language
from ..models import Event, Membership, Partner, Project
from ..text import whole_number
from ..verification import verification_url
from ..widget_schema import Settings, Widget, widget, widgets
from . import errors
from .badges import badge_snippets, call_banner, call_target
from .errors import invalid_parameter_message, not_found_message
from .helpers import site_name

bp = Blueprint("embed", __name__, template_folder="../widgets")

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGETS = Path(__file__).resolve().parent.parent / "widgets"
DEFAULT_ACCENT = "#005ea8"
# the light and dark palettes; a host page may override each as --aw-<name>
LIGHT = {
    "bg": "#ffffff",
    "fg": "#1b1b1b",
    "muted": "#4a4f55",
    "line": "#c9cfd6",
    "surface": "#f3f5f7",
    "focus": "#ffbf47",
}
DARK = {
    "bg": "#15191d",
    "fg": "#f1f3f5",
    "muted": "#b9c1c9",
    "line": "#48515a",
    "surface": "#20262c",
    "focus": "#ffbf47",
}
REFERRER_POLICY = "no-referrer"


# --- what each widget reads ---------------------------------------------------------------


def _filters(settings: Settings) -> Filters:
    return Filters(
        alliance=settings.alliance,
        partner=settings.text("partner"),
        region=settings.text("region"),
        field=settings.text("field"),
        kind=settings.text("kind"),
        limit=settings.number("limit") if "limit" in settings.values else 20,
    )


def _listing_url(endpoint: str, settings: Settings, *names: str) -> str:
    """The public listing page a widget's "all …" link leads to, with the same filters."""
    values = {name: settings.text(name) for name in names if settings.text(name)}
    return _item_url(endpoint, settings, alliance=settings.text("alliance") or "all", **values)


def _item_url(endpoint: str, settings: Settings, **values: Any) -> str:
    return external_url(endpoint, lang="en" if settings.lang == "en" else None, **values)


def _alliance_color(
    session: Session, settings: Settings, items: Sequence[Project | Event] = ()
) -> str | None:
    if settings.alliance is None:
        return None
    if items:  # loaded with the items already
        return items[0].alliance.color
    return content.alliance_by_slug(session, settings.alliance).color


def _one_alliance(settings: Settings) -> str:
    if settings.alliance is None:
        raise InvalidParameter("alliance", "one_alliance")
    return settings.alliance


def _read_projects(session: Session, settings: Settings) -> dict[str, Any]:
    item = settings.text("item")
    if item:
        items = [content.published_project(session, _one_alliance(settings), item)]
    else:
        items = content.published_projects(session, _filters(settings))
    return {
        "items": items,
        "accent": _alliance_color(session, settings, items),
        "last_modified": content.changed_at(items),
        "more_url": _listing_url("public.projects", settings, "partner", "region", "field"),
    }


def _read_events(session: Session, settings: Settings) -> dict[str, Any]:
    item = settings.text("item")
    if item:
        items = [content.visible_event(session, _one_alliance(settings), item)]
    else:
        items = content.upcoming_events(session, _filters(settings))
    # no Last-Modified: the list changes as events pass, without any record changing
    return {
        "items": items,
        "accent": _alliance_color(session, settings, items),
        "more_url": _listing_url("public.events", settings, "partner", "region", "field"),
    }


def _read_partners(session: Session, settings: Settings) -> dict[str, Any]:
    items = content.active_partners(session, _filters(settings))
    return {
        "items": items,
        "accent": _alliance_color(session, settings),
        "more_url": _listing_url("public.partners", settings, "region", "kind"),
    }


def _read_call(session: Session, settings: Settings) -> dict[str, Any]:
    call = content.call_by_slug(session, _one_alliance(settings), settings.text("call") or "")
    background = settings.text("accent") or call.background or call.alliance.color
    foreground = call.foreground if not settings.text("accent") else None
    background, foreground = readable_pair(background, foreground)
    # the banner is drawn as in its images, so it is exactly its size in every form
    drawn = call_banner(
        call,
        settings.text("size") or "300x250",
        title=settings.text("title"),
        background=settings.text("accent"),
        linked=False,
    )
    return {
        "call": call,
        "banner_svg": Markup(drawn),  # noqa: S704 (made by badges.banner, text escaped)
        "banner_link": call_target(call),
        "accent": call.alliance.color,
        "extra_css": f"--_call-bg:{background};--_call-fg:{foreground}",
        "last_modified": call.updated_at,
    }


def _read_membership(session: Session, settings: Settings) -> dict[str, Any]:
    found = content.membership(session, _one_alliance(settings), settings.text("partner") or "")
    # no Last-Modified: a membership ends on a date, without the record changing
    return {"membership": found, "accent": found.alliance.color}


def _read_alliance(session: Session, settings: Settings) -> dict[str, Any]:
    found = content.alliance_by_slug(session, _one_alliance(settings))
    return {"alliance": found, "accent": found.color, "last_modified": found.updated_at}


READERS: dict[str, Callable[[Session, Settings], dict[str, Any]]] = {
    "projects": _read_projects,
    "events": _read_events,
    "partners": _read_partners,
    "call": _read_call,
    "membership": _read_membership,
    "alliance": _read_alliance,
}


# --- helpers the widget templates call ----------------------------------------------------


def badge_link(membership: Membership) -> str:
    """Where a badge widget leads: the membership's verification page (``/verify/<token>``)."""
    return verification_url(membership)


def calendar_url(event: Event) -> str:
    """The event's iCalendar file, ``/p/<alliance>/events/<slug>.ics``."""
    return external_url("public.event", alliance=event.alliance.slug, slug=event.slug) + ".ics"


def monogram(name: str) -> str:
    """Up to two initials for a partner tile (logos live on other hosts, so none is shown)."""
    words = [word for word in re.split(r"[\s\-–]+", name) if word[:1].isalpha()]
    return "".join(word[0].upper() for word in words[:2]) or "?"


def _partner_url(settings: Settings) -> Callable[[Partner], str]:
    def partner_url(partner: Partner) -> str:
        alliance = settings.alliance
        if alliance is None:
            active = [m for m in partner.memberships if m.public and m.is_active()]
            alliance = active[0].alliance.slug if active else None
        if alliance is None:
            return _listing_url("public.partners", settings)
        return _item_url("public.partner", settings, alliance=alliance, slug=partner.slug)

    return partner_url


# --- colours and themes -------------------------------------------------------------------


def readable_pair(background: str, foreground: str | None = None) -> tuple[str, str]:
    """A background and a text colour on it with at least 4.5:1 contrast (WCAG AA)."""
    text = foreground or readable_on(background)
    if contrast(background, text) >= 4.5:
        return background, text
    darker = darken_until(background, WHITE)
    return darker, WHITE


def _palette(base: Mapping[str, str], accent: str, dark: bool) -> dict[str, str]:
    button, button_text = readable_pair(accent)
    link = lighten_until(accent, base["surface"]) if dark else darken_until(accent, base["surface"])
    return {**base, "accent": button, "accent-text": button_text, "link": link}


def _declarations(palette: Mapping[str, str], scheme: str) -> str:
    values = ";".join(f"--_{name}:var(--aw-{name},{value})" for name, value in palette.items())
    return f"{values};--_radius:var(--aw-radius,0.4rem);color-scheme:{scheme}"


def theme_css(scope: str, theme: str, accent: str, extra: str = "") -> str:
    """The custom properties of one widget instance (``.scope``) for ``light``/``dark``/``auto``."""
    light = _declarations(_palette(LIGHT, accent, dark=False), "light")
    dark = _declarations(_palette(DARK, accent, dark=True), "dark")
    tail = f";{extra}" if extra else ""
    if theme == "dark":
        return f".{scope}{{{dark}{tail}}}"
    if theme == "light":
        return f".{scope}{{{light}{tail}}}"
    return (
        f".{scope}{{{light}{tail}}}@media (prefers-color-scheme: dark){{.{scope}{{{dark}{tail}}}}}"
    )


def _minified(path: Path) -> str:
    # comments and indentation are for the people who read the source, not for every visitor
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return re.sub(r"\s*\n\s*", "", text).strip()


@cache
def _static_css(name: str | None) -> str:
    base = _minified(WIDGETS / "base.css")
    return base if name is None else base + _minified(WIDGETS / name / "widget.css")


# --- rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """One widget rendered: its markup, its style sheet and what the response needs."""

    lang: str
    classes: str
    css: str
    body: Markup
    title: str
    last_modified: dt.datetime | None = None


def _request_lang() -> str:
    value = request.args.get("lang", "")
    return value if value in LANGUAGES else "de"


def find_widget(name: str) -> Widget:
    found = widget(name)
    if found is None:
        raise NotFound("widget", name)
    return found


def settings_from(args: Mapping[str, str], name: str) -> Settings:
    """The widget ``name`` with the parameters of ``args`` checked."""
    return find_widget(name).parse(args)


def render_widget(settings: Settings, heading: int) -> Rendered:
    """Read what the widget shows and render it (in the widget's language)."""
    widget_ = settings.widget
    data = READERS[widget_.reads](db.session(), settings)
    accent = settings.text("accent") or data.pop("accent", None) or DEFAULT_ACCENT
    extra = data.pop("extra_css", "")
    last_modified = data.pop("last_modified", None)
    title = settings.text("title") or widget_.label[settings.lang]
    body = render_template(
        widget_.template,
        settings=settings,
        lang=settings.lang,
        heading=heading,
        title=title,
        layout=settings.text("layout"),
        item_url=lambda endpoint, **values: _item_url(endpoint, settings, **values),
        partner_url=_partner_url(settings),
        calendar_url=calendar_url,
        badge_link=badge_link,
        monogram=monogram,
        **data,
    )
    theme = settings.text("theme") or "light"
    variables = theme_css("aw-scope", theme, accent, extra)
    scope = "aw-v" + hashlib.sha256(variables.encode()).hexdigest()[:10]
    css = variables.replace("aw-scope", scope) + _static_css(widget_.name)
    classes = f"aw aw-{theme} {scope} aw-{widget_.name}-widget aw-{widget_.name}"
    if settings.text("layout"):
        classes += f" aw-layout-{settings.text('layout')}"
    return Rendered(settings.lang, classes, css, Markup(body), title, last_modified)  # noqa: S704


def _error_rendered(message: str, lang: str) -> Rendered:
    variables = theme_css("aw-error", "light", DEFAULT_ACCENT)
    body = Markup('<p class="aw-message">{}</p>').format(message)
    css = variables + _static_css(None)
    return Rendered(lang, "aw aw-light aw-error", css, body, message)


@cache
def frame_script() -> str:
    """The script of the iframe document: it reports the document's height to the host page."""
    return (STATIC / "js" / "frame.js").read_text(encoding="utf-8").strip()


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _policy(script: bool) -> str:
    styles = " ".join(sorted(g.get("style_hashes", ()))) or "'none'"
    scripts = _hash(frame_script()) if script else "'none'"
    return (
        f"default-src 'none'; style-src {styles}; script-src {scripts}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors *"
    )


def _document(rendered: Rendered, status: int = 200) -> Response:
    html = render_template("embed/document.html", rendered=rendered, script=Markup(frame_script()))  # noqa: S704
    return _finish(Response(html, status=status, mimetype="text/html"), rendered, script=True)


def _fragment(rendered: Rendered, status: int = 200) -> Response:
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


def _render(name: str, heading: int) -> Rendered:
    settings = settings_from(request.args, name)
    with force_locale(settings.lang):
        return render_widget(settings, heading)


@bp.get("/embed/<name>")
@framable
def document(name: str) -> Response:
    """A whole HTML document for an iframe; it reports its height to the loader."""
    return _document(_render(name, heading=1))


@bp.get("/fragment/<name>")
@framable
def fragment(name: str) -> Response:
    """The widget as an HTML fragment, CORS open: for embed.js and server-side includes."""
    return _fragment(_render(name, heading=2))


def _widget_error(message_of: Callable[[], str], status: int) -> Response:
    lang = _request_lang()
    with force_locale(lang):
        rendered = _error_rendered(message_of(), lang)
        if request.endpoint == "embed.document":
            return _document(rendered, status)
        return _fragment(rendered, status)


@bp.errorhandler(NotFound)
def _not_found(error: NotFound) -> Response:
    if request.endpoint == "embed.oembed":
        return _json_error(404, not_found_message(error))
    return _widget_error(lambda: not_found_message(error), 404)


@bp.errorhandler(InvalidParameter)
def _invalid(error: InvalidParameter) -> Response:
    if request.endpoint == "embed.oembed":
        return _json_error(400, invalid_parameter_message(error))
    return _widget_error(lambda: invalid_parameter_message(error), 400)


def _outage(error: Exception) -> Response:
    errors.log_outage(error)
    if request.endpoint == "embed.oembed":
        return errors.unavailable(_json_error(503, errors.unavailable_message()))
    return errors.unavailable(_widget_error(errors.unavailable_message, 503))


for _outage_error in db.OUTAGES:
    bp.register_error_handler(_outage_error, _outage)


def _json_error(status: int, message: str) -> Response:
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


# --- the loader ---------------------------------------------------------------------------


@cache
def loader_source() -> str:
    """``embed.js`` with the widgets that mount as iframes (and their titles) filled in."""
    framed = {name: dict(item.label) for name, item in widgets().items() if item.mount == "iframe"}
    source = (STATIC / "js" / "embed.js").read_text(encoding="utf-8")
    return source.replace("/*FRAMED*/{}", json.dumps(framed, ensure_ascii=False, sort_keys=True))


@bp.get("/embed.js")
def loader() -> Response:
    response = Response(loader_source(), mimetype="text/javascript")
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    return cached(response, "embed")


# --- snippets: the same parameters in every form -------------------------------------------


def service_base() -> str:
    """This service's absolute base URL, without the trailing slash."""
    return external_url("public.index").rstrip("/")


def widget_url(endpoint: str, settings: Settings) -> str:
    return external_url(endpoint, name=settings.widget.name, **settings.query())


def frame_height(settings: Settings) -> int:
    """A first height for an iframe snippet; the loader then sizes it to its content."""
    name = settings.widget.name
    if name == "banner":
        return int((settings.text("size") or "300x250").split("x")[1]) + 20
    if name == "badge":
        return 150
    if name == "submit":
        return 420
    if settings.text("item"):
        return 320
    per_item = {"projects": 170, "events": 150, "partners": 50}.get(name, 100)
    return min(2000, 130 + per_item * settings.number("limit"))


def frame_title(settings: Settings) -> str:
    title = settings.text("title") or settings.widget.label[settings.lang]
    return title


def loader_snippet(settings: Settings) -> str:
    attributes = "".join(
        f' data-{name}="{_attr(value)}"' for name, value in settings.query().items()
    )
    return (
        f'<div data-widget="{settings.widget.name}"{attributes}>'
        f'<a href="{_attr(page_for(settings))}">{_attr(frame_title(settings))}</a></div>\n'
        f'<script async src="{service_base()}/embed.js"></script>'
    )


def iframe_snippet(settings: Settings, width: str = "100%", height: int | None = None) -> str:
    return (
        f'<iframe src="{_attr(widget_url("embed.document", settings))}" '
        f'title="{_attr(frame_title(settings))}" width="{width}" '
        f'height="{height or frame_height(settings)}" style="border:0;max-width:100%" '
        'loading="lazy" referrerpolicy="no-referrer"></iframe>\n'
        f'<script async src="{service_base()}/embed.js"></script>'
    )


def _image_query(settings: Settings, **values: str) -> dict[str, str]:
    """What an image URL takes besides its path: ``lang`` only when it is not German."""
    return {**values, **({"lang": settings.lang} if settings.lang != "de" else {})}


def image_snippet(settings: Settings) -> str | None:
    """A PNG image link (banners and badges): for newsletters, whose e-mail programs run no
    scripts and (Outlook, Gmail) show no SVG. Size and language are the widget's."""
    alliance = settings.alliance
    if settings.widget.name == "banner" and alliance:
        call = content.call_by_slug(db.session(), alliance, settings.text("call") or "")
        size = settings.text("size") or "300x250"
        width, height = size.split("x")
        image = external_url(
            "badges.banner",
            alliance=alliance,
            call=call.slug,
            fmt="png",
            **_image_query(settings, size=size),
        )
        target = call.button_link or external_url("public.alliance_page", alliance=alliance)
        alt = call.title + (f": {call.tagline}" if call.tagline else "")
        if call.has_ended():
            # the image says so (views.badges.call_banner) and links to the alliance
            target = external_url("public.alliance_page", alliance=alliance)
            alt = f"{call.title} – {gettext('This call has ended.')}"
        return (
            f'<a href="{_attr(target)}"><img src="{_attr(image)}" alt="{_attr(alt)}" '
            f'width="{width}" height="{height}"></a>'
        )
    if settings.widget.name == "badge" and alliance:
        found = content.membership(db.session(), alliance, settings.text("partner") or "")
        style = settings.text("style") or "seal"
        # the images know light and dark; "auto" cannot follow a reader's setting in e-mail
        theme = {"theme": "dark"} if settings.text("theme") == "dark" else {}
        image = external_url(
            "badges.badge",
            alliance=alliance,
            partner=found.partner.slug,
            fmt="png",
            **_image_query(settings, style=style, **theme),
        )
        shown = next(item for item in badge_snippets(found, settings.lang) if item.style == style)
        return (
            f'<a href="{_attr(badge_link(found))}"><img src="{_attr(image)}" '
            f'alt="{_attr(shown.alt)}" width="{shown.width}" height="{shown.height}"></a>'
        )
    return None


def page_for(settings: Settings) -> str:
    """The public page a widget stands for, in the widget's language: what its oEmbed URL
    points at (and oEmbed answers with this widget again) and where its loader snippet links."""
    name, alliance, item = settings.widget.name, settings.alliance, settings.text("item")
    if alliance and name == "badge" and settings.text("partner"):
        return _item_url(
            "public.partner", settings, alliance=alliance, slug=settings.text("partner")
        )
    if alliance and item and name in ("projects", "events"):
        endpoint = "public.project" if name == "projects" else "public.event"
        return _item_url(endpoint, settings, alliance=alliance, slug=item)
    for endpoint, (listed, filters) in LISTINGS.items():
        if listed == name:
            return _listing_url(endpoint, settings, *filters)
    if alliance is None:
        return _item_url("public.index", settings)
    return _item_url("public.alliance_page", settings, alliance=alliance)


def oembed_url(page: str) -> str:
    return external_url("embed.oembed", url=page, format="json")


def _attr(value: str) -> str:
    return str(Markup.escape(value))


# --- oEmbed -------------------------------------------------------------------------------


# the narrowest banner is 160 px wide and the shortest 90 px tall: a smaller frame has no
# room for a line of text and a button, so a smaller maxwidth/maxheight gets these instead
MIN_WIDTH = 160
MIN_HEIGHT = 90
DEFAULT_PORTS = {"http": 80, "https": 443}


def _bounded(name: str, default: int, least: int) -> int:
    raw = request.args.get(name, "")
    if not raw:
        return default
    number = whole_number(raw)
    if number is None or not 1 <= number <= 10_000:
        raise InvalidParameter(name, "range", low=1, high=10_000)
    return max(least, min(number, default))


def _split(url: str) -> SplitResult | None:
    """``url`` split, or ``None`` when it is no URL at all (``http://[::1``, a bad port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    return parts


def _port(parts: SplitResult) -> int | None:
    """The explicit port, with its scheme's default port counted as none."""
    port = parts.port
    return None if port == DEFAULT_PORTS.get(parts.scheme.lower()) else port


def _same_site(parts: SplitResult, ours: SplitResult) -> bool:
    """Whether ``parts`` names this service: the host in any case, default ports spelled or not.

    Without a port, http and https both count: the same site behind a proxy that adds TLS.
    """
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return False
    same_host = parts.hostname.lower() == (ours.hostname or "").lower()
    return same_host and _port(parts) == _port(ours)


# listing pages and the widget that shows the same list, with the page filters it takes
LISTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "public.projects": ("projects", ("partner", "region", "field")),
    "public.events": ("events", ("partner", "region", "field")),
    "public.partners": ("partners", ("region", "kind")),
}


def _listing_target(endpoint: str, args: dict[str, str], query: str) -> tuple[Settings, str]:
    """The list widget for a listing page (``/p/<alliance>/projects?region=…``), and its title."""
    name, names = LISTINGS[endpoint]
    given = parse_qs(query)
    filters = {key: given[key][0] for key in names if given.get(key)}
    settings = settings_from({**args, **filters}, name)
    resolved = content.resolve(db.session(), _filters(settings))  # unknown slugs: 404
    label = settings.widget.label[settings.lang]
    if resolved.alliance is None:
        return settings, label
    return settings, f"{label} – {resolved.alliance.name}"


def _oembed_target(url: str) -> tuple[Settings, str]:
    """The widget (and its title) that stands for one of our public pages."""
    parts = _split(url)
    ours = urlsplit(service_base())
    if parts is None or not _same_site(parts, ours):
        raise NotFound("page", url)
    path = parts.path
    if ours.path and path.startswith(ours.path):
        path = path[len(ours.path) :] or "/"
    try:
        endpoint, values = current_app.url_map.bind(ours.netloc).match(path, method="GET")
    except HTTPException:
        raise NotFound("page", url) from None
    lang = "en" if parse_qs(parts.query).get("lang") == ["en"] else "de"
    session = db.session()
    alliance = str(values.get("alliance", ""))
    slug = str(values.get("slug", ""))
    args = {"alliance": alliance, "lang": lang}
    if endpoint == "public.alliance_page" and alliance != "all":
        title = content.alliance_by_slug(session, alliance).name
        return settings_from(args, "projects"), title
    if endpoint == "public.project":
        title = content.published_project(session, alliance, slug).title
        return settings_from({**args, "item": slug}, "projects"), title
    if endpoint == "public.event":
        title = content.visible_event(session, alliance, slug).title
        return settings_from({**args, "item": slug}, "events"), title
    if endpoint == "public.partner":
        found = content.membership(session, alliance, slug)
        return settings_from({**args, "partner": slug}, "badge"), found.partner.name
    if endpoint in LISTINGS:
        return _listing_target(endpoint, args, parts.query)
    # /p/all is no page of its own (it redirects to the landing page): nothing to embed
    raise NotFound("page", url)


@bp.get("/oembed")
def oembed() -> Response:
    """oEmbed 1.0 (``rich``) for an item or alliance page of this service."""
    if request.args.get("format", "json").strip().lower() != "json":
        # oEmbed says 501 for a format we do not offer; the message is the usual one
        problem = InvalidParameter("format", "choice", options="json")
        return _json_error(501, invalid_parameter_message(problem))
    url = request.args.get("url", "").strip()
    if not url:
        raise InvalidParameter("url", "required")
    if len(url) > 2000:
        raise InvalidParameter("url", "too_long")
    settings, title = _oembed_target(url)
    width = _bounded("maxwidth", 600, MIN_WIDTH)
    height = _bounded("maxheight", frame_height(settings), MIN_HEIGHT)
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


LISTING_FILTERS = ("partner", "region", "field", "kind")


def oembed_discovery() -> Markup:
    """The oEmbed discovery link for the current page (``head_links``): item, alliance, listing.

    A listing's filters go along, so the embedded list shows what the page shows.
    """
    query = {"lang": "en"} if request.args.get("lang") == "en" else {}
    for name in LISTING_FILTERS:
        value = request.args.get(name, "").strip()
        if value:
            query[name] = value
    page = external_url(request.endpoint or "public.index", **(request.view_args or {}), **query)
    href = external_url("embed.oembed", url=page, format="json")
    return Markup(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="oEmbed">'
    ).format(href)


def init_app(app: Any) -> None:
    app.jinja_env.globals.update(oembed_discovery=oembed_discovery)
    app.register_blueprint(bp)
