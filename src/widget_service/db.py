"""Engine, sessions and migrations: the one module that sets SQLAlchemy and Alembic up.

SQLite in the instance folder by default; PostgreSQL (psycopg 3) when the URL says so.
Views ask :func:`session` for the request's session; scripts and benchmarks build their
own with :func:`make_engine` and :func:`make_session_factory`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from . import audit

MIGRATIONS = Path(__file__).with_name("migrations")
# what a database that is down, restarting or overloaded raises: worth a 503 and a retry,
# not a 500 (a refused connection, a dropped one, a full connection pool)
OUTAGES: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeout)
EXTENSION = "widget_service.db"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as psycopg 3 URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine with the settings this service relies on for either backend."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets readers and one writer overlap
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (views render after it)."""
    audit.install()  # every write of content leaves a line in the audit log
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def init_app(app: Flask) -> None:
    """Bind an engine and session factory to ``app``; close the request's session after it."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = make_session_factory(engine)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """The current app's engine."""
    factory: sessionmaker[Session] = current_app.extensions[EXTENSION]
    bound = factory.kw["bind"]
    assert isinstance(bound, Engine)
    return bound


def session() -> Session:
    """The session of the current app context, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION]()
    db_session: Session = g.db_session
    return db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session: Session | None = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def is_available(bound: Engine) -> bool:
    """True when the database answers a trivial query."""
    try:
        with bound.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return False
    return True


def _alembic_config(bound: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", bound.url.render_as_string(hide_password=False))
    return config


def upgrade(bound: Engine, revision: str = "head") -> None:
    """Create the schema or migrate it to ``revision``."""
    config = _alembic_config(bound)
    with bound.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(bound: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with bound.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision among the migrations shipped with the code."""
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head()
