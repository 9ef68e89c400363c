"""Rate limits: the one module that imports Flask-Limiter.

Forms, the partner API and the office's login are limited per client (and the login per
account too). The counters live in Redis when ``WIDGETS_REDIS_URL`` is set, so every
worker and host agrees; when Redis goes away they fall back to process memory with a
logged warning, and nothing answers 500. A refused request is a 429 with ``Retry-After``,
rendered in its route's own shape by the error handlers.

Views declare their limits with :data:`limiter` (``@limiter.limit("10 per minute")``);
the client is the address gunicorn or the proxy reports (``ProxyFix`` is the operator's
choice, see docs/operations.md).
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

__all__ = ["RateLimitExceeded", "client_address", "init_app", "limiter"]


def client_address() -> str:
    """The client's address as the WSGI server (or a trusted proxy) reports it."""
    return get_remote_address() or "unknown"


limiter = Limiter(
    client_address,
    # counters in process memory while Redis is away (Flask-Limiter logs a warning)
    in_memory_fallback_enabled=True,
    headers_enabled=True,
    strategy="moving-window",
    key_prefix="widgets",
)


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``, storing counters in Redis when one is configured."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:
        # a Redis that does not answer must not hold a request for long
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
    app.config.setdefault("RATELIMIT_ENABLED", app.config.get("RATE_LIMITS", True))
    limiter.init_app(app)
