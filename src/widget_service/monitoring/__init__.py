"""What an operator sees: Prometheus metrics on ``/metrics`` and, as an option, JSON logs.

Every response is counted and timed by route class (the blueprint that answered it:
``public``, ``feeds``, ``badges``, ``embed`` …, plus ``health``, ``static`` and
``unmatched``); the state of the queues and sources is read at each scrape. Answers the
response cache gives never reach the app: its listeners (:func:`cache_listeners`) count
them, log them in JSON mode, and count the cache's lookups, by the route and route class
the app recorded when it rendered the entry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from ..speed.middleware import CACHE_STATUS, ROUTE, ROUTE_CLASS, STARTED
from . import logs
from .access import parse_networks
from .prometheus import observe_cache, observe_request

__all__ = ["cache_listeners", "init_app", "observe_cache", "route_class"]

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
    # kept with a cached answer, for its hits
    request.environ[ROUTE_CLASS] = kind
    request.environ[ROUTE] = request.url_rule.rule if request.url_rule else "(unmatched)"
    observe_request(kind, request.method, response.status_code, seconds)
    if current_app.config["LOG_FORMAT"] == "json":
        logs.log_request(kind, response.status_code, seconds)
    return response


Listener = Callable[[dict[str, Any]], None]


def cache_listeners(app: Flask) -> tuple[Listener, Listener]:
    """What the response cache tells of its hits and misses (see speed.ResponseCache)."""
    json_lines = app.config["LOG_FORMAT"] == "json"

    def hit(environ: dict[str, Any]) -> None:
        """An answer from the cache: a hit, a request of its route class, an access line."""
        kind = str(environ.get(ROUTE_CLASS) or "unmatched")
        observe_cache(kind, hit=True)
        started = environ.get(STARTED)
        seconds = time.perf_counter() - started if started is not None else 0.0
        method = str(environ.get("REQUEST_METHOD") or "GET")
        status = int(environ.get(CACHE_STATUS) or 200)
        observe_request(kind, method, status, seconds)
        if json_lines:
            route = str(environ.get(ROUTE) or "(unmatched)")
            logs.log_answer(method, route, kind, status, seconds, cached=True)

    def miss(environ: dict[str, Any]) -> None:
        """A lookup that found nothing (the app counted and logged the request)."""
        observe_cache(str(environ.get(ROUTE_CLASS) or "unmatched"), hit=False)

    return hit, miss


def init_app(app: Flask) -> None:
    """Count and time every request, and serve ``/metrics`` to the allowed addresses."""
    app.config["METRICS_ALLOW"] = parse_networks(app.config.get("METRICS_ALLOW"))
    logs.configure(app)
    # first of all, so a request refused by an earlier check is timed too
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    app.after_request(_observe)

    from .blueprint import bp

    app.register_blueprint(bp)
