"""Polling 200 local sources of 50 items each: a first poll, then an unchanged second one.

A separate process serves the feeds on 127.0.0.1 (RSS 2.0, Atom, JSON Feed and another
instance's JSON Feed, in turn), with ETags and 304 answers, so the CPU time printed is
the poller's alone. Prints wall time, CPU time and items per second for both polls, what
the server answered, and the ratio second/first, which should stay far below 1: the
second poll costs one 304 per source and no parsing. SQLite by default; set
WIDGETS_BENCH_DATABASE_URL to a PostgreSQL database to measure there.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import text

from widget_service import create_app, db
from widget_service.demo import demo_document
from widget_service.federation import fetch, sync
from widget_service.models import Channel
from widget_service.operations import import_document
from widget_service.timeutil import today

SOURCES = 200
ITEMS = 50
FORMATS = ("rss", "atom", "json", "instance")
ALLIANCE = "niedersachsen-packt-an"


# --- the feed server (runs in its own process) --------------------------------------------


def _rss(number: int) -> bytes:
    entries = "".join(
        f"<item><title>Projekt {number}-{i}</title><guid isPermaLink='false'>rss-{number}-{i}"
        f"</guid><link>https://quelle{number}.example/p/{i}</link>"
        f"<pubDate>Mon, 02 Nov 2020 10:{i % 60:02d}:00 +0100</pubDate>"
        f"<description>&lt;p&gt;Ein &lt;em&gt;Projekt&lt;/em&gt; aus Quelle {number}."
        f"&lt;/p&gt;</description></item>"
        for i in range(ITEMS)
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Quelle {number}</title>{entries}</channel></rss>"
    ).encode()


def _atom(number: int) -> bytes:
    entries = "".join(
        f"<entry><title>Projekt {number}-{i}</title><id>tag:quelle{number}.example,2020:{i}</id>"
        f"<link href='https://quelle{number}.example/p/{i}'/>"
        f"<updated>2020-11-02T10:{i % 60:02d}:00Z</updated>"
        f"<content type='html'>&lt;p&gt;Ein Projekt aus Quelle {number}.&lt;/p&gt;</content>"
        f"</entry>"
        for i in range(ITEMS)
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Quelle {number}</title><id>urn:q{number}</id>"
        f"<updated>2020-11-02T10:00:00Z</updated>{entries}</feed>"
    ).encode()


def _json(number: int, extended: bool) -> bytes:
    items: list[dict[str, Any]] = []
    for i in range(ITEMS):
        item: dict[str, Any] = {
            "id": f"urn:uuid:{number:08d}-0000-4000-8000-{i:012d}",
            "url": f"https://quelle{number}.example/p/{i}",
            "title": f"Projekt {number}-{i}",
            "content_html": f"<p>Ein Projekt aus Quelle {number}.</p>",
            "date_published": f"2020-11-02T10:{i % 60:02d}:00+01:00",
        }
        if extended:
            item["_alliance"] = {
                "kind": "project",
                "partner": {"slug": "landkreis-peine", "name": "Landkreis Peine"},
                "fields": [{"slug": "sprachfoerderung"}],
                "region": "Landkreis Peine",
                "via": "Landkreis Peine",
                "origin": item["url"],
            }
        items.append(item)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": f"Quelle {number}"}
    return json.dumps({**document, "items": items}).encode()


def _document(number: int) -> bytes:
    kind = FORMATS[number % len(FORMATS)]
    if kind == "rss":
        return _rss(number)
    if kind == "atom":
        return _atom(number)
    return _json(number, extended=kind == "instance")


def serve() -> None:
    documents = {f"/feed/{n}": _document(n) for n in range(SOURCES)}
    tags = {
        path: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for path, body in documents.items()
    }
    answered: Counter[int] = Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/stats":
                body = json.dumps(answered).encode()
                answered.clear()
            elif self.path not in documents:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            elif self.headers.get("If-None-Match") == tags[self.path]:
                answered[304] += 1
                self.send_response(304)
                self.send_header("ETag", tags[self.path])
                self.end_headers()
                return
            else:
                answered[200] += 1
                body = documents[self.path]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            if self.path in tags:
                self.send_header("ETag", tags[self.path])
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


# --- the poller ---------------------------------------------------------------------------


def _poll(app: Any, everything: bool) -> tuple[sync.PollSummary, float, float]:
    with app.app_context():
        session = db.session()
        fetcher = fetch.fetcher_from_config(app.config, app.instance_path)
        due = sync.due_sources(session, everything=everything)
        wall, cpu = time.perf_counter(), time.process_time()
        summary = sync.poll_sources(
            session, fetcher, due, workers=app.config["FETCH_WORKERS"], max_items=1000
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        fetcher.close()
    return summary, wall, cpu


def _stats(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as answer:
        return dict(json.load(answer))


def main() -> None:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        with tempfile.TemporaryDirectory() as folder:
            url = (
                os.environ.get("WIDGETS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
            )
            app = create_app(
                {
                    "ENV": "test",
                    "SECRET_KEY": "bench-" + "x" * 40,
                    "DATABASE_URL": url,
                    "FETCH_ALLOW_HOSTS": ["127.0.0.1"],
                    "FETCH_CACHE_PATH": f"{folder}/fetch-cache.sqlite3",
                }
            )
            with app.app_context():
                engine = db.engine()
                if engine.dialect.name == "postgresql":
                    with engine.begin() as connection:
                        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db.upgrade(engine)
                session = db.session()
                import_document(session, demo_document(today()), Channel.DEMO)
                sources = [
                    {
                        "alliance": ALLIANCE,
                        "url": f"http://127.0.0.1:{port}/feed/{n}",
                        "kind": "projects",
                    }
                    for n in range(SOURCES)
                ]
                import_document(session, {"sources": sources})
                dialect = engine.dialect.name
            print(
                f"{SOURCES} sources × {ITEMS} items ({', '.join(FORMATS)} in turn), "
                f"{app.config['FETCH_WORKERS']} workers, {dialect}"
            )
            print()
            print(f"{'poll':<16} {'wall':>8} {'CPU':>8} {'items/s':>9}   server answered")
            results = []
            for label, everything in (("first", False), ("second (same)", True)):
                summary, wall, cpu = _poll(app, everything)
                stored = summary.new + summary.updated
                rate = (stored if stored else SOURCES * ITEMS) / wall
                answered = ", ".join(f"{n}× {code}" for code, n in sorted(_stats(port).items()))
                print(f"{label:<16} {wall:>7.2f}s {cpu:>7.2f}s {rate:>9.0f}   {answered}")
                print(f"{'':<16} {summary.line()}")
                results.append((wall, cpu))
            (first_wall, first_cpu), (second_wall, second_cpu) = results
            print()
            wall_ratio, cpu_ratio = second_wall / first_wall, second_cpu / first_cpu
            print(f"second/first: wall {wall_ratio:.3f}, CPU {cpu_ratio:.3f}")
            with app.app_context():
                db.engine().dispose()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
