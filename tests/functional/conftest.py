"""Fixtures the functional tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.federation_support import FEED_HOST, FeedServer, running, stub_resolver

# what the stub resolver answers: the feed server's name, a name that rebinds to loopback,
# and one inside a private network
TEST_NAMES = {FEED_HOST: ["127.0.0.1"], "rebind.test": ["127.0.0.1"], "intern.test": ["10.0.0.7"]}


@pytest.fixture
def feeds(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    """A local feed server, reachable under test names (never real DNS)."""
    with running(FeedServer()) as server:
        stub_resolver(monkeypatch, dict(TEST_NAMES))
        yield server
