"""``WIDGETS_LOG_FORMAT=json``: one JSON object per line, no query strings, no personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from widget_service.config import ConfigurationError
from widget_service.monitoring.logs import JsonFormatter


@pytest.fixture
def json_app(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]
) -> Iterator[Flask]:
    root = logging.getLogger()
    level = root.level
    yield make_app({**config, "LOG_FORMAT": "json"})
    for handler in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]:
        root.removeHandler(handler)
    root.setLevel(level)


def _lines(captured: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def test_requests_are_logged_as_json_by_route_without_values(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    client = json_app.test_client()
    client.get("/p/niedersachsen-packt-an?email=anna@example.org&q=secret")
    client.get("/verify/some-token-value")
    entries = _lines(capsys.readouterr().err)
    access = [entry for entry in entries if entry["logger"] == "widget_service.access"]
    assert [entry["message"] for entry in access] == ["GET /p/<alliance>", "GET /verify/<token>"]
    assert access[0]["status"] == 404
    assert access[0]["route_class"] == "public"
    assert isinstance(access[0]["duration_ms"], float)
    text = json.dumps(entries)
    for private in ("anna@example.org", "secret", "some-token-value", "niedersachsen-packt-an"):
        assert private not in text


def test_messages_lose_addresses_query_strings_and_exception_messages(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    with json_app.test_request_context("/feeds/all/projects.rss?partner=x"):
        try:
            raise ValueError("Key (email)=(max@example.org) already exists")
        except ValueError:
            json_app.logger.exception("Mail to max@example.org failed at /x?token=abc")
    (entry,) = [e for e in _lines(capsys.readouterr().err) if e["level"] == "error"]
    assert entry["message"] == "Mail to [e-mail] failed at /x?…"
    assert entry["route"] == "/feeds/<alliance>/projects.<any(rss, atom, json):fmt>"
    assert entry["exception"] == "ValueError"
    assert "test_monitoring_logs.py" in entry["traceback"]
    assert "max@example.org" not in json.dumps(entry)


def test_an_unknown_format_stops_the_start(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    with pytest.raises(ConfigurationError, match="WIDGETS_LOG_FORMAT"):
        make_app({**config, "LOG_FORMAT": "xml"})


@pytest.fixture
def json_cached_app(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]
) -> Iterator[Flask]:
    root = logging.getLogger()
    level = root.level
    yield make_app({**config, "LOG_FORMAT": "json", "RESPONSE_CACHE": True})
    for handler in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]:
        root.removeHandler(handler)
    root.setLevel(level)


def test_answers_from_the_response_cache_get_an_access_line_too(
    json_cached_app: Flask, demo: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    client = json_cached_app.test_client()
    url = "/feeds/niedersachsen-packt-an/projects.atom?partner=stadt-sehnde"
    first = client.get(url)  # rendered by the app
    assert client.get(url).status_code == 200  # from the cache
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    entries = _lines(capsys.readouterr().err)
    access = [entry for entry in entries if entry["logger"] == "widget_service.access"]
    route = "/feeds/<alliance>/projects.<any(rss, atom, json):fmt>"
    assert [entry["message"] for entry in access] == [f"GET {route}"] * 3
    assert [entry.get("cache") for entry in access] == [None, "hit", "hit"]
    assert [entry["status"] for entry in access] == [200, 200, 304]
    assert {entry["route_class"] for entry in access} == {"feeds"}
    assert {entry["route"] for entry in access} == {route}
    assert {entry["method"] for entry in access} == {"GET"}
    assert all(isinstance(entry["duration_ms"], float) for entry in access)
    text = json.dumps(entries)
    assert "stadt-sehnde" not in text and "niedersachsen-packt-an" not in text
