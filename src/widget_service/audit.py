"""The audit log: who changed which record, when, and what changed.

A ``before_flush`` listener on every session writes one :class:`AuditEntry` per inserted,
changed or deleted content record, in the same transaction as the change itself, so the
log never says something happened that was rolled back, nor misses what was committed.
Who did it comes from ``session.info``: ``actor`` (a display string: an account's
address, "API token 3 (Landkreis Peine)", "public form") and ``user_id`` when an account
did it; without them the actor is "system".

Not logged: what federation keeps in step with a source (items with a remote GUID, a
source's fetch state) — that is the source's doing, shown on the sources page — and the
bookkeeping columns every write touches (``updated_at``). Passwords and token digests are
never written into a change.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from .models import (
    Alliance,
    Application,
    AuditEntry,
    Call,
    Event,
    Membership,
    Partner,
    PartnerToken,
    Project,
    Source,
    User,
)
from .timeutil import utcnow

DEFAULT_ACTOR = "system"
# record type (as the log names it) of each model it follows
TRACKED: dict[type[Any], str] = {
    Alliance: "alliance",
    Partner: "partner",
    Membership: "membership",
    Project: "project",
    Event: "event",
    Call: "call",
    Source: "source",
    PartnerToken: "token",
    User: "user",
    Application: "application",
}
# columns whose change alone is not worth a line, and never shown in one
QUIET = frozenset({"created_at", "updated_at", "last_used_at", "last_login_at"})
SECRET = frozenset({"password_hash", "digest"})
SOURCE_STATE = frozenset(
    {
        "last_fetched_at",
        "last_success_at",
        "etag",
        "last_modified",
        "last_status",
        "last_error",
        "failures",
        "title",
    }
)
MAX_VALUE = 300


def record_type(target: Any) -> str | None:
    """The name the log gives this object's kind, or None when it is not followed."""
    return TRACKED.get(type(target))


def label_of(target: Any) -> str:
    """A short human name for a record: its title, name, address or slugs."""
    if isinstance(target, Membership):
        alliance = target.alliance.slug if target.alliance else target.alliance_id
        partner = target.partner.slug if target.partner else target.partner_id
        return f"{partner} in {alliance}"
    if isinstance(target, PartnerToken):
        partner = target.partner.slug if target.partner else target.partner_id
        return f"token {target.id or ''} of {partner}".replace("  ", " ")
    for name in ("title", "name", "organisation", "email", "url", "slug"):
        value = getattr(target, name, None)
        if value:
            return str(value)[:MAX_VALUE]
    return ""


def _plain(value: Any) -> Any:
    """A value as JSON can keep it, shortened."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:MAX_VALUE]


def _changes(target: Any) -> dict[str, Any]:
    state = inspect(target)
    found: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in QUIET:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if key in SECRET:
            found[key] = ["…", "…"]
        else:
            found[key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        # many-to-many lists (action fields, an account's alliances) are worth a line
        if rel.secondary is None or rel.viewonly:
            continue
        history = state.attrs[rel.key].history
        if history.has_changes():
            found[rel.key] = [
                [label_of(item) or getattr(item, "slug", "") for item in history.deleted],
                [label_of(item) or getattr(item, "slug", "") for item in history.added],
            ]
    return found


def _ignored(target: Any, action: str, changes: dict[str, Any]) -> bool:
    if isinstance(target, Project | Event) and target.remote_guid is not None:
        return True  # federated: the source's doing
    if action == "update":
        rest = set(changes)
        if isinstance(target, Source):
            rest -= SOURCE_STATE
        return not rest
    return False


def _row(
    session: Session, target: Any, action: str, changes: dict[str, Any] | None
) -> dict[str, Any]:
    kind = record_type(target)
    assert kind is not None
    return {
        "at": utcnow(),
        "user_id": session.info.get("user_id"),
        "actor": str(session.info.get("actor") or DEFAULT_ACTOR)[:200],
        "action": action,
        "record_type": kind,
        "record_id": getattr(target, "id", None),
        "label": label_of(target)[:MAX_VALUE],
        "changes": changes or None,
    }


def note(session: Session, target: Any, action: str, changes: dict[str, Any] | None = None) -> None:
    """Log an action that is more than an edit (``approve``, ``reject``, ``revoke``), in the
    caller's transaction."""
    session.execute(insert(AuditEntry), [_row(session, target, action, changes)])


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    # fresh for each flush: what a failed flush had noted is not carried over
    rows: list[dict[str, Any]] = []
    session.info["audit_rows"] = rows
    for target in session.dirty:
        if record_type(target) is None or not session.is_modified(target):
            continue
        changes = _changes(target)
        if not _ignored(target, "update", changes):
            rows.append(_row(session, target, "update", changes))
    for target in session.deleted:
        if record_type(target) is not None and not _ignored(target, "delete", {}):
            rows.append(_row(session, target, "delete", None))
    new = [t for t in session.new if record_type(t) is not None and not _ignored(t, "create", {})]
    # the new rows' ids are known only after they are inserted
    session.info["audit_new"] = new


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = session.info.pop("audit_rows", [])
    new: list[Any] = session.info.pop("audit_new", [])
    rows += [_row(session, target, "create", None) for target in new]
    if rows:
        # written in the flush's own transaction, in one statement
        session.execute(insert(AuditEntry), rows)


def install(session_class: type[Session] = Session) -> None:
    """Follow every session of this class (once; later calls do nothing)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)


def entries_for(session: Session, kind: str, record_id: int, limit: int = 100) -> list[AuditEntry]:
    """The log of one record, newest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == kind, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def recent(
    session: Session, limit: int = 200, kinds: Iterable[str] | None = None
) -> list[AuditEntry]:
    """The newest entries of the whole log."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if kinds is not None:
        query = query.where(AuditEntry.record_type.in_(list(kinds)))
    return list(session.scalars(query))
