"""Reads of signatures: the confirmed count, the names signers agreed to show, the export.

Signatures are personal data: only the count and the names of those who said ``show_name``
leave the office, and nothing of them goes into a feed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Signature


def confirmed_count(session: Session, call_id: int) -> int:
    """How many signatures of a call have been confirmed."""
    query = select(func.count(Signature.id)).where(
        Signature.call_id == call_id, Signature.confirmed_at.is_not(None)
    )
    return session.scalar(query) or 0


def public_signers(session: Session, call_id: int, limit: int = 100) -> list[Signature]:
    """Confirmed signers who agreed to be listed, the first to confirm first."""
    query = (
        select(Signature)
        .where(
            Signature.call_id == call_id,
            Signature.confirmed_at.is_not(None),
            Signature.show_name.is_(True),
        )
        .order_by(Signature.confirmed_at, Signature.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def all_signatures(session: Session, call_id: int) -> Sequence[Signature]:
    """Every signature of a call, confirmed or not, for the office's export."""
    query = select(Signature).where(Signature.call_id == call_id).order_by(Signature.id)
    return session.scalars(query).all()


def format_count(number: int, lang: str) -> str:
    """``1.234`` in German, ``1,234`` in English."""
    grouped = f"{number:,}"
    return grouped.replace(",", ".") if lang == "de" else grouped
