"""One fixture builds the app. The database is SQLite, or PostgreSQL when
``WIDGETS_TEST_DATABASE_URL`` is set: then a fresh database is created on that server for
this run and dropped after it, so parallel runs never meet. Where the URL is set, a server
that does not answer fails the run; it is never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from widget_service import create_app, db
from widget_service.demo import demo_document
from widget_service.models import Base, Channel
from widget_service.operations import import_document
from widget_service.timeutil import today

TEST_SECRET = "test-secret-" + "x" * 40


def _postgres_database(server_url: str) -> Iterator[str]:
    url = make_url(db.normalise_url(server_url))
    name = f"widgets_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = db.make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        raise pytest.UsageError(
            f"WIDGETS_TEST_DATABASE_URL={server_url} is set but unusable: {error}"
        ) from error
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = os.environ.get("WIDGETS_TEST_DATABASE_URL")
    if server:
        yield from _postgres_database(server)
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "widgets.sqlite3")


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def second_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another migrated database on the same backend, for a second instance beside the first."""
    server = os.environ.get("WIDGETS_TEST_DATABASE_URL")
    databases = _postgres_database(server) if server else None
    if databases is not None:
        url = next(databases)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db2") / "second.sqlite3")
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    yield url
    if databases is not None:
        next(databases, None)  # drops it


def _empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def config(migrated: str, tmp_path: Path) -> dict[str, Any]:
    """What each test's app is built with; a test may change it before asking for ``app``."""
    return {
        "ENV": "test",
        # tests send queued mail themselves, so nothing races them in a thread
        "MAIL_AFTER_RESPONSE": False,
        # nor does a video's preview get fetched behind a test's back (test_videos.py asks)
        "PREVIEWS_AFTER_RESPONSE": False,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": migrated,
        "PUBLIC_URL": None,
        "INSTANCE": str(tmp_path),
    }


@pytest.fixture
def app(config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("WIDGETS_INSTANCE_PATH", config["INSTANCE"])
    for name in list(os.environ):
        if name.startswith("WIDGETS_") and name != "WIDGETS_INSTANCE_PATH":
            monkeypatch.delenv(name)
    application = create_app(config)
    yield application
    with application.app_context():
        engine = db.engine()
        _empty_tables(engine)
        engine.dispose()


@pytest.fixture
def make_app() -> Iterator[Callable[[dict[str, Any]], Flask]]:
    """Builds further apps (other settings, same or other database); each one's
    connections are closed at the end of the test, so none is left for the garbage
    collector to find open in a later test."""
    made: list[Flask] = []

    def build(settings: dict[str, Any]) -> Flask:
        application = create_app(settings)
        made.append(application)
        return application

    yield build
    for application in made:
        with application.app_context():
            db.engine().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, outside any request (requests keep theirs apart)."""
    own = app.extensions[db.EXTENSION]()
    yield own
    own.close()


@pytest.fixture
def demo(session: Session) -> Session:
    """The demo content, loaded as ``widget-service demo`` loads it."""
    import_document(session, demo_document(today()), Channel.DEMO)
    return session
