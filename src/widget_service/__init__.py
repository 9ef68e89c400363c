"""The alliance widget service: widgets, feeds, badges and federation for civic alliances."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, g
from werkzeug.wrappers import Response

from . import db, http, i18n, mail, monitoring, ratelimit
from .config import ConfigurationError, load_config
from .legal import operator as legal_operator
from .shipped import STATIC


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints and error handlers.

    ``config`` overrides everything else (tests pass their database and secret here).
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("WIDGETS_INSTANCE_PATH") or None,
        instance_relative_config=True,
        static_folder=str(STATIC),
    )
    load_config(app, config)
    db.init_app(app)
    i18n.init_app(app)
    http.init_app(app)
    ratelimit.init_app(app)
    monitoring.init_app(app)
    legal_operator.init_app(app)

    from . import embed
    from .badges.blueprint import bp as badges_bp
    from .builder.blueprint import bp as builder_bp
    from .feeds.blueprint import bp as feeds_bp
    from .public.blueprint import bp as public_bp
    from .web import errors, helpers

    errors.init_app(app)
    helpers.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(feeds_bp)
    embed.init_app(app)
    app.register_blueprint(builder_bp)
    from .legal.blueprint import bp as legal_bp
    from .legal.views import current_operator, privacy_note

    app.register_blueprint(legal_bp)
    app.jinja_env.globals.update(current_operator=current_operator, privacy_note=privacy_note)

    from . import office, reach

    office.init_app(app)
    reach.init_app(app, app.extensions[db.EXTENSION])

    from . import api, participation

    participation.init_app(app)
    api.init_app(app)

    from .campaign.blueprint import bp as campaign

    app.register_blueprint(campaign)

    from . import cli

    cli.init_app(app)
    _init_mail(app)
    _init_previews(app)

    from . import speed

    cache = speed.init_app(app)  # last: it wraps the whole app, so warm answers skip all of it
    cache.hit_listeners.append(app.extensions[reach.EXTENSION + ".on_cache_hit"])
    on_hit, on_miss = monitoring.cache_listeners(app)
    cache.hit_listeners.append(on_hit)
    cache.miss_listeners.append(on_miss)
    return app


MAIL_SENDER = "widget_service.mail"


def _init_mail(app: Flask) -> None:
    """Check the mail settings now, and send what a request queued once its answer has gone
    out (the message was committed with the request's write; the visitor never waits)."""
    try:
        mail.transport_from_config(app.config, app.instance_path)  # a bad URL fails at start
    except mail.MailConfigurationError as error:
        raise ConfigurationError(str(error)) from None
    app.extensions[MAIL_SENDER] = mail.Sender(
        app.extensions[db.EXTENSION],
        lambda: mail.transport_from_config(app.config, app.instance_path),
        app.config["MAIL_FROM"],
        app.config["MAIL_SENDER_NAME"],
    )

    @app.after_request
    def _send_mail_after_response(response: Response) -> Response:
        session = g.get("db_session")
        if session is not None and mail.queued_in(session) and app.config["MAIL_AFTER_RESPONSE"]:
            response.call_on_close(app.extensions[MAIL_SENDER].send_once)
        return response


def _init_previews(app: Flask) -> None:
    """Copy the preview pictures of videos a request has just published (the office's
    approval) once its answer has gone out, through the guarded fetcher; what fails is
    left to the poll."""
    from .federation import fetch, pictures

    def copy(urls: list[str]) -> None:
        with app.app_context():
            session = app.extensions[db.EXTENSION]()
            fetcher = fetch.fetcher_from_config(app.config, app.instance_path)
            try:
                pictures.copy_pictures(session, fetcher, urls, workers=1)
            except Exception:  # the answer has gone; the poll tries again
                logging.getLogger(__name__).exception("copying a video's preview failed")
            finally:
                fetcher.close()
                session.close()

    @app.after_request
    def _copy_previews_after_response(response: Response) -> Response:
        session = g.get("db_session")
        if session is None:
            return response
        urls = session.info.pop(pictures.PREVIEWS_AFTER_RESPONSE, None)
        if urls and app.config["PREVIEWS_AFTER_RESPONSE"] and response.status_code < 400:
            response.call_on_close(lambda: copy(sorted(urls)))
        return response
