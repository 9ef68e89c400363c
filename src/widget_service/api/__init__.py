"""The JSON API: reads for anyone, writes for partners' tokens, and its OpenAPI document."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)
