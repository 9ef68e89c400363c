"""Two instances side by side: B shows A's projects with provenance after one poll, an
unchanged A costs B only 304s, and two instances subscribed to each other neither loop
nor duplicate.

Each instance is a real app with its own database, served on a local port; B polls A's
real ``/feeds/<alliance>/projects.json`` (and A polls B's).
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.federation_support import stub_resolver
from tests.servers import LiveServer
from widget_service import create_app, db
from widget_service.demo import demo_document
from widget_service.models import Base, Channel, Project, Status
from widget_service.operations import import_document
from widget_service.timeutil import today

PA = "niedersachsen-packt-an"
FEED_PATH = re.compile(r"^/feeds/([a-z0-9-]+)/(projects|events)\.json$")


@dataclass
class Instance:
    """An app served on 127.0.0.1 under a test name, answering its feeds with ETags."""

    name: str
    app: Flask
    port: int = 0
    feed_statuses: list[int] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://{self.name}:{self.port}"

    def session(self) -> Session:
        factory: Callable[[], Session] = self.app.extensions[db.EXTENSION]
        return factory()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """The app itself, noting the status of every feed request."""
        if FEED_PATH.match(environ.get("PATH_INFO", "")) is None:
            return self.app(environ, start_response)  # type: ignore[no-any-return]

        def noting(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            self.feed_statuses.append(int(status.split()[0]))
            return start_response(status, headers, *rest)

        return self.app(environ, noting)  # type: ignore[no-any-return]

    def poll(self, *args: str) -> str:
        result = self.app.test_cli_runner().invoke(args=["sources", "poll", *args])
        assert result.exit_code == 0, result.output
        return result.output

    def subscribe(self, other: Instance, title: str) -> None:
        source = {
            "alliance": PA,
            "url": f"{other.base_url}/feeds/{PA}/projects.json",
            "kind": "projects",
            "title": title,
        }
        with self.session() as session:
            import_document(session, {"sources": [source]})

    def federated(self) -> list[Project]:
        with self.session() as session:
            query = select(Project).where(Project.channel == Channel.SOURCE).order_by(Project.id)
            return list(session.scalars(query))


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Instance], Instance]]:
    names: dict[str, list[str]] = {}
    stub_resolver(monkeypatch, names)
    with ExitStack() as running_servers:

        def start(instance: Instance) -> Instance:
            instance.port = running_servers.enter_context(LiveServer(instance)).port
            names[instance.name] = ["127.0.0.1"]
            return instance

        yield start


@pytest.fixture
def instance_a(app: Flask, demo: Session, serve: Callable[[Instance], Instance]) -> Instance:
    """The first instance: the demo content."""
    return serve(Instance("a.test", app))


@pytest.fixture
def instance_b(
    config: dict[str, Any],
    second_database_url: str,
    tmp_path: Path,
    serve: Callable[[Instance], Instance],
) -> Iterator[Instance]:
    """A second instance with its own database: the alliance and one project of its own."""
    b_app = create_app(
        {
            **config,
            "DATABASE_URL": second_database_url,
            "FETCH_CACHE_PATH": str(tmp_path / "b" / "fetch-cache.sqlite3"),
        }
    )
    instance = serve(Instance("b.test", b_app))
    alliance = next(a for a in demo_document(today())["alliances"] if a["slug"] == PA)
    own = {
        "alliance": PA,
        "slug": "lokales-aus-b",
        "title": "Lokales aus B",
        "summary": "Nur in B.",
    }
    with instance.session() as session:
        import_document(session, {"alliances": [alliance], "projects": [own]})
    yield instance
    engine = db.make_engine(second_database_url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    with b_app.app_context():
        db.engine().dispose()


@pytest.fixture(autouse=True)
def _allow_test_instances(config: dict[str, Any]) -> None:
    config["FETCH_ALLOW_HOSTS"] = ["a.test", "b.test"]


def _published_in_a(instance: Instance) -> dict[str, Project]:
    with instance.session() as session:
        rows = session.scalars(
            select(Project)
            .join(Project.alliance)
            .where(Project.status == Status.PUBLISHED, Project.alliance.has(slug=PA))
        )
        return {f"urn:uuid:{row.uid}": row for row in rows}


def test_a_second_instance_shows_the_first_ones_projects_after_one_poll(
    instance_a: Instance, instance_b: Instance
) -> None:
    instance_b.subscribe(instance_a, "Kreis Peine (Instanz A)")
    expected = _published_in_a(instance_a)
    assert expected

    output = instance_b.poll()

    assert f"items: {len(expected)} new" in output
    federated = {row.remote_guid: row for row in instance_b.federated()}
    assert set(federated) == set(expected)
    sample = expected[next(iter(expected))]
    copy = federated[f"urn:uuid:{sample.uid}"]
    origin = f"{instance_a.base_url}/p/{PA}/projects/{sample.slug}"
    assert (copy.title, copy.status, copy.via, copy.remote_url) == (
        sample.title,
        Status.PUBLISHED,
        "Kreis Peine (Instanz A)",
        origin,
    )

    page = instance_b.app.test_client().get(f"/p/{PA}/projects/{copy.slug}?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "via Kreis Peine (Instanz A)" in text and f'href="{origin}"' in text
    # the original link leads to the first instance's page
    page_path = origin.removeprefix(instance_a.base_url)
    with urllib.request.urlopen(f"http://127.0.0.1:{instance_a.port}{page_path}") as answer:
        assert answer.status == 200
        assert sample.title in answer.read().decode()

    # re-polling an unchanged world costs only 304s
    output = instance_b.poll("--all")
    assert instance_a.feed_statuses == [200, 304]
    assert "1 sources polled: 0 changed, 1 unchanged, 0 failed; items: 0 new, 0 updated" in output


def test_two_instances_subscribed_to_each_other_neither_loop_nor_duplicate(
    instance_a: Instance, instance_b: Instance
) -> None:
    instance_a.subscribe(instance_b, "Instanz B")
    instance_b.subscribe(instance_a, "Instanz A")
    local_a = _published_in_a(instance_a)

    for _ in range(3):
        instance_b.poll("--all")
        instance_a.poll("--all")

    in_a = instance_a.federated()
    in_b = instance_b.federated()
    # A took B's one project, B took A's; neither took its own back nor took anything twice
    assert [row.title for row in in_a] == ["Lokales aus B"]
    assert {row.remote_guid for row in in_b} == set(local_a)
    for rows in (in_a, in_b):
        guids = [row.remote_guid for row in rows]
        assert len(guids) == len(set(guids))
    with instance_a.session() as session:
        total = session.scalar(select(func.count()).select_from(Project))
    with instance_b.session() as session:
        b_total = session.scalar(select(func.count()).select_from(Project))
    assert b_total == 1 + len(local_a)
    output = instance_a.poll("--all")
    assert "0 new, 0 updated, 0 archived" in output
    with instance_a.session() as session:
        assert session.scalar(select(func.count()).select_from(Project)) == total


def test_republished_items_keep_identity_origin_and_original_partner(
    instance_a: Instance, instance_b: Instance
) -> None:
    """What a third instance polling B would read: A's GUID, A's page and A's partner."""
    instance_b.subscribe(instance_a, "Kreis Peine (Instanz A)")
    instance_b.poll()
    with instance_a.session() as session:
        original = session.scalar(select(Project).where(Project.slug == "ausbildungslotsen-peine"))
        assert original is not None and original.partner is not None
        guid, partner_name = f"urn:uuid:{original.uid}", original.partner.name

    feed = instance_b.app.test_client().get(f"/feeds/{PA}/projects.json?limit=100").get_json()
    item = next(entry for entry in feed["items"] if entry["id"] == guid)
    extension = item["_alliance"]
    origin = f"{instance_a.base_url}/p/{PA}/projects/ausbildungslotsen-peine"
    assert item["external_url"] == origin
    assert extension["origin"] == origin
    assert extension["via"] == "Kreis Peine (Instanz A)"
    assert extension["partner"] == {
        "slug": "landkreis-peine",
        "name": partner_name,
        "region": "Landkreis Peine",
    }
    assert item["authors"] == [{"name": partner_name}]
