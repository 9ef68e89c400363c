"""How listing cost grows with the archive: 20 projects out of 100 and out of 100,000.

Prints milliseconds per listing for each filter and the ratio large/small, which should
stay near 1 (the indexes make cost follow ``limit``, not the archive). SQLite by default;
set WIDGETS_BENCH_DATABASE_URL to a PostgreSQL server database to measure there.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from _data import add_projects, fresh_database  # bench/ is on sys.path when run as a script
from widget_service import content
from widget_service.content import Filters

SIZES = (100, 100_000)
REPEAT = 30
LISTINGS = {
    "all alliances": Filters(limit=20),
    "one alliance": Filters(alliance="niedersachsen-packt-an", limit=20),
    "alliance + field": Filters(
        alliance="niedersachsen-packt-an", field="sprachfoerderung", limit=20
    ),
    "partner": Filters(partner="landkreis-peine", limit=20),
    "region": Filters(region="Region Hannover", limit=20),
    "page 5 (offset 80)": Filters(limit=20).page(5),
}


def _milliseconds(engine: Engine, filters: Filters, read: Callable[..., object]) -> float:
    timings = []
    with Session(engine) as session:
        read(session, filters)  # warm the caches once
        for _ in range(REPEAT):
            session.expunge_all()
            began = time.perf_counter()
            read(session, filters)
            timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def _database(url: str | None, folder: str, size: int) -> str:
    if url:
        return url
    return f"sqlite:///{folder}/bench-{size}.sqlite3"


def _reset_postgres(url: str) -> None:
    from widget_service import db

    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    server = os.environ.get("WIDGETS_BENCH_DATABASE_URL")
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            url = _database(server, folder, size)
            if server:
                _reset_postgres(url)
            began = time.perf_counter()
            engine = fresh_database(url)
            add_projects(engine, size)
            loaded = time.perf_counter() - began
            print(f"{size:>7} projects loaded in {loaded:.1f} s ({engine.dialect.name})")
            results[size] = {
                name: _milliseconds(engine, f, content.published_projects)
                for name, f in LISTINGS.items()
            }
            # the listing pages also count the matches; that grows with the archive
            results[size]["count (all)"] = _milliseconds(
                engine, Filters(), content.count_published_projects
            )
            engine.dispose()
    small, large = SIZES
    print()
    print(f"{'listing (20 items)':<20} {small:>10} {large:>10}   ratio")
    for name in results[small]:
        a, b = results[small][name], results[large][name]
        print(f"{name:<20} {a:>8.2f}ms {b:>8.2f}ms   {b / a:5.2f}")


if __name__ == "__main__":
    main()
