"""The migrations build exactly the schema the models describe, on either backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from widget_service import db
from widget_service.models import Base


def test_models_and_migrations_agree(migrated: str) -> None:
    engine = db.make_engine(migrated)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_the_database_is_at_the_newest_revision(migrated: str) -> None:
    engine = db.make_engine(migrated)
    try:
        assert db.current_revision(engine) == db.head_revision()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_upgrade_is_repeatable(migrated: str) -> None:
    engine = db.make_engine(migrated)
    try:
        db.upgrade(engine)
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()
