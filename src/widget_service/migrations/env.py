"""Alembic environment: runs on the connection that :func:`widget_service.db.upgrade` passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from widget_service.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as fresh:
        _run(fresh)


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `widget-service init-db`.")
run_migrations_online()
