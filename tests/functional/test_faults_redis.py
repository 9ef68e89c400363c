"""Redis goes away: rate limits (and the caches) fall back to process memory with a logged
warning; pages and forms keep answering; nothing answers 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session

from tests.redis_support import ThrowawayRedis, redis_binary
from widget_service.ratelimit import limiter

ROUTES = (
    "/",
    "/p/niedersachsen-packt-an",
    "/feeds/all/projects.atom",
    "/fragment/projects?alliance=niedersachsen-packt-an",
    "/badge/niedersachsen-packt-an/stadt-sehnde.svg",
    "/healthz",
)


@pytest.fixture
def throwaway_redis(tmp_path: Path) -> ThrowawayRedis:
    binary = redis_binary()
    if binary is None:
        pytest.fail("redis-server is missing (the Debian package redis-server provides it)")
    return ThrowawayRedis(binary, tmp_path)


def test_when_redis_goes_away_limits_fall_back_to_memory_and_nothing_fails(
    config: dict[str, Any],
    make_app: Callable[[dict[str, Any]], Flask],
    demo: Session,
    throwaway_redis: ThrowawayRedis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with throwaway_redis as server:
        app = make_app({**config, "REDIS_URL": server.url})

        @app.post("/test-limited")
        @limiter.limit("4 per minute")
        def limited() -> str:
            return "stored"

        client = app.test_client()
        assert [client.post("/test-limited").status_code for _ in range(2)] == [200, 200]
        counters = redis.Redis.from_url(server.url)
        assert list(counters.scan_iter(match="LIMITS:*")), "the limits were not counted in Redis"
        counters.close()
        server.stop()

        with caplog.at_level(logging.WARNING):
            statuses = [client.post("/test-limited").status_code for _ in range(5)]
            pages = {path: client.get(path).status_code for path in ROUTES}
    # counting starts again in memory, and still ends in a 429, never a 500
    assert statuses == [200, 200, 200, 200, 429]
    assert pages == dict.fromkeys(ROUTES, 200)
    assert any("falling back to in-memory" in record.getMessage() for record in caplog.records)
