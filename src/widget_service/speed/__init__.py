"""Speed: the cache of rendered responses, the content generation that keeps it honest,
and compression for when no proxy compresses.

Settings (``WIDGETS_*``): ``RESPONSE_CACHE`` (on, except in tests unless asked for),
``RESPONSE_CACHE_BYTES`` (per process, 32 MiB), ``RESPONSE_MAX_AGE_CAP`` (seconds: hold every
``max-age`` to at most this, so a proxy turns answers over sooner), ``COMPRESS`` (gzip text
bodies when the client asks; on). With ``WIDGETS_REDIS_URL`` the entries and the
generation are shared by every worker and host. See docs/operations.md#response-cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .. import db
from ..models import ContentGeneration
from .generation import EXTENSION, Marker, listen
from .middleware import ResponseCache
from .store import MemoryStore, RedisStore

__all__ = ["EXTENSION", "ResponseCache", "init_app"]

DEFAULTS: dict[str, Any] = {
    "RESPONSE_CACHE": None,  # None: on, except in tests
    "RESPONSE_CACHE_BYTES": 32 * 1024 * 1024,
    "RESPONSE_MAX_AGE_CAP": None,
    "COMPRESS": True,
}


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def init_app(app: Flask) -> ResponseCache:
    """Advance the generation on every content write; wrap the app in the cache."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    config = app.config
    enabled = config["RESPONSE_CACHE"]
    enabled = not config["TESTING"] if enabled is None else _flag(enabled)
    cap = config["RESPONSE_MAX_AGE_CAP"]
    listen()
    factory: sessionmaker[Session] = app.extensions[db.EXTENSION]

    def read_database() -> int:
        with factory() as session:
            return int(
                session.scalar(select(ContentGeneration.value).where(ContentGeneration.id == 1))
                or 0
            )

    redis_client = None
    if config.get("REDIS_URL"):
        import redis

        redis_client = redis.Redis.from_url(
            config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=0.5
        )

    marker = Marker(Path(app.instance_path), redis_client, read_database)
    app.extensions[EXTENSION] = marker
    factory.configure(info={EXTENSION: marker})
    middleware = ResponseCache(
        app.wsgi_app,
        marker,
        MemoryStore(int(config["RESPONSE_CACHE_BYTES"])),
        RedisStore(redis_client) if redis_client is not None else None,
        cache=enabled,
        compress=_flag(config["COMPRESS"]),
        max_age_cap=int(cap) if cap not in (None, "") else None,
    )
    app.wsgi_app = middleware  # type: ignore[method-assign]
    return middleware
