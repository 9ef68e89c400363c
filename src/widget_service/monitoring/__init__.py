"""What an operator sees: Prometheus metrics on ``/metrics`` and, as an option, JSON logs.

Every response is counted and timed by route class (the blueprint that answered it:
``public``, ``feeds``, ``badges``, ``embed`` …, plus ``health``, ``static`` and
``unmatched``); the state of the queues and sources is read at each scrape.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from . import logs
from .access import parse_networks
from .prometheus import observe_cache, observe_request

__all__ = ["init_app", "observe_cache", "route_class"]

SPECIAL_ENDPOINTS = {"static": "static", "public.healthz": "health"}


def route_class() -> str:
    """The class of the current request's route, a label with few values."""
    endpoint = request.endpoint
    if endpoint is None:
        return "unmatched"
    if endpoint in SPECIAL_ENDPOINTS:
        return SPECIAL_ENDPOINTS[endpoint]
    return request.blueprint or endpoint.partition(".")[0] or "app"


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.get("metrics_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    kind = route_class()
    observe_request(kind, request.method, response.status_code, seconds)
    if current_app.config["LOG_FORMAT"] == "json":
        logs.log_request(kind, response.status_code, seconds)
    return response


def init_app(app: Flask) -> None:
    """Count and time every request, and serve ``/metrics`` to the allowed addresses."""
    app.config["METRICS_ALLOW"] = parse_networks(app.config.get("METRICS_ALLOW"))
    logs.configure(app)
    # first of all, so a request refused by an earlier check is timed too
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    app.after_request(_observe)

    from .blueprint import bp

    app.register_blueprint(bp)
