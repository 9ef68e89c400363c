"""While the database is away, every route answers a readable 503 with ``Retry-After`` in
its own shape: a page, plain text for feeds and text blocks, an image for badges and
banners, JSON for the API, oEmbed and ``/healthz``; never a 500, never a traceback.

The app is pointed at a port where nothing listens, so every connection is refused at
once; tests/server/test_faults_postgres_restart.py does the same with a real PostgreSQL
that is stopped under load.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from tests.functional.participation_support import signature, story
from tests.functional.test_hostile_requests import EXAMPLES, MORE, PA
from tests.functional.test_security_headers import _missing_headers
from widget_service.speed.generation import Marker
from widget_service.web.errors import RETRY_AFTER

DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/none"
# routes that answer without the database: their answer is their usual one
WITHOUT_DATABASE = {
    "/metrics",  # says widgets_database_up 0
    "/privacy",
    "/accessibility",
    "/imprint",
    "/leichte-sprache",
    "/docs/json-feed",
    "/embed.js",
    "/oembed",  # without ?url= it is refused before any query
    "/api/v1/openapi.json",
    "/share/mastodon",
    "/admin/login",
    *(rule for rule in EXAMPLES if rule.startswith("/admin/") and rule != "/admin/login"),
}
# more paths where the database is asked in another shape
ALSO = [
    f"/oembed?format=json&url=http://localhost/p/{PA}",
    f"/embed/banner?alliance={PA}&call=zusammen-mehr",
    f"/fragment/badge?alliance={PA}&partner=landkreis-peine",
    f"/newsletter/{PA}/zusammen-mehr.txt",
    f"/p/{PA}/events/konferenz-zusammenhalt.ics",
]
MESSAGE = "Die Datenbank antwortet gerade nicht."


def shape(path: str) -> str:
    """The media type a 503 on ``path`` must have."""
    address = path.partition("?")[0]
    if address.startswith(("/api/", "/oembed", "/healthz")):
        return "application/json"
    if address.startswith(("/badge/", "/banner/")) and address.endswith((".svg", ".png")):
        return "image/svg+xml" if address.endswith(".svg") else "image/png"
    if address.endswith((".rss", ".atom", ".json", ".ics", ".txt")):
        return "text/plain"
    return "text/html"


def check_unavailable(response: TestResponse, path: str) -> None:
    assert response.status_code == 503, (path, response.status)
    # at least the service's own; a rate-limited route may name its window's end, later
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) >= RETRY_AFTER, (path, retry_after)
    assert response.headers["Cache-Control"] == "no-store", path
    assert response.mimetype == shape(path), (path, response.mimetype)
    assert _missing_headers(response, path) == []
    body = response.get_data()
    assert b"Traceback" not in body, path
    if response.mimetype != "image/png":
        assert MESSAGE.encode() in body or b'"unavailable"' in body, (path, body[:300])


@pytest.fixture
def down(config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]) -> FlaskClient:
    app = make_app({**config, "DATABASE_URL": DOWN, "FORM_RATE_LIMIT": "1000 per minute"})
    return app.test_client()


def test_every_route_says_503_with_retry_after_in_its_own_shape(
    down: FlaskClient, filled: Callable[[str], str]
) -> None:
    for rule, example in EXAMPLES.items():
        path = filled(example)
        response = down.get(path)
        if rule in WITHOUT_DATABASE:
            assert response.status_code < 500, (path, response.status)
        else:
            check_unavailable(response, path)
    for path in MORE:
        response = down.get(path)
        if response.status_code == 400:  # a parameter is missing: refused before any query
            continue
        check_unavailable(response, path)
    for path in ALSO:
        check_unavailable(down.get(path), path)


def test_health_says_503_with_retry_after(down: FlaskClient) -> None:
    response = down.get("/healthz")
    check_unavailable(response, "/healthz")
    assert response.get_json() == {"status": "unavailable"}


def test_writes_say_503_with_retry_after_in_their_own_shape(down: FlaskClient) -> None:
    api = down.post(
        f"/api/v1/{PA}/projects",
        json={"title": "Ein Projekt"},
        headers={"Authorization": "Bearer wst_nothing"},
    )
    check_unavailable(api, f"/api/v1/{PA}/projects")
    assert api.get_json()["error"]["status"] == 503
    for path, values in (
        (f"/submit/{PA}", story()),
        (f"/sign/{PA}/zusammen-mehr", signature()),
    ):
        response = down.post(path, data={**values, "form_token": "whatever"})
        check_unavailable(response, path)


def test_the_cache_marker_does_without_the_database_when_redis_lost_its_key(
    tmp_path: Path,
) -> None:
    """Redis restarted (its generation key is gone) while the database is away as well: the
    marker cannot seed the key, so nothing is answered from the cache, and nothing fails."""

    class EmptyRedis:
        def register_script(self, _script: str) -> Callable[..., Any]:
            def run(**_arguments: Any) -> Any:
                raise AssertionError("nothing to seed without the database's value")

            return run

        def get(self, _key: str) -> None:
            return None

    def read_database() -> int:
        raise OperationalError("SELECT value FROM content_generation", {}, OSError("refused"))

    marker = Marker(tmp_path, EmptyRedis(), read_database)
    assert marker.token() is None
