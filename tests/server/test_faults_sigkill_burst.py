"""kill -9 during a burst: every write that got its success answer is in the database.

The real service (``wsgi:app``) runs under gunicorn with the shipped settings on a
PostgreSQL cluster of the test's own. Many clients write as visitors and partners do:
partner API posts with a token (each with its own ``external_id``), project suggestions
through the submit widget's form and signatures under a call, each form with the valid
``form_token`` of the page it was fetched from (``WIDGETS_FORM_MIN_SECONDS=0`` switches the
time trap off). In the middle of the burst the master and every worker are killed with
SIGKILL. gunicorn is started again, each client resends exactly what it had sent without
getting an answer (the same ``external_id``, the same form token: a resend updates, or is
refused as sent already, never doubles), and then every write is counted in the database:
0 lost, 0 duplicated.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from tests.gunicorn_support import Gunicorn
from tests.postgres_support import ThrowawayPostgres, load_demo, require_binaries
from widget_service import db, tokens
from widget_service.models import Project, Signature

PA = "niedersachsen-packt-an"
CALL = "zusammen-mehr"
CLIENTS = 8
KILL_AFTER = 36  # acknowledged writes before the kill
PER_CLIENT = 24
SETTINGS = {
    "WIDGETS_FORM_MIN_SECONDS": "0",
    "WIDGETS_FORM_RATE_LIMIT": "100000 per minute",
    "WIDGETS_API_RATE_LIMIT": "100000 per minute",
}
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
# what a write's success answer is, per kind
SUCCESS = {"api": {201}, "submit": {303}, "sign": {303}}


class NoAnswer(Exception):
    """The connection was refused or dropped: the server is gone."""


@dataclass(frozen=True)
class Write:
    """One write as sent: resending it sends the very same request."""

    kind: str  # api, submit or sign
    key: str  # what finds it in the database: external_id, title or e-mail address
    method: str
    path: str
    body: bytes
    headers: tuple[tuple[str, str], ...]


def _request(
    base: str, method: str, path: str, body: bytes = b"", headers: tuple[tuple[str, str], ...] = ()
) -> tuple[int, bytes]:
    """One request without following redirects (a form's success is its 303)."""
    netloc = urllib.parse.urlsplit(base).netloc
    connection = http.client.HTTPConnection(netloc, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.read()
    except OSError as error:  # refused, reset, or closed without an answer
        raise NoAnswer(str(error)) from None
    finally:
        connection.close()


def _form_token(base: str, page: str) -> str:
    status, body = _request(base, "GET", page)
    assert status == 200, (page, status)
    found = TOKEN.search(body.decode())
    assert found is not None, f"{page} carries no form token"
    return found.group(1)


def _form(values: dict[str, str]) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    body = urllib.parse.urlencode(values).encode()
    return body, (("Content-Type", "application/x-www-form-urlencoded"),)


def _write(base: str, kind: str, name: str, api_token: str) -> Write:
    """The next write of a client; a form's page is fetched first for its token."""
    if kind == "api":
        record = {
            "title": f"Burst API {name}",
            "summary": "Written by the SIGKILL test through the partner API.",
            "external_id": name,
        }
        headers = (("Content-Type", "application/json"), ("Authorization", f"Bearer {api_token}"))
        body = json.dumps(record).encode()
        return Write(kind, name, "POST", f"/api/v1/{PA}/projects", body, headers)
    if kind == "submit":
        title = f"Burst suggestion {name}"
        body, headers = _form(
            {
                "form_token": _form_token(base, f"/embed/submit?alliance={PA}"),
                "kind": "project",
                "title": title,
                "summary": "Written by the SIGKILL test through the submit form.",
                "description": "A project suggested during the burst.",
                "name": "Burst Tester",
                "email": f"{name}@example.org",
                "consent": "yes",
                "website_url": "",
            }
        )
        return Write(kind, title, "POST", f"/submit/{PA}", body, headers)
    email = f"{name}@example.org"
    body, headers = _form(
        {
            "form_token": _form_token(base, f"/sign/{PA}/{CALL}"),
            "name": f"Burst {name}",
            "place": "Sehnde",
            "email": email,
            "consent": "yes",
            "website_url": "",
        }
    )
    return Write(kind, email, "POST", f"/sign/{PA}/{CALL}", body, headers)


def _send(base: str, write: Write) -> int:
    status, _body = _request(base, write.method, write.path, write.body, write.headers)
    return status


def _issue_token(url: str) -> str:
    engine = db.make_engine(url)
    try:
        with db.make_session_factory(engine)() as session:
            _row, plain = tokens.issue(session, PA, "stadt-sehnde", trusted=True)
            session.commit()
    finally:
        engine.dispose()
    return plain


def _stored(url: str) -> dict[str, Counter[str]]:
    """How often each burst write is in the database, per kind."""
    engine = db.make_engine(url)
    try:
        with db.make_session_factory(engine)() as session:
            api = session.execute(
                select(Project.external_id, func.count())
                .where(Project.external_id.like("burst-%"))
                .group_by(Project.external_id)
            ).all()
            submit = session.execute(
                select(Project.title, func.count())
                .where(Project.title.like("Burst suggestion %"))
                .group_by(Project.title)
            ).all()
            sign = session.execute(
                select(Signature.email, func.count())
                .where(Signature.email.like("burst-%"))
                .group_by(Signature.email)
            ).all()
    finally:
        engine.dispose()
    return {
        kind: Counter({str(key): int(count) for key, count in rows})
        for kind, rows in (("api", api), ("submit", submit), ("sign", sign))
    }


def test_no_acknowledged_write_is_lost_or_doubled_by_sigkill(tmp_path: Path) -> None:
    acknowledged: list[Write] = []
    unanswered: list[Write] = []
    refused: list[tuple[Write, int]] = []
    enough = threading.Event()
    lock = threading.Lock()
    kinds = ("api", "submit", "sign")

    with ThrowawayPostgres(require_binaries()) as postgres:
        load_demo(postgres.url)
        api_token = _issue_token(postgres.url)

        def client(number: int, base: str) -> None:
            for n in range(PER_CLIENT):
                kind = kinds[(number + n) % len(kinds)]
                try:
                    write = _write(base, kind, f"burst-{number}-{n}", api_token)
                except NoAnswer:
                    return  # the form's page never came: nothing was sent
                try:
                    status = _send(base, write)
                except NoAnswer:
                    with lock:
                        unanswered.append(write)
                    return  # the server is gone: this client stops, as a browser would
                with lock:
                    if status in SUCCESS[kind]:
                        acknowledged.append(write)
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()
                    else:
                        refused.append((write, status))

        server = Gunicorn(postgres.url, tmp_path, workers=2, extra_env=SETTINGS)
        with server:
            threads = [
                threading.Thread(target=client, args=(number, server.url))
                for number in range(CLIENTS)
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
        before_resending = _stored(postgres.url)

        # gunicorn again; what got no answer is sent once more, exactly as before
        with Gunicorn(postgres.url, tmp_path, workers=2, extra_env=SETTINGS) as again:
            resent = [(write, _send(again.url, write)) for write in unanswered]
        stored = _stored(postgres.url)
        log = server.log()

    for write, status in resent:
        was_stored = before_resending[write.kind][write.key] > 0
        if write.kind == "api":
            # stored before the kill: the resend updates it (200); else it is created (201)
            assert status == (200 if was_stored else 201), (write, status)
        else:
            # stored before the kill: its form token was used, so the resend is refused as
            # sent already (400, the form again with the message); else it is stored now (303)
            assert status == (400 if was_stored else 303), (write, status)
    lost = [write for write in acknowledged if stored[write.kind][write.key] == 0]
    doubled = [(kind, key) for kind, found in stored.items() for key, n in found.items() if n > 1]
    assert lost == []
    assert doubled == []
    for kind in kinds:
        sent = {w.key for w in [*acknowledged, *unanswered] if w.kind == kind}
        assert set(stored[kind]) == sent, kind
        assert any(write.kind == kind for write in acknowledged), f"no {kind} write acknowledged"
    assert "Traceback" not in log
