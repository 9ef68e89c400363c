"""Taking part from a member's website: suggestions and stories, signatures, applications.

``init_app`` registers the forms' URLs, the helpers their templates call, the defaults
of their settings and the ``signatures`` commands.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

from ..config import ConfigurationError
from . import forms

DEFAULTS = {
    # seconds a form must have been open before it is sent (the time trap); tests set 0
    "FORM_MIN_SECONDS": forms.DEFAULT_MIN_SECONDS,
    "FORM_RATE_LIMIT": "10 per minute;60 per day",
    # days a call's signatures are kept after the call ended
    "SIGNATURE_RETENTION_DAYS": 90,
}


def retention_days(value: object) -> int:
    """``WIDGETS_SIGNATURE_RETENTION_DAYS`` as a whole number of days (0 or more): the purge
    and the privacy policy read the same number, so a typo stops the start."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 5:
        raise ConfigurationError(
            f"WIDGETS_SIGNATURE_RETENTION_DAYS must be a whole number of days, not {value!r}."
        )
    return int(text)


def init_app(app: Flask) -> None:
    from . import cli, views
    from .blueprint import bp

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config["SIGNATURE_RETENTION_DAYS"] = retention_days(app.config["SIGNATURE_RETENTION_DAYS"])
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        submit_state=views.submit_state,
        sign_form_state=views.sign_form_state,
        join_form_state=views.join_form_state,
        signature_count_text=views.signature_count_text,
        join_url=views.join_url,
        sign_url=views.sign_url,
    )
    app.cli.add_command(cli.signatures)

    @app.after_request
    def _no_store_forms(response: Response) -> Response:
        return forms.no_store_if_issued(response)
