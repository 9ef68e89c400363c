"""The alliance widget service: widgets, feeds, badges and federation for civic alliances."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from . import db, http, i18n
from .config import load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints and error handlers.

    ``config`` overrides everything else (tests pass their database and secret here).
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("WIDGETS_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    load_config(app, config)
    db.init_app(app)
    i18n.init_app(app)
    http.init_app(app)

    from .views import badges, builder, embed, errors, feeds, helpers, public

    errors.init_app(app)
    helpers.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(badges.bp)
    app.register_blueprint(feeds.bp)
    embed.init_app(app)
    app.register_blueprint(builder.bp)

    from . import cli

    cli.init_app(app)
    return app
