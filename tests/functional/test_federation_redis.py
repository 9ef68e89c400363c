"""The response cache in Redis (``WIDGETS_REDIS_URL``): a real server, as CI runs one.

Runs where ``WIDGETS_TEST_REDIS_URL`` names a Redis database (``.ci/run`` sets it); there a
server that does not answer fails the test. Elsewhere the SQLite cache is what the other
federation tests exercise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from tests.federation_support import FEED_HOST, FeedServer, fixture_bytes
from widget_service.federation.fetch import REDIS_NAMESPACE
from widget_service.operations import import_document

REDIS_URL = os.environ.get("WIDGETS_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="WIDGETS_TEST_REDIS_URL is not set (.ci/run sets it)"
)
PA = "niedersachsen-packt-an"


@pytest.fixture
def server() -> Iterator[redis.Redis]:
    assert REDIS_URL is not None
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # a configured server that does not answer fails here, never skips

    def ours() -> list[Any]:
        return list(client.scan_iter(match=f"{REDIS_NAMESPACE}*"))

    for key in ours():
        client.delete(key)
    yield client
    for key in ours():
        client.delete(key)
    client.close()


@pytest.fixture(autouse=True)
def _redis_cache(config: dict[str, Any]) -> None:
    config.update(REDIS_URL=REDIS_URL, FETCH_ALLOW_HOSTS=[FEED_HOST])


def test_the_redis_cache_revalidates_so_an_unchanged_source_costs_a_304(
    server: redis.Redis, demo: Session, runner: FlaskCliRunner, feeds: FeedServer
) -> None:
    feeds.serve("/kreis.rss", fixture_bytes("rss.xml"), "application/rss+xml")
    url = feeds.url("/kreis.rss")
    import_document(demo, {"sources": [{"alliance": PA, "url": url, "kind": "projects"}]})

    first = runner.invoke(args=["sources", "poll"])
    assert first.exit_code == 0, first.output
    assert [hit.status for hit in feeds.hits] == [200]
    assert list(server.scan_iter(match=f"{REDIS_NAMESPACE}*")), "nothing was cached in Redis"

    feeds.hits.clear()
    second = runner.invoke(args=["sources", "poll", "--all"])
    assert second.exit_code == 0, second.output
    assert [hit.status for hit in feeds.hits] == [304]
    assert "1 unchanged" in second.output
