"""What every public form shares: the signed form token, the honeypot, the field messages.

A public form lives in a third-party iframe whose cookies the browser may block, so it
keeps no session. Its ``form_token`` is signed (``signing.FORM``, a salt of its own and a
``max_age``) and names the form and what it is for (``submit:<alliance>``): it is the
CSRF token (only a page this service served carries one) and the time trap (a form sent
sooner than ``FORM_MIN_SECONDS`` after it was served is a machine's). A token is used once:
its digest is stored (``UsedFormToken``) in the transaction that stores what it brought,
until the token would have expired anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g
from sqlalchemy import delete
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import signing
from ..i18n import gettext, lazy_gettext
from ..models import UsedFormToken
from ..record_schema import FieldError
from ..timeutil import utcnow

HONEYPOT = "website_url"
DEFAULT_MIN_SECONDS = 3


class Refused(Exception):
    """The form as a whole is refused (a spam trap); ``message`` says so to a person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass
class FormState:
    """A form as it is shown: the values given, a message per field, a message for the
    whole form, and a fresh token."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    token: str = ""

    @property
    def invalid(self) -> bool:
        return bool(self.errors or self.message)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def _keys() -> signing.Keys:
    return signing.Keys.from_config(current_app.config)


def issue_token(form: str, scope: str) -> str:
    """A token for one showing of a form; its page must not be cached (see ``no_store``)."""
    g.form_token_issued = True
    payload = {"f": form, "s": scope, "t": round(time.time(), 3), "n": secrets.token_hex(8)}
    return signing.sign(_keys(), signing.FORM, payload)


def fresh_state(form: str, scope: str, values: Mapping[str, str] | None = None) -> FormState:
    return FormState(values=dict(values or {}), token=issue_token(form, scope))


def min_seconds() -> float:
    return float(current_app.config.get("FORM_MIN_SECONDS", DEFAULT_MIN_SECONDS))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_traps(session: Session, data: Mapping[str, str], form: str, scope: str) -> str:
    """Check the honeypot and the token; return the token's digest, or raise :class:`Refused`.

    Nothing is stored here: :func:`use_token` marks the token used in the caller's write.
    """
    if data.get(HONEYPOT, "").strip():
        raise Refused("honeypot", gettext("This form could not be accepted. Please try again."))
    token = data.get("form_token", "")
    try:
        payload = signing.unsign(_keys(), signing.FORM, token) if token else None
    except signing.InvalidToken:
        payload = None
    if not isinstance(payload, dict) or payload.get("f") != form or payload.get("s") != scope:
        raise Refused(
            "token",
            gettext("This form has expired or is not from this page. Please send it again."),
        )
    issued = payload.get("t")
    if not isinstance(issued, int | float) or time.time() - issued < min_seconds():
        raise Refused(
            "too_fast",
            gettext("The form was sent very quickly. Please check it and send it again."),
        )
    digest = token_digest(token)
    if session.get(UsedFormToken, digest) is not None:
        raise Refused("replayed", replayed_message())
    return digest


def replayed_message() -> str:
    return gettext("This form has already been sent.")


def use_token(session: Session, digest: str) -> None:
    """Mark a token used, in the caller's transaction; forget tokens that have expired."""
    now = utcnow()
    session.execute(delete(UsedFormToken).where(UsedFormToken.expires_at < now))
    expires = now + dt.timedelta(seconds=signing.MAX_AGES[signing.FORM])
    session.add(UsedFormToken(digest=digest, expires_at=expires))


# --- messages beside the fields, in the form's language ----------------------------------

MESSAGES: dict[str, Any] = {
    "required": lazy_gettext("Please fill in this field."),
    "required_new": lazy_gettext("Please fill in this field."),
    "empty": lazy_gettext("Please fill in this field."),
    "text": lazy_gettext("Please enter text."),
    "too_long": lazy_gettext("Please shorten this to at most %(limit)s characters."),
    "too_long_html": lazy_gettext("Please shorten this to at most %(limit)s characters."),
    "single_line": lazy_gettext("Please write this on a single line."),
    "url": lazy_gettext("Please enter a web address beginning with https:// or http://."),
    "email": lazy_gettext("Please enter an e-mail address such as name@example.org."),
    "choice": lazy_gettext("Please choose one of the options."),
    "consent": lazy_gettext("Please agree so that we may process your details."),
    "no_action_field": lazy_gettext("Please choose one of the options."),
}


def field_message(code: str, **params: Any) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return gettext("Please check this field.")
    return str(template) % params if params else str(template)


def problem_message(error: FieldError) -> str:
    """A record schema's problem as a message for a person, in the current language."""
    params = {key: value for key, value in error.problem.params.items() if key == "limit"}
    return field_message(error.problem.code, **params)


def text_value(data: Mapping[str, str], name: str) -> str:
    """A form value as typed, without surrounding white space."""
    return (data.get(name) or "").strip()


def no_store_if_issued(response: Response) -> Response:
    """A page that carries a form token is for one visitor: no cache may keep it."""
    if g.get("form_token_issued"):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
        response.headers.pop("Last-Modified", None)
    return response
