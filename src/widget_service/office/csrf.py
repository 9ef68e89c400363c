"""CSRF protection for the office's forms: the one module that imports Flask-WTF.

Only ``/admin`` checks the token (the public forms carry their own signed token and must
work inside third-party iframes whose cookies the browser blocks); every office POST
without a valid ``csrf_token`` is a 400.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFError, CSRFProtect

__all__ = ["CSRFError", "init_app", "protect"]

_csrf = CSRFProtect()


def protect() -> None:
    """Refuse this request (400) unless it carries a valid token; call it for POSTs."""
    _csrf.protect()


def init_app(app: Flask) -> None:
    # checked where the office asks for it, not on every POST of the application
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)  # a working day at one form
    _csrf.init_app(app)
