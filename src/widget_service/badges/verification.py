"""Badge verification: the token a badge links to names a membership, and a token read back
gives that membership as it stands now.

Nothing of Flask: the keys are passed in (:mod:`.links` takes them from the app's
``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``); the signing itself is in :mod:`signing`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import content, signing
from ..errors import NotFound
from ..models import Membership
from ..signing import InvalidToken

__all__ = ["MAX_ID", "InvalidToken", "membership_token", "verified_membership"]

# ids are 32-bit integers in PostgreSQL: a larger number, however well signed, names no
# membership, and the database would refuse to compare it rather than find nothing
MAX_ID = 2**31 - 1


def membership_token(keys: signing.Keys, membership: Membership) -> str:
    """The token for ``/verify/<token>`` that names ``membership``."""
    return signing.badge_token(keys, membership.id)


def verified_membership(session: Session, keys: signing.Keys, token: str) -> Membership:
    """The public membership a token names, as it stands now.

    Raises :class:`InvalidToken` for a token that cannot be trusted and
    :class:`~widget_service.errors.NotFound` when its membership is gone or not public.
    """
    identifier = signing.badge_membership_id(keys, token)
    if identifier > MAX_ID:
        raise NotFound("membership", str(identifier))
    return content.membership_by_id(session, identifier)
