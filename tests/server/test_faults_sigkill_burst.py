"""kill -9 during a burst: every write that got its success answer is in the database.

Many clients post writes (a project each, through the import path the partner API uses)
to gunicorn with the shipped settings; in the middle of the burst the master and every
worker are killed with SIGKILL. gunicorn is started again, each client resends what it had
sent without getting an answer (a write is keyed by its slug, so resending is safe), and
then every write is counted in the database: 0 lost, 0 duplicated.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.gunicorn_support import Gunicorn
from widget_service.models import Project

CLIENTS = 8
KILL_AFTER = 30  # acknowledged writes before the kill
PER_CLIENT = 20


def _post(base: str, slug: str) -> str:
    request = urllib.request.Request(f"{base}/test-burst/{slug}", data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return str(response.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except (urllib.error.URLError, OSError):
        return "no answer"


def test_no_acknowledged_write_is_lost_or_doubled_by_sigkill(
    demo: Session, migrated: str, tmp_path: Path
) -> None:
    acknowledged: list[str] = []
    unanswered: list[str] = []
    refused: list[tuple[str, str]] = []
    enough = threading.Event()
    lock = threading.Lock()

    def client(number: int, base: str) -> None:
        for n in range(PER_CLIENT):
            slug = f"burst-{number}-{n}"
            outcome = _post(base, slug)
            with lock:
                if outcome == "201":
                    acknowledged.append(slug)
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()
                elif outcome == "no answer":
                    unanswered.append(slug)
                    return  # the server is gone: this client stops, as a browser would
                else:
                    refused.append((slug, outcome))

    server = Gunicorn(migrated, tmp_path, workers=2, application="tests.burst_app:app")
    with server:
        threads = [
            threading.Thread(target=client, args=(number, server.url)) for number in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        enough.wait(timeout=600)
        server.kill()
        for thread in threads:
            thread.join()
    assert refused == []
    assert enough.is_set()
    assert len(acknowledged) < CLIENTS * PER_CLIENT, "the kill came after the burst"

    # gunicorn again; what got no answer is sent once more
    with Gunicorn(migrated, tmp_path, workers=2, application="tests.burst_app:app") as again:
        resent = Counter(_post(again.url, slug) for slug in unanswered)
    assert set(resent) <= {"201"}, resent

    demo.expire_all()
    stored = Counter(
        dict(
            demo.execute(
                select(Project.slug, func.count())
                .where(Project.slug.like("burst-%"))
                .group_by(Project.slug)
            ).all()
        )
    )
    lost = [slug for slug in acknowledged if stored[slug] == 0]
    doubled = [slug for slug, count in stored.items() if count > 1]
    assert lost == []
    assert doubled == []
    assert set(stored) == set(acknowledged) | set(unanswered)
