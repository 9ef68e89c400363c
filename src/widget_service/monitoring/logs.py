"""Logs as JSON lines (``WIDGETS_LOG_FORMAT=json``), without query strings or personal data.

Each line is one object: ``time``, ``level``, ``logger``, ``message``, and inside a request
its ``method`` and ``route`` — the URL rule (``/sign/confirm/<token>``), never the address
with its values or query string. E-mail addresses and query strings in messages are
blanked; an exception is logged with its type and traceback, not its message (a database
error can quote the values it refused). In JSON mode the service writes its own access
line per request (``widget_service.access``; for an answer from the response cache with
``"cache": "hit"``) and gunicorn's access log is off
(deploy/gunicorn.conf.py), since gunicorn's would carry the client's address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import traceback
from typing import Any

from flask import Flask, has_request_context, request
from flask.logging import default_handler

from ..config import ConfigurationError

FORMATS = ("text", "json")
ACCESS_LOGGER = "widget_service.access"
EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[A-Za-z]{2,}")
QUERY = re.compile(r"\?[^\s\"']*")
# attributes every LogRecord has: what is left over was passed with extra=
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def scrub(text: str) -> str:
    """A message without e-mail addresses and query strings."""
    return QUERY.sub("?…", EMAIL.sub("[e-mail]", text))


class JsonFormatter(logging.Formatter):
    """One JSON object per record (gunicorn's ``logconfig_dict`` names this class too)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["route"] = request.url_rule.rule if request.url_rule else None
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool) else scrub(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, trace = record.exc_info
            entry["exception"] = kind.__name__
            entry["traceback"] = scrub("".join(traceback.format_tb(trace)))
        return json.dumps(entry, ensure_ascii=False)


class StandardErrorHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the standard error of the moment (a test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def log_format(app: Flask) -> str:
    value = str(app.config.get("LOG_FORMAT") or "text").lower()
    if value not in FORMATS:
        raise ConfigurationError(f"WIDGETS_LOG_FORMAT must be text or json, not {value!r}.")
    return value


def configure(app: Flask) -> bool:
    """Switch the process's logs to JSON when configured; True when it did."""
    app.config["LOG_FORMAT"] = log_format(app)
    if app.config["LOG_FORMAT"] != "json":
        return False
    handler = StandardErrorHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]:
        root.removeHandler(existing)  # a second app in the same process: one handler
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # Flask's own handler would print the same lines again as text
    app.logger.removeHandler(default_handler)
    return True


def log_request(route_class: str, status: int, seconds: float) -> None:
    """The access line of JSON mode: what was asked and how it went, nobody's address."""
    route = request.url_rule.rule if request.url_rule else "(unmatched)"
    log_answer(request.method, route, route_class, status, seconds)


def log_answer(
    method: str, route: str, route_class: str, status: int, seconds: float, *, cached: bool = False
) -> None:
    """An access line; ``cached`` for an answer the response cache gave without the app."""
    extra: dict[str, Any] = {
        "route_class": route_class,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    if cached:
        extra["cache"] = "hit"
        extra["route"] = route  # no request context: the formatter cannot add it
        extra["method"] = method
    logging.getLogger(ACCESS_LOGGER).info("%s %s", method, route, extra=extra)
