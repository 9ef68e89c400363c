"""HTTP behaviour per route class: caching, conditional GET, security headers, absolute URLs.

Every public response gets ``Cache-Control`` from its class, an ``ETag`` (from the
body unless the view knows better), ``Last-Modified`` where known, and is answered
with 304 when the client already has it. Pages deny framing unless their view is
marked :func:`framable`; inline ``<style>`` blocks are allowed by hash, not wholesale.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from .errors import InvalidParameter
from .text import has_control

# seconds fresh, then seconds a cache may serve it stale while it refetches
POLICIES: dict[str, str] = {
    "page": "public, max-age=300, stale-while-revalidate=600",
    "feed": "public, max-age=900, stale-while-revalidate=3600",
    "embed": "public, max-age=300, stale-while-revalidate=3600",
    "image": "public, max-age=3600, stale-while-revalidate=86400",
    # an image that says something went wrong: soon asked again, the fault may be fixed
    "image_error": "public, max-age=60, stale-while-revalidate=300",
    # must be checked with the server on every use (ETag, 304): badge verification
    "fresh": "public, no-cache",
    "api": "public, max-age=60, stale-while-revalidate=300",
    "static": "public, max-age=86400, stale-while-revalidate=604800",
    # named by their content: a changed picture gets a new address
    "immutable": "public, max-age=31536000, immutable",
    "none": "no-store",
    "private": "private, no-store",
}

BASE_CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)
# no page or widget of ours uses these; a frame of ours must not be able to ask for them
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
View = TypeVar("View", bound=Callable[..., Any])


def framable(view: View) -> View:
    """Mark a view whose responses any site may put in a frame (embeds, images)."""
    view.framable = True  # type: ignore[attr-defined]
    return view


def cached(
    response: Response,
    policy: str,
    last_modified: dt.datetime | None = None,
    etag: str | None = None,
) -> Response:
    """Give a response its cache headers and answer 304 when the client is current.

    ``If-None-Match`` wins over ``If-Modified-Since``; a garbage date is ignored.
    """
    response.headers["Cache-Control"] = POLICIES[policy]
    if etag is not None:
        response.set_etag(etag)
    elif response.status_code == 200 and not response.is_streamed:
        response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    return response.make_conditional(request)


def open_cors(response: Response) -> Response:
    """Let any site read this response from script, without credentials (feeds, fragments, API)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    return response


def inline_style(css: str) -> Markup:
    """A ``<style>`` block the page's Content-Security-Policy allows by its hash."""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    hashes: set[str] = g.setdefault("style_hashes", set())
    hashes.add(f"'sha256-{digest}'")
    return Markup("<style>{}</style>").format(Markup(css))  # noqa: S704 (css built by us)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL, based on ``WIDGETS_PUBLIC_URL`` when it is set."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return str(base) + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if response.status_code in (301, 302, 303, 307, 308):
        # a redirect is as lasting as the page it leads to
        headers.setdefault("Cache-Control", POLICIES["page"])
    view = current_app.view_functions.get(request.endpoint or "")
    styles = " ".join(sorted(g.get("style_hashes", ())))
    style_src = f"style-src 'self' {styles}".rstrip()
    if getattr(view, "framable", False):
        if response.mimetype == "image/svg+xml":
            # an SVG opened by itself is a document: it may style itself, never run script
            headers.setdefault("Content-Security-Policy", SVG_CSP)
        elif response.mimetype == "text/html":
            # a page the view did not give a policy of its own, such as the error page of a
            # form (404, 429, 503): framed where the form is, and as strict as every page
            headers.setdefault(
                "Content-Security-Policy", f"{BASE_CSP}; {style_src}; frame-ancestors *"
            )
        return response
    policy = f"{BASE_CSP}; {style_src}; frame-ancestors 'none'"
    if g.get("frame_sources"):
        # a story's video: its player's origin, framed only after the visitor's click
        policy += "; frame-src 'self' " + " ".join(sorted(g.frame_sources))
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        # pages follow the browser's language unless ?lang= says otherwise
        response.vary.add("Accept-Language")
    return response


def _refuse_control_characters() -> None:
    """No URL of ours has control characters; PostgreSQL refuses a NUL in a query parameter.

    The error names the parameter and is answered by the route's own handler, so a feed,
    a widget or oEmbed answers in its own shape.
    """
    if has_control(request.path):
        raise InvalidParameter("path", "control")
    for name, value in request.args.items(multi=True):
        if has_control(name) or has_control(value):
            raise InvalidParameter(name if not has_control(name) else "?", "control")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_control_characters)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(inline_style=inline_style, external_url=external_url)
