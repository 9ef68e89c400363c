"""How feed cost grows with the archive: a 20-item feed out of 100 and out of 100,000 projects.

Each figure is the median time of a whole request through the app (query, entries,
sanitising, rendering, ETag), then the ratio large/small, which should stay near 1:
a feed reads ``limit + 1`` rows along an index and never counts the archive. The two
databases are asked in turn, so that other load on the machine falls on both alike.
A 304 answer is timed too: it still builds the body to compare its ETag.

SQLite by default; set WIDGETS_BENCH_DATABASE_URL to a PostgreSQL server URL to
measure there (two databases are created on that server for the run and dropped).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from _data import add_projects, fresh_database  # bench/ is on sys.path when run as a script
from widget_service import create_app, db

SIZES = (100, 100_000)
REPEAT = 50
PA = "niedersachsen-packt-an"
FEEDS = {
    "all, RSS": "/feeds/all/projects.rss",
    "alliance, Atom": f"/feeds/{PA}/projects.atom",
    "alliance, JSON Feed": f"/feeds/{PA}/projects.json",
    "alliance + field": f"/feeds/{PA}/projects.atom?field=sprachfoerderung",
    "partner": "/feeds/all/projects.rss?partner=landkreis-peine",
    "region": "/feeds/all/projects.json?region=Region+Hannover",
    "page 5": "/feeds/all/projects.atom?page=5",
}
UNCHANGED = "all, RSS, 304"


def _entries(client: FlaskClient, url: str) -> int:
    body = client.get(url).data
    return body.count(b"<item>") + body.count(b"<entry>") + body.count(b'"_alliance"')


def _time(client: FlaskClient, url: str, headers: dict[str, str]) -> float:
    began = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code in (200, 304), (url, response.status_code)
    return elapsed


def _compare(clients: list[FlaskClient], url: str, conditional: bool = False) -> list[float]:
    """Median milliseconds of each client for ``url``, the clients taking turns."""
    headers = [
        {"If-None-Match": client.get(url).headers["ETag"]} if conditional else {}
        for client in clients
    ]
    timings: list[list[float]] = [[] for _ in clients]
    for client, asked in zip(clients, headers, strict=True):
        _time(client, url, asked)  # warm the caches once
    for _ in range(REPEAT):
        for client, asked, found in zip(clients, headers, timings, strict=True):
            found.append(_time(client, url, asked))
    return [statistics.median(found) for found in timings]


def _client(url: str, folder: str) -> FlaskClient:
    app = create_app(
        {
            "ENV": "test",
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": url,
            "INSTANCE": folder,
            "PUBLIC_URL": "https://widgets.example.org",
        }
    )
    return app.test_client()


@contextmanager
def _databases(folder: str) -> Iterator[list[str]]:
    """One database URL per size: SQLite files, or fresh databases on the server named."""
    server = os.environ.get("WIDGETS_BENCH_DATABASE_URL")
    if not server:
        yield [f"sqlite:///{folder}/bench-feeds-{size}.sqlite3" for size in SIZES]
        return
    url = make_url(db.normalise_url(server))
    names = [f"widgets_bench_feeds_{size}_{os.getpid()}" for size in SIZES]
    admin = db.make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [url.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, _databases(folder) as urls:
        clients = []
        for size, url in zip(SIZES, urls, strict=True):
            began = time.perf_counter()
            engine = fresh_database(url)
            add_projects(engine, size)
            engine.dispose()
            loaded = time.perf_counter() - began
            print(f"{size:>7} projects loaded in {loaded:.1f} s ({engine.dialect.name})")
            clients.append(_client(url, folder))
        small, large = SIZES
        print()
        # with 100 projects a filtered feed may hold fewer than 20 entries: the counts say so
        print(f"{'feed (limit 20)':<22} {small:>15} {large:>15}   ratio")
        rows = [(name, feed, False) for name, feed in FEEDS.items()]
        rows.append((UNCHANGED, FEEDS["all, RSS"], True))
        for name, feed, conditional in rows:
            a, b = _compare(clients, feed, conditional)
            n, m = (0, 0) if conditional else (_entries(client, feed) for client in clients)
            print(f"{name:<22} {a:>8.2f}ms ({n:>2}) {b:>8.2f}ms ({m:>2})   {b / a:5.2f}")


if __name__ == "__main__":
    main()
