"""The content generation: a number every write of content advances in its own transaction.

Cached responses are keyed by it, so a change reaches every route at once. Writers bump
row 1 of ``content_generation`` inside the transaction (a session event, so every write
path — import, office, API, federation — counts without knowing about the cache) and,
once committed, publish the new value to a *marker* that readers check without a query:

* a small file in the instance folder, replaced atomically (its inode and mtime are the
  token; one ``stat`` a request), shared by every worker and command on the host;
* a Redis key when ``WIDGETS_REDIS_URL`` is set, shared by every host.

A write made outside the app (a script with its own engine, SQL by hand) advances the
row but no marker: its responses turn over when their ``max-age`` runs out.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from ..models import (
    AuditEntry,
    ContentGeneration,
    OutgoingMail,
    PartnerToken,
    ReachCount,
    Source,
    UsedFormToken,
    User,
)

log = logging.getLogger(__name__)
EXTENSION = "widget_service.speed"
MARKER_FILE = "content-generation"
REDIS_KEY = "widgets:content-generation"
# rows no public response shows: writing them leaves every cached response valid
# (a source's fetch state changes at every poll; its items are what count)
NOT_CONTENT: tuple[type[Any], ...] = (
    AuditEntry,
    ContentGeneration,
    OutgoingMail,
    PartnerToken,
    ReachCount,
    Source,
    UsedFormToken,
    User,
)
NOT_CONTENT_TABLES = frozenset(model.__tablename__ for model in NOT_CONTENT)
_CHANGED = "widget_service.content_changed"
_PUBLISH = "widget_service.content_generation"
# Redis keeps the highest value it was told, whatever order two writers' commits arrive in
_SET_MAX = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[1])
"""


def _is_content(instance: object) -> bool:
    return not isinstance(instance, NOT_CONTENT)


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if any(_is_content(item) for item in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in NOT_CONTENT_TABLES:
        state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    # commit flushes after this hook: flush now, so what is pending is seen and counted
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    advanced = session.execute(
        update(ContentGeneration)
        .where(ContentGeneration.id == 1)
        .values(value=ContentGeneration.value + 1)
    )
    if getattr(advanced, "rowcount", 1) == 0:
        session.execute(insert(ContentGeneration).values(id=1, value=1))
    value = session.scalar(select(ContentGeneration.value).where(ContentGeneration.id == 1))
    session.info[_PUBLISH] = int(value or 0)


def _after_commit(session: Session) -> None:
    value = session.info.pop(_PUBLISH, None)
    if value is None:
        return
    # the app's sessions carry its marker; a session made elsewhere uses the current app's
    marker: Marker | None = session.info.get(EXTENSION)
    if marker is None and has_app_context():
        marker = current_app.extensions.get(EXTENSION)
    if marker is not None:
        marker.publish(value)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_PUBLISH, None)


def listen() -> None:
    """Advance the generation in every session's commit that wrote content (once per process)."""
    if event.contains(Session, "before_commit", _before_commit):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _bulk_statement)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)


class Marker:
    """Where committed generations are published and read back without a database query.

    ``token()`` is cheap (a ``stat``, or one Redis ``GET``) and changes whenever a write
    of content has been committed by any process that shares the instance folder (or the
    Redis server). While Redis does not answer, the file is used and a warning logged;
    Redis is tried again after ``retry_after`` seconds.
    """

    def __init__(
        self,
        instance: Path,
        redis_client: Any | None = None,
        read_database: Callable[[], int] | None = None,
        retry_after: float = 10.0,
    ) -> None:
        self.path = instance / MARKER_FILE
        self.redis = redis_client
        self.read_database = read_database
        self.retry_after = retry_after
        self._redis_down_until = 0.0
        self._set_max = redis_client.register_script(_SET_MAX) if redis_client else None
        if not self.path.exists():
            self._write_file(0)

    # -- writing ----------------------------------------------------------------------------

    def publish(self, value: int) -> None:
        """Tell every reader that the content of generation ``value`` is committed."""
        self._write_file(value)
        if self._set_max is not None and self._redis_usable():
            try:
                self._set_max(keys=[REDIS_KEY], args=[value])
            except Exception as error:  # any Redis failure: fall back, say so
                self._redis_failed(error)

    def _write_file(self, value: int) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{MARKER_FILE}.{os.getpid()}")
            temporary.write_text(f"{value}\n", encoding="ascii")
            os.replace(temporary, self.path)  # a new inode: readers see a new token
        except OSError as error:
            log.warning("Could not write the content generation marker %s: %s", self.path, error)

    # -- reading ----------------------------------------------------------------------------

    def token(self) -> str | None:
        """A string that changes whenever committed content has changed; None when no
        marker can be read (then nothing may be answered from the cache)."""
        if self.redis is not None and self._redis_usable():
            try:
                value = self.redis.get(REDIS_KEY)
            except Exception as error:  # any Redis failure: fall back, say so
                self._redis_failed(error)
            else:
                if value is None:
                    try:
                        value = self._seed_redis()
                    except SQLAlchemyError as error:
                        # the database is away as well: no cache until both answer
                        log.warning("Cannot read the content generation: %s", error)
                        return None
                    except Exception as error:  # any Redis failure: fall back, say so
                        self._redis_failed(error)
                        return self._file_token()
                return "r" + (value.decode() if isinstance(value, bytes) else str(value))
        return self._file_token()

    def _file_token(self) -> str | None:
        try:
            status = os.stat(self.path)
        except OSError:
            return None  # the instance folder is not ours to write: no shared marker
        return f"f{status.st_ino}.{status.st_mtime_ns}"

    def _seed_redis(self) -> str:
        """After Redis lost the key (a restart): start again from the database's value."""
        value = self.read_database() if self.read_database is not None else 0
        assert self._set_max is not None
        seeded = self._set_max(keys=[REDIS_KEY], args=[value])
        return seeded.decode() if isinstance(seeded, bytes) else str(seeded)

    def _redis_usable(self) -> bool:
        return time.monotonic() >= self._redis_down_until

    def _redis_failed(self, error: Exception) -> None:
        self._redis_down_until = time.monotonic() + self.retry_after
        log.warning(
            "Redis does not answer (%s): responses are cached in this process only, "
            "checked against the instance folder, for the next %.0f s",
            error,
            self.retry_after,
        )

    def redis_usable(self) -> bool:
        """True unless Redis failed within the last ``retry_after`` seconds."""
        return self.redis is not None and self._redis_usable()

    def redis_failed(self, error: Exception) -> None:
        """Note that Redis failed elsewhere (the response store), so both fall back together."""
        self._redis_failed(error)
