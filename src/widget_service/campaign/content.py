"""Reads of the campaign kit (the call itself is read through ``content.call_by_slug``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..errors import NotFound
from ..models import Call

# ids beyond what the database's integer holds are simply not found
LARGEST_ID = 2**31 - 1


def call_by_id(session: Session, call_id: int) -> Call:
    """The call behind a short address (``/c/<id>``); an archived one, or one of an
    archived alliance, is not found."""
    call = None
    if 0 < call_id <= LARGEST_ID:
        query = (
            select(Call)
            .options(joinedload(Call.alliance))
            .where(Call.id == call_id, Call.archived_on.is_(None))
        )
        call = session.scalar(query)
    if call is None or call.alliance.archived_on is not None:
        raise NotFound("call", str(call_id))
    return call
