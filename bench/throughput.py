"""Throughput of warm answers, side by side with what they are measured against.

For each route: requests per second through the app (gunicorn, the shipped settings, one
sync worker), through the shipped nginx in front of it (its cache: HIT), a bare Flask
route returning as many fixed bytes under the same gunicorn settings, and nginx serving a
static file of the same size; then the ratios

* P1 = app / bare Flask  (goal ≥ 0.8)
* P2 = nginx cache / nginx static file  (goal ≥ 0.5)

and P3: the warm 20-entry feed and 5-item fragment out of 100 and out of 100,000
projects, and the same uncached (``RESPONSE_CACHE=0``), as the ratio of throughputs
small / large (goal ≤ 1.5). The four kinds are asked in turn, ``ROUNDS`` times, and the
median taken, so load from elsewhere falls on all alike. Load: ``wrk -t1 -c4`` for
``SECONDS`` seconds (environment: WIDGETS_BENCH_SECONDS, WIDGETS_BENCH_ROUNDS). Each table
is printed twice: as requests per second, and as requests per CPU second of the server's
own processes (gunicorn's master and workers, nginx's), which other load on a shared
machine disturbs far less.
Needs wrk and nginx (Debian: apt-get install wrk nginx).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gunicorn_support import CONFIG, GUNICORN, Gunicorn  # noqa: E402
from tests.nginx_support import Nginx  # noqa: E402

from _data import add_projects, fresh_database  # noqa: E402 (bench/ is on sys.path)

SECONDS = float(os.environ.get("WIDGETS_BENCH_SECONDS", "1"))
ROUNDS = int(os.environ.get("WIDGETS_BENCH_ROUNDS", "5"))
PA = "niedersachsen-packt-an"
ROUTES = {
    "badge (SVG)": f"/badge/{PA}/landkreis-peine.svg",
    "fragment, 5 projects": f"/fragment/projects?alliance={PA}&limit=5",
    "embed document": f"/embed/events?alliance={PA}",
    "feed RSS": f"/feeds/{PA}/projects.rss",
    "feed Atom": f"/feeds/{PA}/projects.atom",
    "feed JSON": f"/feeds/{PA}/projects.json",
    "calendar ICS": f"/feeds/{PA}/events.ics",
    "alliance page": f"/p/{PA}",
    "embed.js": "/embed.js",
}
P3_ROUTES = {
    "feed, 20 entries": "/feeds/all/projects.atom",
    "fragment, 5 items": "/fragment/projects?alliance=all&limit=5",
}
REQUESTS = re.compile(r"Requests/sec:\s+([\d.]+)")
COMPLETED = re.compile(r"(\d+) requests in")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(master: int) -> float:
    """CPU time of a server: its master, its live workers, and the workers it has reaped
    (gunicorn restarts its workers now and then; their time is in the master's cutime)."""

    def times(pid: int, children_too: bool) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0  # a worker that ended just now: the master has its time
        used = int(fields[11]) + int(fields[12])
        if children_too:
            used += int(fields[13]) + int(fields[14])
        return used / TICK

    try:
        workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        workers = []
    return times(master, True) + sum(times(int(pid), False) for pid in workers)


def wrk(url: str, master: int) -> tuple[float, float]:
    """Requests per second for ``url`` under ``wrk -t1 -c4`` (non-2xx answers fail), and
    requests per CPU second of the server whose master process is ``master``."""
    began = cpu_seconds(master)
    done = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{SECONDS:g}s", "--timeout", "30s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in done.stdout:
        raise SystemExit(f"{url} answered with errors:\n{done.stdout}")
    used = cpu_seconds(master) - began
    found, completed = REQUESTS.search(done.stdout), COMPLETED.search(done.stdout)
    assert found and completed, done.stdout
    return float(found.group(1)), int(completed.group(1)) / used if used else float("nan")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def fetch(url: str, **headers: str) -> tuple[bytes, dict[str, str]]:
    # our own servers on http://127.0.0.1
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read(), dict(response.headers)


class Bare(Gunicorn):
    """bench/_bare.py under the shipped gunicorn settings."""

    def start(self) -> Bare:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", str(CONFIG), "--pythonpath", "bench", "_bare:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(self.url + "/1")
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(self.log())


def in_process(database: str, instance: Path) -> None:
    """CPU microseconds of one warm request inside the process, without any server: the
    app's cache against the bare Flask route. No network, so no other load in the way."""
    from werkzeug.test import EnvironBuilder

    import _bare
    from widget_service import create_app

    os.environ["WIDGETS_INSTANCE_PATH"] = str(instance)
    secret = "bench-" + "x" * 40
    app = create_app({"ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": database})

    def environ_for(path: str) -> dict[str, Any]:
        route, _, query = path.partition("?")
        builder = EnvironBuilder(path=route, query_string=query, headers={"Host": "127.0.0.1"})
        return builder.get_environ()

    def start(*_args: Any) -> None:
        return None

    def cost(wsgi: Any, path: str, repeat: int = 3000) -> float:
        base = environ_for(path)
        for _ in range(3):
            b"".join(wsgi(dict(base), start))
        began = time.process_time()
        for _ in range(repeat):
            answer = wsgi(dict(base), start)
            b"".join(answer)
            getattr(answer, "close", lambda: None)()
        return (time.process_time() - began) / repeat * 1e6

    print("in process, CPU µs per warm request (no server, no network)")
    print(f"{'route':<22}{'app':>9}{'bare':>9}{'bare/app':>10}")
    for name, path in ROUTES.items():
        size = len(b"".join(app.wsgi_app(environ_for(path), start)))
        mine, theirs = cost(app.wsgi_app, path), cost(_bare.app.wsgi_app, f"/{size}")
        print(f"{name:<22}{mine:>9.1f}{theirs:>9.1f}{ratio(theirs, mine):>10.1f}")
    print()


def _database(folder: Path, size: int) -> str:
    url = f"sqlite:///{folder}/throughput-{size}.sqlite3"
    began = time.perf_counter()
    engine = fresh_database(url)
    add_projects(engine, size)
    engine.dispose()
    print(f"{size:>7} projects loaded in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return url


def _instance(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir()
    return path


def main() -> None:
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        # the other benchmarks of make bench still run
        print("throughput.py needs wrk and nginx (Debian: apt-get install wrk nginx): skipped")
        return
    nginx_binary = shutil.which("nginx")
    assert nginx_binary is not None
    with tempfile.TemporaryDirectory() as temporary, ExitStack() as stack:
        folder = Path(temporary)
        held_out = _database(folder, 45)
        in_process(held_out, _instance(folder, "in-process"))
        small, large = _database(folder, 100), _database(folder, 100_000)
        one = {"workers": 1}
        app = stack.enter_context(Gunicorn(held_out, _instance(folder, "app"), **one))
        bare = stack.enter_context(Bare(held_out, _instance(folder, "bare"), **one))
        proxy = stack.enter_context(
            Nginx(nginx_binary, folder / "nginx", app.url.removeprefix("http://"))
        )
        uncached = {"extra_env": {"WIDGETS_RESPONSE_CACHE": "0"}, **one}
        p3 = {
            "small": stack.enter_context(Gunicorn(small, _instance(folder, "small"), **one)),
            "large": stack.enter_context(Gunicorn(large, _instance(folder, "large"), **one)),
            "small, uncached": stack.enter_context(
                Gunicorn(small, _instance(folder, "small-u"), **uncached)  # type: ignore[arg-type]
            ),
            "large, uncached": stack.enter_context(
                Gunicorn(large, _instance(folder, "large-u"), **uncached)  # type: ignore[arg-type]
            ),
        }
        static = folder / "nginx" / "static" / "bench"
        static.mkdir(parents=True)

        assert app.process and bare.process and proxy.process
        masters = {
            "app": app.process.pid,
            "nginx": proxy.process.pid,
            "bare": bare.process.pid,
            "static": proxy.process.pid,
        }
        kinds: dict[str, dict[str, str]] = {}
        for name, path in ROUTES.items():
            body, _ = fetch(app.url + path)
            fetch(proxy.url + path)
            _, headers = fetch(proxy.url + path)
            if headers.get("X-Cache-Status") != "HIT":
                raise SystemExit(f"{path} is no HIT behind nginx: {headers}")
            (static / f"{len(body)}.bin").write_bytes(b"x" * len(body))
            kinds[name] = {
                "app": app.url + path,
                "nginx": proxy.url + path,
                "bare": f"{bare.url}/{len(body)}",
                "static": f"{proxy.url}/static/bench/{len(body)}.bin",
            }
            fetch(kinds[name]["bare"])
        figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(ROUNDS):
            for name, urls in kinds.items():
                for kind, url in urls.items():
                    figures.setdefault((name, kind), []).append(wrk(url, masters[kind]))
            for name, path in P3_ROUTES.items():
                for kind, server in p3.items():
                    assert server.process
                    fetch(server.url + path)
                    found = wrk(server.url + path, server.process.pid)
                    figures.setdefault((name, kind), []).append(found)

        def rate(name: str, kind: str) -> float:
            return statistics.median(wall for wall, _ in figures[(name, kind)])

        def per_cpu(name: str, kind: str) -> float:
            return statistics.median(cpu for _, cpu in figures[(name, kind)])

        print(f"warm answers, requests/s (wrk -t1 -c4, {SECONDS:g} s, median of {ROUNDS})")
        head = f"{'route':<22}{'app':>9}{'nginx':>9}{'bare':>9}{'static':>9}"
        print(head + f"{'P1 app/bare':>13}{'P2 nginx/static':>17}")
        worst_p1 = worst_p2 = float("inf")
        for name in kinds:
            a, n, b, s = (rate(name, kind) for kind in ("app", "nginx", "bare", "static"))
            p1, p2 = ratio(a, b), ratio(n, s)
            worst_p1, worst_p2 = min(worst_p1, p1), min(worst_p2, p2)
            print(f"{name:<22}{a:>9.0f}{n:>9.0f}{b:>9.0f}{s:>9.0f}{p1:>13.2f}{p2:>17.2f}")
        print(f"{'worst':<58}{worst_p1:>13.2f}{worst_p2:>17.2f}   (goals ≥ 0.8, ≥ 0.5)")
        print()
        # on a machine others load too, the server's own CPU time is the steadier measure
        print("the same as requests per CPU second of the server's processes")
        print(head + f"{'P1 app/bare':>13}{'P2 nginx/static':>17}")
        worst_p1 = worst_p2 = float("inf")
        for name in kinds:
            a, n, b, s = (per_cpu(name, kind) for kind in ("app", "nginx", "bare", "static"))
            p1, p2 = ratio(a, b), ratio(n, s)
            worst_p1, worst_p2 = min(worst_p1, p1), min(worst_p2, p2)
            print(f"{name:<22}{a:>9.0f}{n:>9.0f}{b:>9.0f}{s:>9.0f}{p1:>13.2f}{p2:>17.2f}")
        print(f"{'worst':<58}{worst_p1:>13.2f}{worst_p2:>17.2f}   (goals ≥ 0.8, ≥ 0.5)")
        print()
        print("P3: 100 against 100,000 projects, requests/s, ratio small/large (goal ≤ 1.5)")
        print(f"{'route':<22}{'100':>9}{'100,000':>9}{'ratio':>7}", end="")
        print(f"{'100 unc.':>10}{'100k unc.':>11}{'ratio':>7}")
        for name in P3_ROUTES:
            few, many = rate(name, "small"), rate(name, "large")
            few_u, many_u = rate(name, "small, uncached"), rate(name, "large, uncached")
            print(f"{name:<22}{few:>9.0f}{many:>9.0f}{ratio(few, many):>7.2f}", end="")
            print(f"{few_u:>10.0f}{many_u:>11.0f}{ratio(few_u, many_u):>7.2f}")
        print("P3 as requests per CPU second")
        for name in P3_ROUTES:
            few, many = per_cpu(name, "small"), per_cpu(name, "large")
            few_u, many_u = per_cpu(name, "small, uncached"), per_cpu(name, "large, uncached")
            print(f"{name:<22}{few:>9.0f}{many:>9.0f}{ratio(few, many):>7.2f}", end="")
            print(f"{few_u:>10.0f}{many_u:>11.0f}{ratio(few_u, many_u):>7.2f}")


if __name__ == "__main__":
    main()
