"""Errors become responses here, in the visitor's language and never with a stack trace.

Pages get an HTML page in the site's style; ``/api/`` gets JSON. Blueprints with their
own audience (feeds, images) may register handlers of their own, which Flask prefers.
"""

from __future__ import annotations

import json

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from .. import db
from ..errors import InvalidParameter, NotFound
from ..i18n import gettext, lazy_gettext

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
}


def not_found_message(error: NotFound) -> str:
    """``There is no partner “x”.`` in the visitor's language."""
    template = NOT_FOUND.get(error.kind)
    if template is None:
        return gettext("Nothing was found under “%(slug)s”.", slug=error.slug)
    return str(template) % {"slug": error.slug}


def invalid_parameter_message(error: InvalidParameter) -> str:
    """``The parameter “limit” is not valid: …`` in the visitor's language."""
    problems = {
        "range": lazy_gettext("it must be a whole number from %(low)s to %(high)s"),
        "slug": lazy_gettext("it must be a slug (lower-case letters, digits and hyphens)"),
        "too_long": lazy_gettext("it is too long"),
        "choice": lazy_gettext("it must be one of %(options)s"),
        "color": lazy_gettext("it must be a colour like #c00000"),
        "required": lazy_gettext("it is required"),
        "one_alliance": lazy_gettext("it must name one alliance, not “all”"),
        "control": lazy_gettext("it contains control characters"),
    }
    template = problems.get(error.problem)
    problem = str(template) % error.details if template is not None else error.message
    return gettext(
        "The parameter “%(name)s” is not valid: %(problem)s.", name=error.name, problem=problem
    )


# seconds a client should wait before asking again while the database is away
RETRY_AFTER = 30


def unavailable_message() -> str:
    return gettext("The database is not answering at the moment. Please try again shortly.")


def unavailable(response: Response) -> Response:
    """Make an error response a 503 that asks to come back soon and is never cached."""
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def log_outage(error: Exception) -> None:
    # no traceback: the operator needs the cause, and /healthz says the same
    current_app.logger.warning("Database unavailable on %s: %s", request.path, error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, message: str) -> Response:
    if _wants_json():
        response = Response(
            f'{{"error": {{"status": {status}, "message": {_json_string(message)}}}}}',
            status=status,
            mimetype="application/json",
        )
    else:
        html = render_template("error.html", status=status, title=title, message=message)
        response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store" if status >= 500 else "public, max-age=60"
    return response


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _titles() -> dict[int, str]:
    return {
        400: gettext("This request cannot be answered"),
        404: gettext("Page not found"),
        405: gettext("This method is not allowed here"),
        413: gettext("The request is too large"),
        429: gettext("Too many requests"),
        500: gettext("Something went wrong on our side"),
        503: gettext("The service is briefly unavailable"),
    }


def handle_not_found(error: NotFound) -> Response:
    return _render(404, _titles()[404], not_found_message(error))


def handle_invalid(error: InvalidParameter) -> Response:
    return _render(400, _titles()[400], invalid_parameter_message(error))


def handle_http(error: HTTPException) -> Response:
    status = error.code or 500
    title = _titles().get(status, error.name)
    messages = {
        404: gettext("The address may be mistyped, or the page has moved or been removed."),
        405: gettext("Please use the links and forms of this site."),
        500: gettext("The error has been recorded. Please try again later."),
    }
    message = messages.get(status) or gettext("Please check the address and try again.")
    response = _render(status, title, message)
    if status == 405 and isinstance(error, HTTPException):
        allowed = error.get_headers()
        for name, value in allowed:
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


def handle_outage(error: Exception) -> Response:
    log_outage(error)
    return unavailable(_render(503, _titles()[503], unavailable_message()))


def handle_unexpected(error: Exception) -> Response:
    # the traceback goes to the log for the operator; the visitor sees a plain page
    current_app.logger.error("Unhandled exception on %s", request.path, exc_info=error)
    return handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(NotFound, handle_not_found)
    app.register_error_handler(InvalidParameter, handle_invalid)
    app.register_error_handler(HTTPException, handle_http)
    for outage in db.OUTAGES:
        app.register_error_handler(outage, handle_outage)
    app.register_error_handler(Exception, handle_unexpected)
