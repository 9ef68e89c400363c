"""The response cache: warm answers without a query or a template, made stale by every write."""

from __future__ import annotations

import gzip
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from widget_service import db
from widget_service.models import Channel, ContentGeneration, OutgoingMail, Project
from widget_service.operations import import_document
from widget_service.speed import ResponseCache

PA = "niedersachsen-packt-an"
ROUTES = (
    f"/feeds/{PA}/projects.atom",
    f"/feeds/{PA}/projects.rss",
    f"/feeds/{PA}/projects.json",
    f"/feeds/{PA}/events.ics",
    f"/fragment/projects?alliance={PA}&limit=5",
    f"/embed/projects?alliance={PA}",
    f"/badge/{PA}/landkreis-peine.svg",
    f"/p/{PA}",
    "/embed.js",
)


@pytest.fixture(autouse=True)
def _cache_on(config: dict[str, Any]) -> None:
    config["RESPONSE_CACHE"] = True


class Work:
    """Counts what the app does while a block runs: SQL statements and templates."""

    def __init__(self) -> None:
        self.queries = 0
        self.templates = 0


@contextmanager
def counted(app: Flask) -> Iterator[Work]:
    work = Work()
    with app.app_context():
        engine = db.engine()

    def query(*_args: Any) -> None:
        work.queries += 1

    def rendered(*_args: Any, **_kwargs: Any) -> None:
        work.templates += 1

    event.listen(engine, "before_cursor_execute", query)
    template_rendered.connect(rendered, app)
    try:
        yield work
    finally:
        event.remove(engine, "before_cursor_execute", query)
        template_rendered.disconnect(rendered, app)


def _middleware(app: Flask) -> ResponseCache:
    assert isinstance(app.wsgi_app, ResponseCache)
    return app.wsgi_app


def _add_project(session: Session, slug: str, title: str) -> None:
    document = {
        "projects": [
            {
                "alliance": PA,
                "slug": slug,
                "title": title,
                "summary": "Neu im Bündnis.",
                "status": "published",
                "published": "2099-01-01T10:00:00+01:00",
            }
        ]
    }
    import_document(session, document, Channel.IMPORT)


@pytest.mark.parametrize("url", ROUTES)
def test_a_warm_answer_runs_no_query_and_no_template(
    app: Flask, client: FlaskClient, demo: Session, url: str
) -> None:
    first = client.get(url)
    assert first.status_code == 200
    with counted(app) as work:
        again = client.get(url)
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert (work.queries, work.templates) == (0, 0)


def test_a_conditional_request_is_answered_with_304_from_the_cache(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    url = f"/feeds/{PA}/projects.atom"
    etag = client.get(url).headers["ETag"]
    with counted(app) as work:
        answer = client.get(url, headers={"If-None-Match": etag})
    assert answer.status_code == 304
    assert answer.data == b""
    assert answer.headers["ETag"] == etag
    assert work.queries == 0


def test_a_write_is_seen_at_once_also_by_conditional_requests(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    url = f"/feeds/{PA}/projects.atom"
    before = client.get(url)
    assert b"Ganz neues Projekt" not in before.data
    _add_project(demo, "ganz-neu", "Ganz neues Projekt")
    conditional = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert conditional.status_code == 200
    assert b"Ganz neues Projekt" in conditional.data
    assert conditional.headers["ETag"] != before.headers["ETag"]
    assert b"Ganz neues Projekt" in client.get(f"/fragment/projects?alliance={PA}").data


def test_the_key_holds_language_and_a_normalised_query(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    german = client.get(f"/p/{PA}", headers={"Accept-Language": "de-DE,de;q=0.9"})
    english = client.get(f"/p/{PA}", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert german.headers["Content-Language"] == "de"
    assert english.headers["Content-Language"] == "en"
    assert german.data != english.data
    # a preference weighed, not read by position: German here
    weighed = client.get(f"/p/{PA}", headers={"Accept-Language": "en;q=0.1, de;q=0.9"})
    assert weighed.headers["Content-Language"] == "de"
    assert client.get(f"/p/{PA}?lang=en").headers["Content-Language"] == "en"

    client.get(f"/fragment/projects?alliance={PA}&limit=3")
    with counted(app) as work:
        swapped = client.get(f"/fragment/projects?limit=3&alliance={PA}")
    assert swapped.status_code == 200
    assert work.queries == 0


def test_what_must_not_be_shared_is_never_answered_from_the_cache(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    middleware = _middleware(app)
    client.get("/healthz")  # no public max-age
    client.get("/healthz")
    client.get("/fragment/projects?limit=500")  # a 400
    client.get("/fragment/projects?limit=500")
    client.get(f"/api/v1/{PA}/projects", headers={"Authorization": "Bearer x"})
    client.get("/admin/login")
    assert middleware.hits == 0
    assert len(middleware.memory) == 0


def test_the_generation_advances_with_content_writes_only_and_in_their_transaction(
    app: Flask, demo: Session
) -> None:
    def generation() -> int:
        return demo.scalar(select(ContentGeneration.value)) or 0

    start = generation()
    _add_project(demo, "noch-eins", "Noch eins")
    assert generation() == start + 1
    demo.add(OutgoingMail(recipient="a@example.org", subject="s", text="t"))
    demo.commit()  # a mail is no content: cached answers stay valid
    assert generation() == start + 1

    project = demo.scalars(select(Project).where(Project.slug == "noch-eins")).one()
    project.title = "Umbenannt"
    demo.flush()
    demo.rollback()
    assert generation() == start + 1
    demo.commit()
    assert generation() == start + 1


def test_other_processes_see_a_write_through_the_instance_folder(
    app: Flask, config: dict[str, Any], demo: Session, make_app: Any
) -> None:
    """Two apps on one instance folder are two gunicorn workers: a write in one is seen by both."""
    other = make_app(config).test_client()
    url = f"/feeds/{PA}/projects.atom"
    app.test_client().get(url)
    other.get(url)
    with app.app_context():
        _add_project(db.session(), "aus-worker-eins", "Aus Worker eins")
    assert b"Aus Worker eins" in other.get(url).data


def test_gzip_when_the_client_asks(app: Flask, client: FlaskClient, demo: Session) -> None:
    plain = client.get("/embed.js")
    assert "Content-Encoding" not in plain.headers
    for _ in range(2):  # a miss and a hit
        packed = client.get("/embed.js", headers={"Accept-Encoding": "gzip, deflate, br"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.data) == plain.data
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert packed.headers["ETag"] != plain.headers["ETag"]
        assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    again = client.get(
        "/embed.js", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304
    refused = client.get("/embed.js", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    png = client.get(f"/badge/{PA}/landkreis-peine.png", headers={"Accept-Encoding": "gzip"})
    assert png.status_code == 200
    assert "Content-Encoding" not in png.headers


def test_gzip_also_without_the_cache(config: dict[str, Any], make_app: Any, demo: Session) -> None:
    client = make_app({**config, "RESPONSE_CACHE": False}).test_client()
    packed = client.get(f"/p/{PA}", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(packed.data)


def test_a_compressed_copy_is_revalidated_also_without_the_cache(
    config: dict[str, Any], make_app: Any, demo: Session
) -> None:
    """A feed reader (requests sends Accept-Encoding: gzip) polls with the gzip ETag."""
    client = make_app({**config, "RESPONSE_CACHE": False}).test_client()
    url = f"/feeds/{PA}/projects.json"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_cap_shortens_every_max_age(config: dict[str, Any], make_app: Any, demo: Session) -> None:
    client = make_app({**config, "RESPONSE_MAX_AGE_CAP": 2}).test_client()
    for _ in range(2):
        answer = client.get(f"/feeds/{PA}/projects.atom")
        assert "max-age=2," in answer.headers["Cache-Control"]


def test_redis_gone_falls_back_to_memory_with_a_warning(
    config: dict[str, Any], make_app: Any, demo: Session, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.mailserver import free_port

    app = make_app({**config, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        first = client.get(f"/feeds/{PA}/projects.atom")
        second = client.get(f"/feeds/{PA}/projects.atom")
    assert first.status_code == second.status_code == 200
    assert _middleware(app).hits == 1
    assert any("Redis does not answer" in record.getMessage() for record in caplog.records)


REDIS_URL = os.environ.get("WIDGETS_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="WIDGETS_TEST_REDIS_URL is not set (.ci/run sets it)")
def test_hosts_share_entries_and_generation_through_redis(
    config: dict[str, Any],
    make_app: Any,
    demo: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two apps with instance folders of their own are two hosts: Redis is all they share."""
    import redis

    assert REDIS_URL is not None
    server = redis.Redis.from_url(REDIS_URL)
    server.ping()  # a configured server that does not answer fails here, never skips
    for key in server.scan_iter(match="widgets:*"):
        server.delete(key)
    first = make_app({**config, "REDIS_URL": REDIS_URL})
    monkeypatch.setenv("WIDGETS_INSTANCE_PATH", str(tmp_path / "other"))
    second = make_app({**config, "REDIS_URL": REDIS_URL})
    assert second.instance_path != first.instance_path
    url = f"/feeds/{PA}/projects.atom"
    assert first.test_client().get(url).status_code == 200
    with counted(second) as work:
        shared = second.test_client().get(url)
    assert shared.status_code == 200
    assert work.queries == 0  # the first host's answer, from Redis
    with first.app_context():
        _add_project(db.session(), "ueber-redis", "Über Redis")
    assert "Über Redis" in second.test_client().get(url).get_data(as_text=True)
    server.close()


def test_listeners_hear_of_every_answer_the_app_never_saw(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    heard: list[str] = []
    _middleware(app).hit_listeners.append(lambda environ: heard.append(environ["PATH_INFO"]))
    url = f"/badge/{PA}/landkreis-peine.svg"
    client.get(url)
    assert heard == []  # the app answered (and its own hooks ran)
    client.get(url)
    client.get(url)
    assert heard == [url, url]
