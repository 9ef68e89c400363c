"""Reach: embeds counted per day and origin, without tracking anyone, and shown as figures."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.office_support import login, make_user
from widget_service import reach
from widget_service.models import ReachCount, ReachKind
from widget_service.speed.middleware import ResponseCache
from widget_service.timeutil import today

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"


def test_origin_of_keeps_scheme_host_and_port_only() -> None:
    assert reach.origin_of("https://www.sehnde.de/leben/buendnis?x=1#a") == "https://www.sehnde.de"
    assert reach.origin_of("http://localhost:8080/seite") == "http://localhost:8080"
    assert reach.origin_of("https://example.org:443/") == "https://example.org"
    assert reach.origin_of(None) == ""
    assert reach.origin_of("android-app://com.example") == ""
    assert reach.origin_of("https://[::1") == ""
    assert reach.origin_of("https://" + "a" * 400 + ".de/") == ""


def test_served_embeds_are_counted_per_day_and_origin_only(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    sehnde = {
        "Referer": "https://www.sehnde.de/buendnis/seite?id=7",
        "User-Agent": "Mozilla/5.0",
        "Cookie": "x=1",
    }
    peine = {"Referer": "https://www.landkreis-peine.de/"}
    for headers in (sehnde, sehnde, peine):
        assert client.get(f"/banner/{PA}/zusammen-mehr.svg", headers=headers).status_code == 200
    assert client.get(f"/badge/{PA}/stadt-sehnde.svg", headers=sehnde).status_code == 200
    assert client.get(f"/embed/projects?alliance={PA}", headers=peine).status_code == 200
    assert client.get(f"/embed/projects?alliance={PA}").status_code == 200
    assert client.get(f"/badge/{PA}/unbekannt.svg", headers=peine).status_code == 404
    assert client.get(f"/p/{PA}", headers=peine).status_code == 200  # a page is no embed
    reach.counter(app).flush()
    rows = {
        (row.kind, row.name, row.alliance, row.origin): row.count
        for row in demo.scalars(select(ReachCount))
    }
    assert rows == {
        (ReachKind.BANNER, "zusammen-mehr", PA, "https://www.sehnde.de"): 2,
        (ReachKind.BANNER, "zusammen-mehr", PA, "https://www.landkreis-peine.de"): 1,
        (ReachKind.BADGE, "stadt-sehnde", PA, "https://www.sehnde.de"): 1,
        (ReachKind.WIDGET, "projects", PA, "https://www.landkreis-peine.de"): 1,
        (ReachKind.WIDGET, "projects", PA, ""): 1,
    }
    assert {row.day for row in demo.scalars(select(ReachCount))} == {today()}
    # counting again adds to the same rows
    client.get(f"/banner/{PA}/zusammen-mehr.svg", headers=sehnde)
    reach.counter(app).flush()
    demo.expire_all()
    again = demo.scalar(
        select(ReachCount).where(
            ReachCount.origin == "https://www.sehnde.de", ReachCount.kind == ReachKind.BANNER
        )
    )
    assert again is not None and again.count == 3
    # and nothing about the visitor is kept: no column holds more than the origin
    assert set(ReachCount.__table__.columns.keys()) == {
        "id",
        "day",
        "kind",
        "name",
        "alliance",
        "origin",
        "count",
    }


def test_a_widget_request_writes_nothing_until_the_counter_is_due(
    make_app: object, config: dict[str, object], demo: Session
) -> None:
    app = make_app({**config, "REACH_FLUSH_SECONDS": 3600})  # type: ignore[operator]
    client = app.test_client()
    for _ in range(3):
        client.get(f"/badge/{PA}/stadt-sehnde.svg", headers={"Referer": "https://www.sehnde.de/"})
    assert demo.scalars(select(ReachCount)).all() == []
    assert reach.counter(app).flush() == 1
    assert demo.scalar(select(ReachCount.count)) == 3


def test_the_statistics_page_shows_where_the_banner_is_embedded(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    client.get(f"/banner/{PA}/zusammen-mehr.svg", headers={"Referer": "https://www.sehnde.de/a"})
    client.get(
        f"/embed/banner?alliance={PA}&call=zusammen-mehr",
        headers={"Referer": "https://www.peine.de/b"},
    )
    reach.counter(app).flush()
    make_user(demo, "buero@example.org")
    login(client, "buero@example.org")
    page = client.get("/admin/statistics").get_data(as_text=True)
    assert "zusammen-mehr" in page
    assert "https://www.sehnde.de" in page and "https://www.peine.de" in page
    assert page.count('role="img"') >= 5  # the charts, drawn on the server
    assert "<script" not in page


@pytest.fixture
def cache_on(config: dict[str, Any]) -> None:
    config["RESPONSE_CACHE"] = True


def test_answers_from_the_response_cache_are_counted_too(
    cache_on: None, app: Flask, client: FlaskClient, demo: Session
) -> None:
    sehnde = {"Referer": "https://www.sehnde.de/buendnis"}
    peine = {"Referer": "https://www.landkreis-peine.de/"}
    path = f"/badge/{PA}/stadt-sehnde.svg"
    assert client.get(path, headers=sehnde).status_code == 200  # rendered, stored
    for headers in (sehnde, peine):  # answered from the cache: the app's hooks never run
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        # the office's session is not looked at outside /admin: one copy for everyone
        assert "cookie" not in {value.lower() for value in response.vary}
    assert isinstance(app.wsgi_app, ResponseCache) and app.wsgi_app.hits == 2
    reach.counter(app).flush()
    rows = {(row.name, row.origin): row.count for row in demo.scalars(select(ReachCount))}
    assert rows == {
        ("stadt-sehnde", "https://www.sehnde.de"): 2,
        ("stadt-sehnde", "https://www.landkreis-peine.de"): 1,
    }
