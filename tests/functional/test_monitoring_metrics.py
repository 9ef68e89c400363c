"""``/metrics``: requests and latency per route class, the queues' state, loopback only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from widget_service import mail
from widget_service.config import ConfigurationError
from widget_service.models import OutgoingMail, Project, Status
from widget_service.timeutil import utcnow


def _value(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition (0 when it is absent)."""
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if match is None or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match.group(3))
    return 0.0


def _scrape(client: FlaskClient) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    return response.text


def test_requests_are_counted_and_timed_per_route_class(client: FlaskClient, demo: Session) -> None:
    before = _scrape(client)
    count = "widgets_http_requests_total"
    for _ in range(3):
        assert client.get("/feeds/all/projects.atom").status_code == 200
    assert client.get("/badge/niedersachsen-packt-an/nobody.svg").status_code == 404
    assert client.get("/nowhere").status_code == 404
    after = _scrape(client)

    def grew(**labels: str) -> float:
        return _value(after, count, **labels) - _value(before, count, **labels)

    assert grew(route_class="feeds", method="GET", status="200") == 3
    assert grew(route_class="badges", method="GET", status="404") == 1
    assert grew(route_class="unmatched", method="GET", status="404") == 1
    timed = "widgets_http_request_duration_seconds_count"
    assert (
        _value(after, timed, route_class="feeds") - _value(before, timed, route_class="feeds") == 3
    )


def test_queues_are_read_from_the_database(client: FlaskClient, demo: Session) -> None:
    old = utcnow() - dt.timedelta(hours=2)
    demo.add(OutgoingMail(recipient="a@example.org", subject="s", text="t", created_at=old))
    demo.add(
        OutgoingMail(recipient="b@example.org", subject="s", text="t", attempts=2, created_at=old)
    )
    demo.add(
        OutgoingMail(recipient="c@example.org", subject="s", text="t", attempts=mail.MAX_ATTEMPTS)
    )
    demo.add(OutgoingMail(recipient="d@example.org", subject="s", text="t", sent_at=utcnow()))
    project = demo.query(Project).filter(Project.status == Status.PUBLISHED).first()
    assert project is not None
    project.status = Status.PENDING
    project.created_at = utcnow() - dt.timedelta(days=3)
    demo.commit()

    text = _scrape(client)
    assert _value(text, "widgets_database_up") == 1
    assert _value(text, "widgets_mail_queue_messages", state="waiting") == 1
    assert _value(text, "widgets_mail_queue_messages", state="failing") == 1
    assert _value(text, "widgets_mail_queue_messages", state="given_up") == 1
    assert 7000 < _value(text, "widgets_mail_queue_oldest_seconds") < 8000
    assert _value(text, "widgets_moderation_queue_items", kind="project") == 1
    oldest = _value(text, "widgets_moderation_queue_oldest_seconds", kind="project")
    assert 3 * 86400 - 60 < oldest < 3 * 86400 + 3600
    assert _value(text, "widgets_moderation_queue_items", kind="application") == 0


def test_sources_report_their_last_poll(client: FlaskClient, demo: Session) -> None:
    from widget_service.models import Alliance, Source, SourceKind

    alliance = demo.query(Alliance).filter_by(slug="niedersachsen-packt-an").one()
    success = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
    source = Source(
        alliance=alliance,
        url="https://feeds.example.org/a.rss",
        kind=SourceKind.PROJECTS,
        last_success_at=success,
        failures=4,
        last_error="the server did not answer in time",
    )
    demo.add(source)
    demo.commit()
    text = _scrape(client)
    labels = {"source": str(source.id), "alliance": "niedersachsen-packt-an", "kind": "projects"}
    assert _value(text, "widgets_source_consecutive_failures", **labels) == 4
    assert _value(text, "widgets_source_last_success_timestamp_seconds", **labels) == (
        success.timestamp()
    )


def test_only_allowed_addresses_may_read(client: FlaskClient) -> None:
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 403
    assert "widgets_" not in outside.text
    # through a proxy the peer is the proxy's loopback address: refused, not trusted
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_the_allowed_networks_are_configurable(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    app = make_app({**config, "METRICS_ALLOW": "10.1.0.0/16, 192.0.2.7"})
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.200.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer listed
    with pytest.raises(ConfigurationError, match="WIDGETS_METRICS_ALLOW"):
        make_app({**config, "METRICS_ALLOW": "localhost"})


def test_a_scrape_while_the_database_is_away_says_so(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    # nothing listens on port 1: every connection is refused at once
    app = make_app({**config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    assert _value(response.text, "widgets_database_up") == 0
    assert "widgets_mail_queue_messages" not in response.text


def test_response_cache_hits_and_misses_are_counted_per_route_class(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask], demo: Session
) -> None:
    client = make_app({**config, "RESPONSE_CACHE": True}).test_client()
    before = _scrape(client)
    feed = "/feeds/all/projects.atom"
    first = client.get(feed)  # rendered: a miss
    assert first.status_code == 200
    assert client.get(feed).status_code == 200  # from the cache: a hit
    again = client.get(feed, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304  # a hit too, answered 304
    page = "/p/niedersachsen-packt-an"
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200
    # a page with a form token is never kept: every request is a miss
    for _ in range(2):
        assert client.get("/sign/niedersachsen-packt-an/zusammen-mehr").status_code == 200
    after = _scrape(client)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    lookups = "widgets_response_cache_lookups_total"
    assert grew(lookups, route_class="feeds", result="miss") == 1
    assert grew(lookups, route_class="feeds", result="hit") == 2
    assert grew(lookups, route_class="public", result="miss") == 1
    assert grew(lookups, route_class="public", result="hit") == 1
    assert grew(lookups, route_class="participation", result="miss") == 2
    assert grew(lookups, route_class="participation", result="hit") == 0
    # none of these went unmatched (the registry is the process's: earlier tests count too)
    assert grew(lookups, route_class="unmatched", result="miss") == 0
    assert grew(lookups, route_class="unmatched", result="hit") == 0
    # answers from the cache are requests of their route class too, with the status sent
    requests = "widgets_http_requests_total"
    assert grew(requests, route_class="feeds", method="GET", status="200") == 2
    assert grew(requests, route_class="feeds", method="GET", status="304") == 1
    assert grew(requests, route_class="public", method="GET", status="200") == 2
    timed = "widgets_http_request_duration_seconds_count"
    assert grew(timed, route_class="feeds") == 3


def test_a_shared_cache_entry_keeps_its_route_class() -> None:
    from widget_service.speed.store import Entry

    entry = Entry("200 OK", [("Content-Type", "text/plain")], b"x", 1e12, route_class="feeds")
    assert Entry.loads(entry.dumps()).route_class == "feeds"
