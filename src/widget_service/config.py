"""Configuration: defaults, then ``instance/config.py``, then ``WIDGETS_*`` variables.

Outside development and tests the service refuses to start with a weak secret or with
debug on: a forged badge token or an exposed debugger is worse than a service that is down.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENTS = ("production", "development", "test")
MIN_SECRET_LENGTH = 32
SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class ConfigurationError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


DEFAULTS: dict[str, Any] = {
    # production unless told otherwise, so a forgotten setting fails closed
    "ENV": "production",
    "DEBUG": False,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": [],
    "DATABASE_URL": None,  # None: SQLite in the instance folder
    "PUBLIC_URL": None,  # None: links use the request's own host
    "REDIS_URL": None,
    "FETCH_ALLOW_HOSTS": [],
    # federation: limits for fetching a source (docs/operations.md)
    "FETCH_CONNECT_TIMEOUT": 5.0,  # seconds to connect
    "FETCH_READ_TIMEOUT": 15.0,  # seconds the source may stay silent
    "FETCH_DEADLINE": 60.0,  # seconds for the whole download, however it trickles, and reading it
    "FETCH_MAX_BYTES": 5 * 1024 * 1024,  # body size after decompression
    "FETCH_MAX_REDIRECTS": 5,
    "FETCH_MAX_ITEMS": 1000,  # items read from one source
    "FETCH_WORKERS": 8,  # sources fetched at once
    "FETCH_CACHE_PATH": None,  # None: fetch-cache.sqlite3 in the instance folder
    # a folder laid out like the shipped widgets/ (common.toml, base.css, <name>/widget.toml …);
    # None: the widgets that ship with the service
    "WIDGETS_PATH": None,
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # e-mail (mail.py): smtp://, smtps:// or smtp+starttls://; None: the instance's outbox
    "SMTP_URL": None,
    "MAIL_FROM": "noreply@localhost",
    "MAIL_SENDER_NAME": None,  # None: the site's name
    # a web process sends queued mail once the answer has gone out (tests send it themselves)
    "MAIL_AFTER_RESPONSE": True,
    # a web process copies the preview of a video it has just published once the answer has
    # gone out (federation/pictures.py; tests copy them themselves)
    "PREVIEWS_AFTER_RESPONSE": True,
    # who may read /metrics: addresses or networks, comma-separated (None: loopback only)
    "METRICS_ALLOW": None,
    # "json": one JSON object per log line, without query strings or personal data
    "LOG_FORMAT": "text",
    "SITE_NAME": None,  # None: "Bündnisse in Niedersachsen"
    "IMPRINT_URL": None,  # the operator's Impressum, linked from every page
    "SEND_FILE_MAX_AGE_DEFAULT": 86400,  # static URLs carry a content hash
    # the office (/admin, a later issue) will be the only user of a session cookie
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "widgets_office",
    "SESSION_COOKIE_PATH": "/admin",
}


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order and check that it is safe to run."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WIDGETS")
    if overrides:
        app.config.from_mapping(overrides)
    _normalise(app)
    _ensure_secret(app)


def _normalise(app: Flask) -> None:
    config = app.config
    env = str(config["ENV"]).lower()
    if env not in ENVIRONMENTS:
        raise ConfigurationError(
            f"WIDGETS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {config['ENV']!r}."
        )
    config["ENV"] = env
    config["TESTING"] = config.get("TESTING", False) or env == "test"
    for key in ("SECRET_KEY_FALLBACKS", "FETCH_ALLOW_HOSTS"):
        value = config[key]
        if isinstance(value, str):
            config[key] = [part.strip() for part in value.split(",") if part.strip()]
    for key, kind in FETCH_NUMBERS.items():
        config[key] = _positive(key, config[key], kind)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "widgets.sqlite3")
    _widget_folder(config)
    if config["PUBLIC_URL"]:
        config["PUBLIC_URL"] = str(config["PUBLIC_URL"]).rstrip("/")


def _widget_folder(config: Any) -> None:
    # the environment's WIDGETS_PATH arrives without its prefix, as PATH
    if config.get("PATH") and not config.get("WIDGETS_PATH"):
        config["WIDGETS_PATH"] = config.pop("PATH")
    folder = config.get("WIDGETS_PATH")
    if folder and not (Path(folder) / "common.toml").is_file():
        raise ConfigurationError(
            f"WIDGETS_PATH must name a folder laid out like the shipped widgets/ "
            f"(with common.toml and a folder per widget), not {folder!r}."
        )


FETCH_NUMBERS: dict[str, type[int] | type[float]] = {
    "FETCH_CONNECT_TIMEOUT": float,
    "FETCH_READ_TIMEOUT": float,
    "FETCH_DEADLINE": float,
    "FETCH_MAX_BYTES": int,
    "FETCH_MAX_REDIRECTS": int,
    "FETCH_MAX_ITEMS": int,
    "FETCH_WORKERS": int,
}


def _positive(key: str, value: Any, kind: type[int] | type[float]) -> int | float:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or number <= 0 or (kind is int and number != float(value)):
        what = "whole number" if kind is int else "number"
        raise ConfigurationError(f"WIDGETS_{key} must be a positive {what}, not {value!r}.")
    return number


def _ensure_secret(app: Flask) -> None:
    config = app.config
    relaxed = config["ENV"] in ("development", "test")
    if not config["SECRET_KEY"] and relaxed:
        config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    secret = config["SECRET_KEY"]
    if relaxed:
        return
    if not secret or len(str(secret)) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"WIDGETS_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} random characters "
            "outside development (generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'). For local work set WIDGETS_ENV=development."
        )
    if config["DEBUG"]:
        raise ConfigurationError(
            "WIDGETS_DEBUG is on outside development: the debugger would let any visitor run "
            "code. Turn it off or set WIDGETS_ENV=development."
        )


def _instance_secret(instance: Path) -> str:
    """Return the development secret kept in the instance folder, creating it once."""
    path = instance / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    instance.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret + "\n", encoding="utf-8")
    path.chmod(0o600)
    return secret
