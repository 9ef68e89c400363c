"""PostgreSQL restarts under load: readable 503s while it is down, recovery without a restart.

A cluster of the test's own (``pg_ctl`` on its own port and data directory) serves gunicorn
with the shipped configuration while clients keep asking. The cluster is stopped as an
operator's restart stops it (fast: sessions ended with ``AdminShutdown``, also in the middle
of a request), then started again. Every answer must be 200 or a 503 with ``Retry-After`` in
its route's own shape (a page, plain text, an SVG or PNG image, JSON; ``/healthz`` too);
none a 500, none dropped; gunicorn's log without a traceback; and
once PostgreSQL accepts connections again, every request answers 200 — the very first of
each worker, too (the pool tests its connections before use), so recovery takes no longer
than the database's own start, without restarting gunicorn.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.gunicorn_support import Gunicorn
from tests.postgres_support import ThrowawayPostgres, load_demo, require_binaries
from widget_service.web.errors import RETRY_AFTER

CLIENTS = 4
MESSAGE = b"Die Datenbank antwortet gerade nicht."
# each route class and the shape its 503 must have (media type of the answer)
ROUTES: dict[str, str] = {
    "/": "text/html",
    "/p/niedersachsen-packt-an": "text/html",
    "/widgets?widget=projects": "text/html",
    "/feeds/all/projects.atom": "text/plain",
    "/feeds/niedersachsen-packt-an/events.ics": "text/plain",
    "/fragment/projects?alliance=niedersachsen-packt-an&limit=5": "text/html",
    "/embed/events?alliance=all": "text/html",
    "/badge/niedersachsen-packt-an/stadt-sehnde.svg": "image/svg+xml",
    "/badge/niedersachsen-packt-an/stadt-sehnde.png": "image/png",
    "/oembed?format=json&url={base}/p/niedersachsen-packt-an": "application/json",
    "/api/v1/niedersachsen-packt-an/projects": "application/json",
    "/sign/niedersachsen-packt-an/zusammen-mehr": "text/html",
    "/newsletter/niedersachsen-packt-an/zusammen-mehr.txt": "text/plain",
    "/healthz": "application/json",
}


@dataclass(frozen=True)
class Answer:
    path: str
    status: str  # the HTTP status, or "dropped (…)"
    asked_at: float  # time.monotonic() when the request was sent
    media_type: str
    retry_after: str | None
    body: bytes


def _ask(base: str, path: str) -> Answer:
    url = base + path.format(base=urllib.parse.quote(base, safe=":/"))
    asked_at = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=40) as response:
            body = response.read()
            media_type = response.headers.get_content_type()
            return Answer(path, str(response.status), asked_at, media_type, None, body)
    except urllib.error.HTTPError as error:
        body = error.read()
        return Answer(
            path,
            str(error.code),
            asked_at,
            error.headers.get_content_type(),
            error.headers.get("Retry-After"),
            body,
        )
    except (urllib.error.URLError, OSError) as error:
        return Answer(path, f"dropped ({type(error).__name__})", asked_at, "", None, b"")


def test_postgres_restart_under_load_answers_503_then_recovers(tmp_path: Path) -> None:
    with ThrowawayPostgres(require_binaries()) as postgres:
        load_demo(postgres.url)
        # the app's own answers are under test: with the response cache on, a warm route
        # keeps answering 200 from the cache while the database is away (which visitors
        # prefer; tests/functional/test_speed_response_cache.py covers the cache)
        no_cache = {"WIDGETS_RESPONSE_CACHE": "0"}
        with Gunicorn(postgres.url, tmp_path, workers=2, extra_env=no_cache) as server:
            answers: list[Answer] = []
            stop = threading.Event()

            def client(offset: int) -> None:
                paths = list(ROUTES)
                index = offset
                while not stop.is_set():
                    answers.append(_ask(server.url, paths[index % len(paths)]))
                    index += 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            try:
                time.sleep(1.5)
                postgres.stop()
                # while it is down, every route says so in its own shape
                down = [_ask(server.url, path) for path in ROUTES]
                time.sleep(1.0)
                postgres.start()  # returns once it accepts connections
                back = time.monotonic()
                time.sleep(1.5)
                after = [_ask(server.url, path) for path in ROUTES]
            finally:
                stop.set()
                for thread in threads:
                    thread.join()
            scrape = _ask(server.url, "/metrics")

    # every shape while it is down, /healthz too: 503, Retry-After, readable
    assert [answer.path for answer in down] == list(ROUTES)
    for answer in down:
        assert answer.status == "503", answer
        assert answer.retry_after and int(answer.retry_after) >= RETRY_AFTER, answer
        assert answer.media_type == ROUTES[answer.path], answer
        assert b"Traceback" not in answer.body
        if answer.media_type != "image/png":
            assert MESSAGE in answer.body or b'"unavailable"' in answer.body, answer
    assert [answer for answer in after if answer.status != "200"] == []
    late = [answer for answer in answers if answer.asked_at > back and answer.status != "200"]
    assert late == [], late
    outcomes = Counter(answer.status for answer in answers)
    assert set(outcomes) <= {"200", "503"}, outcomes
    assert outcomes["200"] > 0 and outcomes["503"] > 0, outcomes
    for answer in answers:
        if answer.status == "503":
            assert answer.retry_after and int(answer.retry_after) >= RETRY_AFTER, answer
            assert answer.media_type == ROUTES[answer.path], answer
    # /metrics adds up both workers' counters: every feed answer is counted once
    feeds = [a for a in [*answers, *down, *after] if a.path.startswith("/feeds/")]
    counted = sum(
        float(line.rpartition(" ")[2])
        for line in scrape.body.decode().splitlines()
        if line.startswith("widgets_http_requests_total{") and 'route_class="feeds"' in line
    )
    assert counted == len(feeds), scrape.body.decode()
    log = server.log()
    assert server.crashes() == [], "\n".join(server.crashes())
    assert '"GET None"' not in log
