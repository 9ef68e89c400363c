"""The shipped gunicorn configuration under concurrent load: no worker dies, no request is
dropped.

Workers of the earlier configuration (gthread, four threads per process) died with SIGSEGV
under concurrent requests on CPython 3.11 — memory corruption inside the interpreter when
several threads of one process run the request code at once (see
docs/operations.md#workers). This test runs the shipped configuration against the test
database (PostgreSQL in CI) with many concurrent clients over the routes that crashed it
(the builder above all) and fails on any crash line in gunicorn's log or any request that
did not get its answer.
"""

from __future__ import annotations

import itertools
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session

from tests.gunicorn_support import Gunicorn

CLIENTS = 8
REQUESTS = 480
ROUTES = (
    "/widgets?widget=projects",
    "/widgets?widget=badge&alliance=niedersachsen-packt-an&partner=stadt-sehnde",
    "/widgets?widget=banner",
    "/widgets?widget=events",
    "/widgets?widget=partners",
    "/feeds/all/projects.atom",
    "/feeds/niedersachsen-packt-an/events.ics",
    "/fragment/projects?alliance=niedersachsen-packt-an&limit=5",
    "/embed/events?alliance=all",
    "/badge/niedersachsen-packt-an/stadt-sehnde.png",
    "/p/niedersachsen-packt-an",
)


def _ask(base: str, path: str) -> str:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()
            return str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except (urllib.error.URLError, OSError) as error:
        # a worker that died takes its connections with it: "dropped"
        return f"dropped ({type(error).__name__})"


def test_concurrent_requests_neither_crash_a_worker_nor_are_dropped(
    demo: Session, migrated: str, tmp_path: Path
) -> None:
    paths = list(itertools.islice(itertools.cycle(ROUTES), REQUESTS))
    with (
        Gunicorn(migrated, tmp_path, workers=2) as server,
        ThreadPoolExecutor(max_workers=CLIENTS) as clients,
    ):
        outcomes = Counter(clients.map(lambda path: _ask(server.url, path), paths))
    assert outcomes == Counter({"200": REQUESTS}), outcomes
    assert server.crashes() == [], "\n".join(server.crashes())
