"""The stores of the response cache: memory bounded by bytes, least recently used first."""

from __future__ import annotations

import gzip
import time

from widget_service.speed.store import Entry, MemoryStore


def _entry(size: int, expires_in: float = 60) -> Entry:
    return Entry("200 OK", [("Content-Type", "text/plain")], b"x" * size, time.time() + expires_in)


def test_memory_is_bounded_by_bytes_and_drops_the_least_recently_used() -> None:
    store = MemoryStore(max_bytes=10_000)
    for name in "abcd":
        store.put(name, _entry(2_000))
    assert store.get("a") is not None  # now the most recently used
    store.put("e", _entry(2_000))
    assert store.bytes <= 10_000
    assert store.get("b") is None  # the least recently used went first
    assert store.get("a") is not None
    assert store.get("e") is not None


def test_one_answer_cannot_push_out_most_of_the_others() -> None:
    store = MemoryStore(max_bytes=10_000)
    store.put("small", _entry(100))
    store.put("huge", _entry(5_000))
    assert store.get("huge") is None
    assert store.get("small") is not None


def test_an_expired_entry_is_gone() -> None:
    store = MemoryStore(max_bytes=10_000)
    store.put("old", _entry(100, expires_in=-1))
    assert store.get("old") is None
    assert store.bytes == 0


def test_an_entry_survives_its_trip_through_redis_bytes() -> None:
    entry = Entry(
        "200 OK",
        [("Content-Type", "application/atom+xml"), ("ETag", '"abc"')],
        b"<feed>\n\xc3\xa4</feed>",
        time.time() + 60,
        etag='"abc"',
        compressible=True,
    )
    again = Entry.loads(entry.dumps())
    assert (again.status, again.headers, again.body, again.etag) == (
        entry.status,
        entry.headers,
        entry.body,
        entry.etag,
    )
    assert again.compressible
    assert gzip.decompress(again.gzipped()) == entry.body
