"""Where rendered responses are kept: process memory (LRU bounded by bytes), and Redis.

An :class:`Entry` is what a response needs to be answered again without the app: status,
headers, body, validators and the moment it stops being fresh.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# headers the server adds to every answer itself, or that we compute per answer
NOT_STORED = frozenset({"content-length", "date", "server", "connection", "transfer-encoding"})


@dataclass
class Entry:
    """One rendered response, answerable without the app until ``expires``."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    expires: float  # time.time() after which it is rendered again
    etag: str | None = None
    compressible: bool = False
    # the route that rendered it and its class (what the app put in the environ), for
    # metrics and the access log of answers given from the cache
    route_class: str = ""
    route: str = ""
    _gzipped: bytes | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.body) + len(self._gzipped or b"") + 64 * len(self.headers) + 200

    def gzipped(self) -> bytes:
        """The body gzip-compressed, compressed once per process."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped

    def dumps(self) -> bytes:
        head = {"s": self.status, "h": self.headers, "x": self.expires, "e": self.etag}
        head["c"] = self.compressible
        head["r"] = self.route_class
        head["u"] = self.route
        return json.dumps(head, separators=(",", ":")).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, data: bytes) -> Entry:
        head, _, body = data.partition(b"\n")
        meta: dict[str, Any] = json.loads(head)
        return cls(
            status=meta["s"],
            headers=[(str(k), str(v)) for k, v in meta["h"]],
            body=body,
            expires=float(meta["x"]),
            etag=meta["e"],
            compressible=bool(meta["c"]),
            route_class=str(meta.get("r") or ""),
            route=str(meta.get("u") or ""),
        )


class MemoryStore:
    """A least-recently-used map bounded by the bytes its entries hold."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()  # the development server answers in threads

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires <= time.time():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if entry.size > self.max_bytes // 4:
            return  # one answer may not push out most of the others
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def grew(self, entry: Entry, before: int) -> None:
        """Account for an entry that grew in place (its gzip body was added)."""
        with self._lock:
            self.bytes += entry.size - before

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key)
        self.bytes -= entry.size


class RedisStore:
    """Entries shared by every worker and host, expiring with their ``max-age``."""

    PREFIX = "widgets:response:"

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, key: str) -> Entry | None:
        data = self.client.get(self.PREFIX + key)
        if data is None:
            return None
        entry = Entry.loads(data)
        return entry if entry.expires > time.time() else None

    def put(self, key: str, entry: Entry) -> None:
        ttl = int(entry.expires - time.time()) + 1
        if ttl > 0:
            self.client.set(self.PREFIX + key, entry.dumps(), ex=ttl)
