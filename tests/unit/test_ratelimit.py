"""Rate limits: in memory, shared through Redis, and in memory again when Redis is away."""

from __future__ import annotations

import logging
import os
import secrets

import pytest
from flask import Flask

from tests.mailserver import free_port
from widget_service.ratelimit import init_app, limiter


def _app(redis_url: str | None, prefix: str = "") -> Flask:
    app = Flask(__name__)
    app.config["REDIS_URL"] = redis_url
    app.config["RATELIMIT_KEY_PREFIX"] = prefix

    @app.get("/limited")
    @limiter.limit("3 per minute")
    def limited() -> str:
        return "ok"

    init_app(app)
    return app


def _statuses(app: Flask, count: int) -> list[int]:
    client = app.test_client()
    return [client.get("/limited").status_code for _ in range(count)]


def test_a_client_over_the_limit_is_told_when_to_come_back() -> None:
    app = _app(None)
    assert _statuses(app, 4) == [200, 200, 200, 429]
    refused = app.test_client().get("/limited")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_without_redis_limits_fall_back_to_memory_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    with caplog.at_level(logging.WARNING):
        assert _statuses(_app(unreachable), 4) == [200, 200, 200, 429]
    assert any("falling back to in-memory" in record.message for record in caplog.records)


@pytest.mark.skipif(
    not os.environ.get("WIDGETS_TEST_REDIS_URL"),
    reason="WIDGETS_TEST_REDIS_URL is not set (.ci/run sets it)",
)
def test_with_redis_two_workers_share_one_count() -> None:
    url = os.environ["WIDGETS_TEST_REDIS_URL"]
    prefix = "test-" + secrets.token_hex(4)  # a fresh count, whatever ran before
    first, second = _app(url, prefix), _app(url, prefix)
    assert _statuses(first, 2) == [200, 200]
    assert _statuses(second, 2) == [200, 429]
