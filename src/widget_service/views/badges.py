"""Membership badges, call banners (SVG and PNG) and the badge verification page.

Image routes answer with an image whatever happens: an unknown slug is a readable
"nicht gefunden" image with 404, a bad parameter a readable image with 400, never an
HTML page where an ``<img>`` expects a picture. They set no cookie, may be embedded
and read by any site, and are cached with an ETag (304 on a match).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, render_template, request, url_for
from markupsafe import escape
from werkzeug.wrappers import Response

from .. import badges, content, db, raster
from ..badges import BANNER_SIZES, DEFAULT_BANNER_SIZE, BannerText, Theme, Tone
from ..campaign.logos import alliance_logo
from ..errors import InvalidParameter, NotFound
from ..http import cached, external_url, framable, open_cors
from ..i18n import LANGUAGES, current_language, force_locale, format_day, gettext
from ..models import Call, Membership
from ..timeutil import BERLIN, UTC, today
from ..verification import InvalidToken, verification_url, verified_membership
from . import errors
from .errors import not_found_message

bp = Blueprint("badges", __name__)

STYLES = ("flat", "seal")
SCALES = ("1", "2")
THEMES = tuple(theme.value for theme in Theme)
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
# an SVG opened on its own may do nothing but show itself
IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _choice(args: Mapping[str, str], name: str, options: tuple[str, ...], default: str) -> str:
    value = (args.get(name) or "").strip() or default
    if value not in options:
        raise InvalidParameter(name, "choice", options=", ".join(options))
    return value


def _scale(args: Mapping[str, str]) -> int:
    """``scale=2``: a PNG twice as wide and high, sharp on dense screens and in e-mail."""
    return int(_choice(args, "scale", SCALES, "1"))


def _language(args: Mapping[str, str]) -> str:
    """Images speak German unless ``lang=en``: the URL alone decides, so caches stay right."""
    return _choice(args, "lang", LANGUAGES, "de")


@dataclass(frozen=True)
class BadgeOptions:
    style: str = "flat"
    theme: Theme = Theme.LIGHT
    lang: str = "de"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> BadgeOptions:
        """``style``, ``theme`` and ``lang`` from a query; raises :class:`InvalidParameter`."""
        return cls(
            style=_choice(args, "style", STYLES, "flat"),
            theme=Theme(_choice(args, "theme", THEMES, Theme.LIGHT.value)),
            lang=_language(args),
        )


def _image(
    svg: str,
    fmt: str,
    status: int = 200,
    last_modified: dt.datetime | None = None,
    scale: int = 1,
) -> Response:
    body: str | bytes = raster.svg_to_png(svg, scale=scale) if fmt == "png" else svg
    response = Response(body, status=status, mimetype=FORMATS[fmt])
    response.headers["Content-Security-Policy"] = IMAGE_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    open_cors(response)
    if status != 200:
        return cached(response, "image_error")
    return cached(response, "image", last_modified=last_modified)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=BERLIN).astimezone(UTC)


def membership_changed_at(membership: Membership) -> dt.datetime:
    """When what a badge shows last changed: an edit, or the day it began or ended."""
    moments = [
        membership.updated_at,
        membership.alliance.updated_at,
        membership.partner.updated_at,
    ]
    current = today()
    moments += [
        _midnight(day) for day in (membership.since, membership.until) if day and day <= current
    ]
    return max(moments)


# --- what a badge says (in the current language) ------------------------------------------


def membership_status(membership: Membership) -> tuple[str, Tone]:
    """``Mitglied seit 2020`` / ``ehemaliges Mitglied`` / ``Mitglied ab …`` and its tone."""
    day = today()
    if membership.has_ended(day):
        return gettext("former member"), Tone.MUTED
    if membership.since > day:
        return gettext("member from %(date)s", date=format_day(membership.since)), Tone.BRAND
    return gettext("member since %(year)s", year=membership.since.year), Tone.BRAND


def membership_description(membership: Membership) -> str:
    """The badge's accessible name: who, which alliance, and the state now."""
    names = {"partner": membership.partner.name, "alliance": membership.alliance.name}
    if membership.has_ended():
        return gettext(
            "%(partner)s: former member of the alliance “%(alliance)s” (%(since)s to %(until)s)",
            since=format_day(membership.since),
            until=format_day(membership.until),
            **names,
        )
    if membership.since > today():
        return gettext(
            "%(partner)s: member of the alliance “%(alliance)s” from %(date)s (not active yet)",
            date=format_day(membership.since),
            **names,
        )
    return gettext(
        "%(partner)s: member of the alliance “%(alliance)s” since %(date)s",
        date=format_day(membership.since),
        **names,
    )


def _render_badge(
    options: BadgeOptions,
    texts: tuple[str, str, str],
    *,
    brand: str | None,
    tone: Tone,
    description: str,
) -> str:
    """A flat badge (``heading | status``) or a seal (``heading``, ``name``, ``status``)."""
    heading, name, status = texts
    if options.style == "seal":
        return badges.seal_badge(
            heading,
            name,
            status,
            brand=brand,
            title=description,
            theme=options.theme,
            tone=tone,
            lang=options.lang,
        )
    return badges.flat_badge(
        heading,
        status or name,
        brand=brand,
        title=description,
        theme=options.theme,
        tone=tone,
        lang=options.lang,
    )


def membership_badge(membership: Membership, options: BadgeOptions) -> str:
    """The badge SVG of a membership as it stands today."""
    status, tone = membership_status(membership)
    return _render_badge(
        options,
        (membership.alliance.name, membership.partner.name, status),
        brand=membership.alliance.color,
        tone=tone,
        description=membership_description(membership),
    )


def _notice_badge(label: str, message: str, description: str, options: BadgeOptions) -> str:
    return _render_badge(
        options, (label, message, ""), brand=None, tone=Tone.ALERT, description=description
    )


@bp.get("/badge/<alliance>/<partner>.<any(svg, png):fmt>")
@framable
def badge(alliance: str, partner: str, fmt: str) -> Response:
    options = BadgeOptions.from_args(request.args)  # a bad one: see _invalid below
    scale = _scale(request.args)
    with force_locale(options.lang):
        try:
            found = content.membership(db.session(), alliance, partner)
        except NotFound as error:
            svg = _notice_badge(
                gettext("membership"), gettext("not found"), not_found_message(error), options
            )
            return _image(svg, fmt, 404)
        svg = membership_badge(found, options)
    return _image(svg, fmt, last_modified=membership_changed_at(found), scale=scale)


# --- banners ------------------------------------------------------------------------------


def call_target(call: Call) -> str:
    """Where a call's banner leads: its button's link, or the alliance once it has ended."""
    home = external_url("public.alliance_page", alliance=call.alliance.slug)
    if call.has_ended():
        return home
    return call.button_link or home


def call_banner(
    call: Call,
    size: str,
    *,
    title: str | None = None,
    background: str | None = None,
    linked: bool = True,
) -> str:
    """A call's banner in the current language; an ended call says so and links home.

    The banner widget passes its own ``title`` and ``background`` (its ``accent``), and
    draws the banner inside its own link (``linked=False``).
    """
    alliance = call.alliance
    home = external_url("public.alliance_page", alliance=alliance.slug)
    if call.has_ended():
        ended = gettext("This call has ended.")
        text = BannerText(
            alliance=alliance.name,
            title=call.title,
            tagline=ended,
            button=gettext("To the alliance"),
            link=home,
            description=f"{call.title} – {ended}",
        )
    else:
        text = BannerText(
            alliance=alliance.name,
            title=call.title,
            tagline=call.tagline,
            button=call.button_label,
            link=call.button_link or home,
        )
    logo = alliance_logo(alliance.slug)
    if logo is not None:
        text = replace(text, logo=logo.svg_body())
    if title:
        text = replace(text, title=title, description="")
    if not linked:
        text = replace(text, link=None)
    return badges.banner(
        text,
        size,
        background=background or call.background or alliance.color,
        foreground=None if background else call.foreground,
        lang=current_language(),
    )


def _notice_banner(title: str, message: str, size: str, brand: str | None = None) -> str:
    text = BannerText(alliance="", title=title, tagline=message)
    return badges.banner(text, size, background=brand or "#4a4f55", lang=current_language())


@bp.get("/banner/<alliance>/<call>.<any(svg, png):fmt>")
@framable
def banner(alliance: str, call: str, fmt: str) -> Response:
    lang = _language(request.args)
    size = _choice(request.args, "size", tuple(BANNER_SIZES), DEFAULT_BANNER_SIZE)
    scale = _scale(request.args)
    with force_locale(lang):
        try:
            found = content.call_by_slug(db.session(), alliance, call)
        except NotFound as error:
            svg = _notice_banner(gettext("Call not found"), not_found_message(error), size)
            return _image(svg, fmt, 404)
        svg = call_banner(found, size)
    return _image(svg, fmt, last_modified=call_changed_at(found), scale=scale)


def call_changed_at(call: Call) -> dt.datetime:
    """When what a call's images show last changed: an edit, or the day after it ended."""
    moments = [call.updated_at, call.alliance.updated_at]
    if call.ends is not None and call.has_ended():
        moments.append(_midnight(call.ends + dt.timedelta(days=1)))
    return max(moments)


# --- what an image says when it cannot be made ----------------------------------------------

IMAGE_ENDPOINTS = ("badges.badge", "badges.banner")


def _notice(status: int, short: Callable[[], str], long: Callable[[], str]) -> Response:
    """A notice in the shape of the image asked for: a badge, or a banner of the default size."""
    fmt = str((request.view_args or {}).get("fmt", "svg"))
    lang = "en" if request.args.get("lang") == "en" else "de"
    with force_locale(lang):
        if request.endpoint == "badges.banner":
            svg = _notice_banner(gettext("Banner"), long(), DEFAULT_BANNER_SIZE)
        else:
            svg = _notice_badge(gettext("badge"), short(), long(), BadgeOptions(lang=lang))
    return _image(svg, fmt, status)


@bp.errorhandler(InvalidParameter)
def _invalid(error: InvalidParameter) -> Response:
    if request.endpoint not in IMAGE_ENDPOINTS:
        return errors.handle_invalid(error)
    return _notice(
        400,
        lambda: gettext("invalid parameter “%(name)s”", name=error.name),
        lambda: errors.invalid_parameter_message(error),
    )


def _outage(error: Exception) -> Response:
    if request.endpoint not in IMAGE_ENDPOINTS:
        return errors.handle_outage(error)
    errors.log_outage(error)
    notice = _notice(503, lambda: gettext("unavailable"), errors.unavailable_message)
    return errors.unavailable(notice)


for _outage_error in db.OUTAGES:
    bp.register_error_handler(_outage_error, _outage)


# --- verification -------------------------------------------------------------------------


@bp.get("/verify/<token>")
def verify(token: str) -> Response:
    session = db.session()
    try:
        membership = verified_membership(session, token)
    except InvalidToken:
        html = render_template("verify_invalid.html")
        response = Response(html, status=400, mimetype="text/html")
        response.headers["Cache-Control"] = "public, max-age=60"
        return response
    html = render_template(
        "verify.html",
        membership=membership,
        alliance=membership.alliance,
        partner=membership.partner,
        active=membership.is_active(),
        ended=membership.has_ended(),
        checked_on=today(),
    )
    response = Response(html, mimetype="text/html")
    return cached(response, "fresh")


# --- snippets for the partner page --------------------------------------------------------


@dataclass(frozen=True)
class SnippetForm:
    kind: str  # html, markdown, url, png
    label: str
    text: str
    multiline: bool


@dataclass(frozen=True)
class BadgeSnippets:
    style: str
    heading: str
    preview_url: str
    width: int
    height: int
    alt: str
    forms: tuple[SnippetForm, ...]


_SIZE = re.compile(r'<svg [^>]*?width="(\d+)" height="(\d+)"')


def badge_snippets(membership: Membership, lang: str = "de") -> list[BadgeSnippets]:
    """Each badge style with the snippets a webmaster copies: HTML, Markdown, image URLs."""
    alliance, partner = membership.alliance.slug, membership.partner.slug
    link = verification_url(membership)
    alt = gettext(
        "Membership badge: %(partner)s in the alliance “%(alliance)s”",
        partner=membership.partner.name,
        alliance=membership.alliance.name,
    )
    headings = {"flat": gettext("Small badge"), "seal": gettext("Seal")}
    result = []
    for style in STYLES:
        query: dict[str, Any] = {"style": style}
        if lang != "de":
            query["lang"] = lang
        svg_url = external_url(
            "badges.badge", alliance=alliance, partner=partner, fmt="svg", **query
        )
        png_url = external_url(
            "badges.badge", alliance=alliance, partner=partner, fmt="png", **query
        )
        with force_locale(lang):
            svg = membership_badge(membership, BadgeOptions(style=style, lang=lang))
        size = _SIZE.search(svg)
        width, height = (int(size.group(1)), int(size.group(2))) if size else (0, 0)
        markdown_alt = alt.replace("[", "(").replace("]", ")")
        html = (
            f'<a href="{_escape(link)}"><img src="{_escape(svg_url)}" alt="{_escape(alt)}"'
            f' width="{width}" height="{height}"></a>'
        )
        forms = (
            SnippetForm("html", gettext("HTML"), html, True),
            SnippetForm(
                "markdown", gettext("Markdown"), f"[![{markdown_alt}]({svg_url})]({link})", True
            ),
            SnippetForm("url", gettext("Image URL (SVG)"), svg_url, False),
            SnippetForm("png", gettext("Image URL (PNG, for e-mail)"), png_url, False),
        )
        # the preview is same-origin (the page's CSP allows 'self' images only)
        preview = url_for("badges.badge", alliance=alliance, partner=partner, fmt="svg", **query)
        result.append(BadgeSnippets(style, headings[style], preview, width, height, alt, forms))
    return result


def _escape(text: str) -> str:
    return str(escape(text))


def _template_badge_snippets(membership: Membership) -> list[BadgeSnippets]:
    return badge_snippets(membership, current_language())


bp.add_app_template_global(_template_badge_snippets, "badge_snippets")
