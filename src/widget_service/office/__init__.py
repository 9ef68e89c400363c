"""The alliance office (``/admin``): accounts, records, moderation, tokens, sources,
statistics and the audit log.

Every office response is private and never stored (``Cache-Control: no-store``) and
refuses to be framed; every POST needs the session's CSRF token. The session cookie is
the only cookie of the service, limited to ``/admin``.
"""

from __future__ import annotations

from flask import Flask, request
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


def init_app(app: Flask) -> None:
    """Register the office: sessions, CSRF, headers and its pages."""
    # a cookie that travels only over HTTPS, except on a developer's own machine and in tests
    if app.config["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    auth.init_app(app)
    csrf.init_app(app)
    from .blueprint import bp

    app.register_blueprint(bp)
    app.after_request(_office_headers)
