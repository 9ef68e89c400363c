"""Office sessions: the one module that imports Flask-Login.

The session cookie carries the account's id and its ``session_epoch``; changing the
password or disabling the account advances the epoch, which ends every session issued
before at once. The cookie is limited to ``/admin``, HttpOnly, SameSite=Lax, and Secure
outside development and tests (``config.py``, ``office.init_app``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from .. import db
from ..models import User

__all__ = ["Account", "current_account", "init_app", "log_in", "log_out"]

login_manager = LoginManager()


class Account:
    """A logged-in office account, as Flask-Login needs it."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, user: User) -> None:
        self.user = user

    @property
    def is_active(self) -> bool:
        return bool(self.user.active)

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_epoch}"


def _load(identifier: str) -> Account | None:
    user_id, _, epoch = identifier.partition(":")
    if not user_id.isdigit() or not epoch.isdigit() or not 0 < int(user_id) < 2**31:
        return None
    user = db.session().get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return Account(user)


def _unauthorized() -> Response:
    # the path and query only: never an absolute URL that could lead elsewhere
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("office.login", next=target))


def current_account() -> User | None:
    """The logged-in account of this request, or None."""
    account: Any = current_user
    if account is None or not getattr(account, "is_authenticated", False):
        return None
    user: User = account.user
    return user


def log_in(user: User) -> None:
    """Start a session for ``user`` (a new session: nothing from before the login is kept)."""
    from flask import session

    session.clear()
    login_user(Account(user))


def log_out() -> None:
    """End the session."""
    from flask import session

    logout_user()
    session.clear()


def login_required(view: Any) -> Any:
    """Send a request without a session to the login page (``next`` brings it back)."""
    from flask_login import login_required as required

    return required(view)


login_manager.user_loader(_load)
login_manager.unauthorized_handler(_unauthorized)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # no "remember me" cookie: a session ends when the browser closes or the epoch moves
    login_manager.session_protection = "basic"
    app.config.setdefault("REMEMBER_COOKIE_PATH", "/admin")
