"""The alliance office (``/admin``): accounts, records, moderation, tokens, sources,
statistics and the audit log.

Every office response is private and never stored (``Cache-Control: no-store``) and
refuses to be framed; every POST needs the session's CSRF token. The session cookie is
the only cookie of the service, limited to ``/admin``.
"""

from __future__ import annotations

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.wrappers import Response

from . import auth, csrf

PREFIX = "/admin"


def _office_headers(response: Response) -> Response:
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Pragma"] = "no-cache"
        response.vary.add("Cookie")
        # the Content-Security-Policy with frame-ancestors 'none' comes from http.py
    return response


class OfficeSessionInterface(SecureCookieSessionInterface):
    """The session exists only under ``/admin``. Elsewhere a request gets Flask's null
    session: nothing is read from a cookie, none is set, and (since nothing is saved) no
    ``Vary: Cookie`` is added — so public answers stay one shared copy for every cache,
    even though Flask-Login looks at the session after every request."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            return super().open_session(app, request)
        return None  # Flask makes it a null session


def init_app(app: Flask) -> None:
    """Register the office: sessions, CSRF, headers and its pages."""
    # a cookie that travels only over HTTPS, except on a developer's own machine and in tests
    if app.config["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.session_interface = OfficeSessionInterface()
    auth.init_app(app)
    csrf.init_app(app)
    from .blueprint import bp

    app.register_blueprint(bp)
    app.after_request(_office_headers)
