"""Badge verification: the token a badge links to, and the membership a token names.

The small API the badge views, the partner page and the badge widget share; the
signing itself is in :mod:`signing` (no Flask there), the keys come from the app's
``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from . import content, signing
from .errors import NotFound
from .http import external_url
from .models import Membership
from .signing import InvalidToken

__all__ = ["InvalidToken", "verification_token", "verification_url", "verified_membership"]

# ids are 32-bit integers in PostgreSQL: a larger number, however well signed, names no
# membership, and the database would refuse to compare it rather than find nothing
MAX_ID = 2**31 - 1


def keys() -> signing.Keys:
    """The application's signing keys, current first in use, fallbacks still accepted."""
    return signing.Keys.from_config(current_app.config)


def verification_token(membership: Membership) -> str:
    """The token for ``/verify/<token>`` that names ``membership``."""
    return signing.badge_token(keys(), membership.id)


def verification_url(membership: Membership) -> str:
    """The absolute URL of the membership's verification page (what badge snippets link to)."""
    return external_url("badges.verify", token=verification_token(membership))


def verified_membership(session: Session, token: str) -> Membership:
    """The public membership a token names, as it stands now.

    Raises :class:`InvalidToken` for a token that cannot be trusted and
    :class:`~widget_service.errors.NotFound` when its membership is gone or not public.
    """
    identifier = signing.badge_membership_id(keys(), token)
    if identifier > MAX_ID:
        raise NotFound("membership", str(identifier))
    return content.membership_by_id(session, identifier)
