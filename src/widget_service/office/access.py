"""Who may see and change what in the office.

An admin reaches every alliance; an editor the alliances granted to the account; a
partner account its own partner's projects and events in the alliances the partner is a
member of. Everything else is refused with 403, whether asked for by URL or by form.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Alliance,
    Application,
    Call,
    Event,
    Membership,
    Partner,
    PartnerToken,
    Project,
    Role,
    Source,
    User,
)

# the sections a partner account works in
PARTNER_SECTIONS = ("projects", "events")


def alliance_ids(session: Session, user: User) -> list[int] | None:
    """The alliances an account reaches (None: every one)."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.PARTNER:
        if user.partner_id is None:
            return []
        rows = session.scalars(select(Membership).where(Membership.partner_id == user.partner_id))
        return sorted({m.alliance_id for m in rows if not m.has_ended()})
    return sorted(alliance.id for alliance in user.alliances)


def alliances(session: Session, user: User) -> list[Alliance]:
    """The alliances an account reaches, by name."""
    ids = alliance_ids(session, user)
    query = select(Alliance).order_by(Alliance.name)
    if ids is not None:
        query = query.where(Alliance.id.in_(ids))
    return list(session.scalars(query))


def may_section(user: User, section: str) -> bool:
    """Whether the account works in this section at all."""
    if user.role == Role.PARTNER:
        return section in PARTNER_SECTIONS
    if section == "alliances":
        return True  # editors see and edit their own alliances; only admins create
    return True


def may_record(session: Session, user: User, record: Any) -> bool:
    """Whether the account may see and change this record."""
    if user.role == Role.ADMIN:
        return True
    ids = alliance_ids(session, user) or []
    if user.role == Role.PARTNER:
        return (
            isinstance(record, Project | Event)
            and record.partner_id is not None
            and record.partner_id == user.partner_id
            and record.alliance_id in ids
        )
    if isinstance(record, Alliance):
        return record.id in ids
    if isinstance(record, Partner):
        # a partner is shared by the alliances it belongs to; a new one belongs to none yet
        member_of = {m.alliance_id for m in record.memberships}
        return not member_of or bool(member_of & set(ids))
    if isinstance(
        record, Project | Event | Call | Membership | Source | PartnerToken | Application
    ):
        return record.alliance_id in ids
    return False


def may_archive(session: Session, user: User, record: Any) -> bool:
    """Whether the account may archive or restore this record: an alliance only an admin;
    a partner only when every alliance it belongs to is within reach (archiving it ends
    its memberships everywhere); anything else it may change."""
    if not may_record(session, user, record):
        return False
    if user.role == Role.ADMIN:
        return True
    if isinstance(record, Alliance):
        return False
    if isinstance(record, Partner):
        ids = set(alliance_ids(session, user) or [])
        return all(m.alliance_id in ids for m in record.memberships)
    return True


def require(allowed: bool) -> None:
    """Stop the request with 403 unless ``allowed``."""
    if not allowed:
        abort(403)


def is_trusted(session: Session, user: User, alliance_id: int) -> bool:
    """Whether a partner account's items are published without moderation: its partner
    holds a trusted, unrevoked token for that alliance."""
    if user.partner_id is None:
        return False
    found = session.scalar(
        select(PartnerToken.id).where(
            PartnerToken.partner_id == user.partner_id,
            PartnerToken.alliance_id == alliance_id,
            PartnerToken.trusted.is_(True),
            PartnerToken.revoked_at.is_(None),
        )
    )
    return found is not None
