"""Membership badges, call banners (SVG and PNG) and the badge verification page.

Image routes answer with an image whatever happens: an unknown slug is a readable
"nicht gefunden" image with 404, a bad parameter a readable image with 400, never an
HTML page where an ``<img>`` expects a picture. They set no cookie, may be embedded
and read by any site, and are cached with an ETag (304 on a match).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import render_template, request
from werkzeug.wrappers import Response

from .. import content, db, raster
from ..errors import InvalidParameter, NotFound
from ..http import cached, framable, open_cors
from ..i18n import force_locale, gettext
from ..timeutil import today
from ..web import errors
from ..web.errors import not_found_message
from .compose import (
    BadgeOptions,
    call_banner,
    call_changed_at,
    choice,
    language,
    membership_badge,
    membership_changed_at,
    notice_badge,
    notice_banner,
    scale,
)
from .links import verified_membership
from .render import BANNER_SIZES, DEFAULT_BANNER_SIZE
from .verification import InvalidToken

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
# an SVG opened on its own may do nothing but show itself
IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"


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


@framable
def badge(alliance: str, partner: str, fmt: str) -> Response:
    options = BadgeOptions.from_args(request.args)  # a bad one: see invalid below
    times = scale(request.args)
    with force_locale(options.lang):
        try:
            found = content.membership(db.session(), alliance, partner)
        except NotFound as error:
            svg = notice_badge(
                gettext("membership"), gettext("not found"), not_found_message(error), options
            )
            return _image(svg, fmt, 404)
        svg = membership_badge(found, options)
    return _image(svg, fmt, last_modified=membership_changed_at(found), scale=times)


@framable
def banner(alliance: str, call: str, fmt: str) -> Response:
    lang = language(request.args)
    size = choice(request.args, "size", tuple(BANNER_SIZES), DEFAULT_BANNER_SIZE)
    times = scale(request.args)
    with force_locale(lang):
        try:
            found = content.call_by_slug(db.session(), alliance, call)
        except NotFound as error:
            svg = notice_banner(gettext("Call not found"), not_found_message(error), size)
            return _image(svg, fmt, 404)
        svg = call_banner(found, size)
    return _image(svg, fmt, last_modified=call_changed_at(found), scale=times)


# --- what an image says when it cannot be made ----------------------------------------------

IMAGE_ENDPOINTS = ("badges.badge", "badges.banner")


def _notice(status: int, short: Callable[[], str], long: Callable[[], str]) -> Response:
    """A notice in the shape of the image asked for: a badge, or a banner of the default size."""
    fmt = str((request.view_args or {}).get("fmt", "svg"))
    lang = "en" if request.args.get("lang") == "en" else "de"
    with force_locale(lang):
        if request.endpoint == "badges.banner":
            svg = notice_banner(gettext("Banner"), long(), DEFAULT_BANNER_SIZE)
        else:
            svg = notice_badge(gettext("badge"), short(), long(), BadgeOptions(lang=lang))
    return _image(svg, fmt, status)


def invalid(error: InvalidParameter) -> Response:
    if request.endpoint not in IMAGE_ENDPOINTS:
        return errors.handle_invalid(error)
    return _notice(
        400,
        lambda: gettext("invalid parameter “%(name)s”", name=error.name),
        lambda: errors.invalid_parameter_message(error),
    )


def outage(error: Exception) -> Response:
    if request.endpoint not in IMAGE_ENDPOINTS:
        return errors.handle_outage(error)
    errors.log_outage(error)
    notice = _notice(503, lambda: gettext("unavailable"), errors.unavailable_message)
    return errors.unavailable(notice)


# --- verification -------------------------------------------------------------------------


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
