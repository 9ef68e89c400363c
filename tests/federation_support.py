"""Local servers, a stub resolver and a test-side instance feed for the federation tests.

Everything here listens on 127.0.0.1 only; names such as ``feeds.test`` reach it through
the stub resolver, never through real DNS.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from widget_service.federation import fetch

FIXTURES = Path(__file__).parent / "fixtures" / "federation"
FEED_HOST = "feeds.test"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def stub_resolver(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> list[str]:
    """Answer name lookups from ``names`` only; returns the list of names asked for."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    monkeypatch.setattr(fetch, "resolve_host", resolve)
    return asked


@dataclass
class Hit:
    path: str
    status: int
    headers: dict[str, str]


Handler = Callable[[BaseHTTPRequestHandler], int]


@dataclass
class FeedServer:
    """A local HTTP server with a route per path; it counts what it answered."""

    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def url(self, path: str, host: str = FEED_HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def statuses(self, path: str) -> list[int]:
        return [hit.status for hit in self.hits if hit.path == path]

    def serve(self, path: str, body: bytes, content_type: str, *, etag: bool = True) -> None:
        """A static document, with an ETag and 304 answers unless ``etag`` is False."""
        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

        def handler(request: BaseHTTPRequestHandler) -> int:
            if etag and request.headers.get("If-None-Match") == tag:
                request.send_response(304)
                request.send_header("ETag", tag)
                request.end_headers()
                return 304
            request.send_response(200)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            if etag:
                request.send_header("ETag", tag)
            request.end_headers()
            request.wfile.write(body)
            return 200

        self.routes[path] = handler

    def fail(self, path: str, status: int = 503) -> None:
        def handler(request: BaseHTTPRequestHandler) -> int:
            request.send_response(status)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return status

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        def handler(request: BaseHTTPRequestHandler) -> int:
            request.send_response(status)
            request.send_header("Location", location)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return status

        self.routes[path] = handler


def _handler_class(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def send_response(self, code: int, message: str | None = None) -> None:
            # recorded before any byte goes out, so a client never sees an unrecorded answer
            server.hits.append(Hit(self.path, code, dict(self.headers.items())))
            super().send_response(code, message)

        def do_GET(self) -> None:
            route = server.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with contextlib.suppress(OSError):  # the client gave up, as with a hostile body
                route(self)

    return Handler


@contextmanager
def running(server: FeedServer) -> Iterator[FeedServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(server))
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        httpd.shutdown()
        httpd.server_close()


# --- a test-side JSON Feed in the documented format (docs/json-feed.md) -------------------
# Until the real /feeds/<alliance>/projects.json route is merged, the two-instance tests
# serve an instance's projects and events through this function instead.


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()
