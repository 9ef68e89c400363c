"""Errors become responses here, in the visitor's language and never with a stack trace.

One set of handlers serves the whole app; what an error looks like is the *shape* of the
route it happened on, and each shape has one renderer:

- ``page``: an HTML page in the site's style (the default);
- ``json``: ``{"error": {"status": 404, "message": "…"}}``;
- ``text``: one plain line, for feed readers and calendars, which show no page;
- ``widget`` and ``fragment``: a widget that says what went wrong (``embed`` adds these);
- ``image``: a readable picture where an ``<img>`` expects one (``badges`` answers its
  own errors as images today; a renderer added for ``image`` would take that over).

A blueprint declares its shape once (:func:`declare_shape`); a view whose answers differ
from its blueprint's says so with :func:`errors_as`. An unknown address under a blueprint's
URL prefix (``/api/…``) answers in that blueprint's shape. Every message is written here.
The cache policy of an error is applied with every other one (``http.apply_cache_policy``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Blueprint, Flask, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from .. import db
from ..errors import InvalidParameter, NotFound
from ..http import ERROR_ANSWER, open_cors
from ..i18n import current_language, gettext, lazy_gettext, requested_language

NOT_FOUND = {
    "alliance": lazy_gettext("There is no alliance “%(slug)s”."),
    "partner": lazy_gettext("There is no partner “%(slug)s”."),
    "field": lazy_gettext("There is no action field “%(slug)s”."),
    "project": lazy_gettext("There is no published project “%(slug)s”."),
    "event": lazy_gettext("There is no published event “%(slug)s”."),
    "call": lazy_gettext("There is no call “%(slug)s”."),
    "membership": lazy_gettext("There is no public membership “%(slug)s”."),
    "widget": lazy_gettext("There is no widget “%(slug)s”."),
    "picture": lazy_gettext("There is no picture “%(slug)s”."),
    "feed_page": lazy_gettext("This feed has no page %(slug)s."),
}

PROBLEMS = {
    "range": lazy_gettext("it must be a whole number from %(low)s to %(high)s"),
    "slug": lazy_gettext("it must be a slug (lower-case letters, digits and hyphens)"),
    "too_long": lazy_gettext("it is too long"),
    "choice": lazy_gettext("it must be one of %(options)s"),
    "color": lazy_gettext("it must be a colour like #c00000"),
    "required": lazy_gettext("it is required"),
    "one_alliance": lazy_gettext("it must name one alliance, not “all”"),
    "control": lazy_gettext("it contains control characters"),
}

TITLES = {
    400: lazy_gettext("This request cannot be answered"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("This method is not allowed here"),
    413: lazy_gettext("The request is too large"),
    429: lazy_gettext("Too many requests"),
    500: lazy_gettext("Something went wrong on our side"),
    503: lazy_gettext("The service is briefly unavailable"),
}

# what an HTTP error says beyond its title
HTTP_MESSAGES = {
    404: lazy_gettext("The address may be mistyped, or the page has moved or been removed."),
    405: lazy_gettext("Please use the links and forms of this site."),
    500: lazy_gettext("The error has been recorded. Please try again later."),
}


def not_found_message(error: NotFound) -> str:
    """``There is no partner “x”.`` in the visitor's language."""
    template = NOT_FOUND.get(error.kind)
    if template is None:
        return gettext("Nothing was found under “%(slug)s”.", slug=error.slug)
    return str(template) % {"slug": error.slug}


def invalid_parameter_message(error: InvalidParameter) -> str:
    """``The parameter “limit” is not valid: …`` in the visitor's language."""
    template = PROBLEMS.get(error.problem)
    problem = str(template) % error.details if template is not None else error.message
    return gettext(
        "The parameter “%(name)s” is not valid: %(problem)s.", name=error.name, problem=problem
    )


# seconds a client should wait before asking again while the database is away
RETRY_AFTER = 30


def unavailable_message() -> str:
    return gettext("The database is not answering at the moment. Please try again shortly.")


def unavailable(response: Response) -> Response:
    """Make an error response a 503 that asks to come back soon (and is never stored)."""
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def log_outage(error: Exception) -> None:
    # no traceback: the operator needs the cause, and /healthz says the same
    current_app.logger.warning("Database unavailable on %s: %s", request.path, error)


# --- shapes and their renderers -------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """An error to show: its status, and its title and message, each read in the language
    the renderer chooses (a widget speaks its ``lang=``, a page the visitor's)."""

    status: int
    message: Callable[[], str]
    title: Callable[[], str] = str  # pages show one; the other shapes do not


Renderer = Callable[[Problem], Response]
RENDERERS = "widget_service.error_renderers"
View = TypeVar("View", bound=Callable[..., object])

# blueprint name -> shape, declared by each blueprint with declare_shape
_SHAPES: dict[str, str] = {}


def declare_shape(bp: Blueprint, shape: str) -> None:
    """Every error on the routes of ``bp`` (and under its URL prefix) answers as ``shape``."""
    _SHAPES[bp.name] = shape


def errors_as(shape: str) -> Callable[[View], View]:
    """Mark a view whose errors answer as ``shape`` rather than as its blueprint's."""

    def mark(view: View) -> View:
        view.error_shape = shape  # type: ignore[attr-defined]
        return view

    return mark


def add_renderer(app: Flask, shape: str, renderer: Renderer) -> None:
    """The renderer of ``shape`` (a feature adds the shapes only it can draw)."""
    app.extensions[RENDERERS][shape] = renderer


def current_shape() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    declared = getattr(view, "error_shape", None)
    if declared is not None:
        return str(declared)
    name = request.blueprint if request.url_rule is not None else _blueprint_by_prefix()
    return _SHAPES.get(name or "", "page")


def _blueprint_by_prefix() -> str | None:
    """The blueprint whose URL prefix's first segment an unknown address is under."""
    first = request.path.strip("/").split("/", 1)[0]
    for name, blueprint in current_app.blueprints.items():
        prefix = (blueprint.url_prefix or "").strip("/")
        if prefix and prefix.split("/", 1)[0] == first:
            return name
    return None


def _page(problem: Problem) -> Response:
    status = problem.status
    html = render_template(
        "error.html", status=status, title=problem.title(), message=problem.message()
    )
    return Response(html, status=status, mimetype="text/html")


def _json(problem: Problem) -> Response:
    """The message is in the request's language (``?lang=``, else Accept-Language)."""
    error = {"status": problem.status, "message": problem.message()}
    body = json.dumps({"error": error}, ensure_ascii=False)
    response = Response(body, status=problem.status, mimetype="application/json")
    if requested_language() is None:
        response.vary.add("Accept-Language")
    return open_cors(response)


def _text(problem: Problem) -> Response:
    response = Response(problem.message() + "\n", status=problem.status, mimetype="text/plain")
    response.headers["Content-Language"] = current_language()
    response.vary.add("Accept-Language")
    return open_cors(response)


def answer(problem: Problem, shape: str | None = None) -> Response:
    """``problem`` in the shape of the current route (or ``shape``)."""
    renderers: dict[str, Renderer] = current_app.extensions[RENDERERS]
    g.setdefault(ERROR_ANSWER, True)
    return renderers[shape or current_shape()](problem)


def _title(status: int, fallback: str = "") -> Callable[[], str]:
    return lambda: str(TITLES[status]) if status in TITLES else fallback


def handle_not_found(error: NotFound) -> Response:
    return answer(Problem(404, lambda: not_found_message(error), _title(404)))


def handle_invalid(error: InvalidParameter) -> Response:
    return answer(Problem(400, lambda: invalid_parameter_message(error), _title(400)))


def _http_message(status: int) -> str:
    known = HTTP_MESSAGES.get(status)
    return str(known) if known is not None else gettext("Please check the address and try again.")


def handle_http(error: HTTPException) -> Response:
    status = error.code or 500
    problem = Problem(status, lambda: _http_message(status), _title(status, error.name))
    response = answer(problem)
    if status == 405:
        for name, value in error.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


def handle_outage(error: Exception) -> Response:
    log_outage(error)
    return unavailable(answer(Problem(503, unavailable_message, _title(503))))


def handle_unexpected(error: Exception) -> Response:
    # the traceback goes to the log for the operator; the visitor sees a plain page
    current_app.logger.error("Unhandled exception on %s", request.path, exc_info=error)
    return handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    app.extensions[RENDERERS] = {"page": _page, "json": _json, "text": _text}
    app.register_error_handler(NotFound, handle_not_found)
    app.register_error_handler(InvalidParameter, handle_invalid)
    app.register_error_handler(HTTPException, handle_http)
    for outage in db.OUTAGES:
        app.register_error_handler(outage, handle_outage)
    app.register_error_handler(Exception, handle_unexpected)
