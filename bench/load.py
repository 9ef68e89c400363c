"""Load: gunicorn with the shipped settings on PostgreSQL, 32 connections for 60 seconds.

wrk (``/usr/bin/wrk``) sends a mix of the URLs members' sites and feed readers ask for —
widgets (documents and fragments), feeds and calendars, badges and banners, pages, the
API's oEmbed, the health check — and this script reports requests, errors (which must be 0:
any answer that is not 2xx/3xx, and any socket error or timeout), p50/p99 latency, and the
resident memory of the worker processes before and after.

The database is a fresh one with the demo content and 2,000 projects, made on the server
named by ``WIDGETS_BENCH_DATABASE_URL`` or ``WIDGETS_TEST_DATABASE_URL`` (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) and dropped afterwards; without
either it falls back to SQLite and says so. Options: ``--duration``, ``--connections``,
``--workers`` (default: the shipped configuration's ``2 × cores + 1``). Exit 1 on errors.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from _data import add_projects, fresh_database  # bench/ is on sys.path when run as a script
from widget_service import db

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.gunicorn_support import Gunicorn  # noqa: E402 (needs the repository root on the path)

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
# what members' sites, feed readers and people ask for, roughly in proportion
MIX = (
    f"/fragment/projects?alliance={PA}&limit=5",
    f"/fragment/events?alliance={HZ}&limit=5&lang=en",
    "/embed/projects?alliance=all&layout=cards",
    f"/embed/partners?alliance={PA}",
    f"/embed/banner?alliance={PA}&call=zusammen-mehr",
    f"/feeds/{PA}/projects.rss",
    "/feeds/all/projects.atom",
    f"/feeds/{HZ}/events.ics",
    "/feeds/all/events.json",
    f"/badge/{PA}/stadt-sehnde.svg",
    f"/badge/{PA}/landkreis-peine.png",
    f"/banner/{PA}/zusammen-mehr.svg",
    "/",
    f"/p/{PA}",
    f"/p/{PA}/partners/stadt-sehnde",
    "/widgets?widget=projects",
    "/oembed?format=json&url={base}%2Fp%2F" + PA,
    "/healthz",
)
LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


@contextmanager
def database() -> Iterator[tuple[str, str]]:
    """A fresh database URL with the demo content and some volume, and what it is."""
    server = os.environ.get("WIDGETS_BENCH_DATABASE_URL") or os.environ.get(
        "WIDGETS_TEST_DATABASE_URL"
    )
    if not server:
        folder = tempfile.mkdtemp(prefix="widgets-load-")
        url = f"sqlite:///{folder}/load.sqlite3"
        try:
            yield _fill(url), "SQLite (no PostgreSQL named: set WIDGETS_BENCH_DATABASE_URL)"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    parsed = make_url(db.normalise_url(server))
    name = f"widgets_load_{secrets.token_hex(4)}"
    admin = db.make_engine(
        parsed.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = parsed.set(database=name).render_as_string(hide_password=False)
        yield _fill(url), f"PostgreSQL ({parsed.host}:{parsed.port or 5432})"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fill(url: str) -> str:
    engine = fresh_database(url)
    add_projects(engine, 2000)
    engine.dispose()
    return url


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(master: int) -> dict[int, float]:
    return {pid: rss_mib(pid) for pid in worker_pids(master)}


def paths(base: str) -> list[str]:
    """The mix, with the server's own address where a URL names it (oEmbed)."""
    return [path.format(base=urllib.parse.quote(base, safe="")) for path in MIX]


def warm(base: str) -> None:
    """Every URL once per worker or so, so 'before' is a warmed-up worker, not a fresh one."""
    for _ in range(4):
        for path in paths(base):
            try:
                with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310
                    response.read()
            except urllib.error.HTTPError as error:
                raise SystemExit(f"{path} answered {error.code}: fix the mix") from None


def parse_wrk(output: str) -> dict[str, float]:
    """Requests, errors and latency percentiles from wrk's ``--latency`` report."""

    def seconds(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

    figures: dict[str, float] = {}
    figures["requests"] = float(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    figures["rate"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    for percentile in ("50", "90", "99"):
        match = re.search(rf"^\s+{percentile}%\s+(\S+)", output, re.MULTILINE)
        figures[f"p{percentile}"] = seconds(match.group(1)) if match else float("nan")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = float(non_2xx.group(1)) if non_2xx else 0.0
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    figures["socket_errors"] = float(sum(map(int, socket.groups()))) if socket else 0.0
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    options = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    instance = Path(tempfile.mkdtemp(prefix="widgets-load-instance-"))
    script = instance / "mix.lua"
    try:
        with database() as (url, backend), Gunicorn(url, instance, workers=options.workers) as g:
            assert g.process is not None
            script.write_text(LUA % ", ".join(f'"{p}"' for p in paths(g.url)), encoding="utf-8")
            warm(g.url)
            before = memory(g.process.pid)
            command = [
                wrk, "--threads", "2", "--connections", str(options.connections),
                "--duration", f"{options.duration}s", "--timeout", "30s", "--latency",
                "--script", str(script), g.url,
            ]  # fmt: skip
            report = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            after = memory(g.process.pid)
            crashes = g.crashes()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    figures = parse_wrk(report)
    errors = int(figures["non_2xx"] + figures["socket_errors"]) + len(crashes)
    print(f"backend: {backend}; gunicorn {options.workers} sync workers (deploy/gunicorn.conf.py)")
    print(f"mix: {len(MIX)} URLs; {options.connections} connections for {options.duration} s")
    print(f"requests: {int(figures['requests'])} ({figures['rate']:.0f}/s)")
    print(
        f"errors: {errors} (non-2xx/3xx {int(figures['non_2xx'])}, "
        f"socket {int(figures['socket_errors'])}, worker crashes {len(crashes)})"
    )
    print(
        f"latency: p50 {figures['p50'] * 1000:.1f} ms, p90 {figures['p90'] * 1000:.1f} ms, "
        f"p99 {figures['p99'] * 1000:.1f} ms"
    )
    print("worker memory (RSS, MiB): before → after")
    for pid in sorted(set(before) | set(after)):
        start = f"{before[pid]:.1f}" if pid in before else "(new)"
        end = f"{after[pid]:.1f}" if pid in after else "(recycled)"
        print(f"  {pid}: {start} → {end}")
    if before and after:
        print(
            f"  total: {sum(before.values()):.1f} → {sum(after.values()):.1f} "
            f"(max_requests recycles a worker after about 200,000 requests)"
        )
    if crashes:
        print(textwrap.indent("\n".join(crashes[:20]), "  crash: "))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
