"""Partners' API tokens: issue, authenticate, list, revoke, trust.

A token is ``wst_`` and 32 random bytes (URL-safe); only its SHA-256 digest is stored, so
the plain token is shown once, when it is issued, and a stolen database holds nothing
that opens the API. A random secret needs no slow hash: one SHA-256 is enough to make it
unguessable from its digest, and it lets :func:`authenticate` find the row by an index.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .errors import NotFound, ValidationError
from .models import Alliance, Membership, Partner, PartnerToken
from .timeutil import utcnow

TOKEN_PREFIX = "wst_"  # noqa: S105 (marks tokens in logs and secret scanners)
# longer than any token we issue; a longer header is not worth hashing
MAX_TOKEN_LENGTH = 200

__all__ = [
    "TOKEN_PREFIX",
    "authenticate",
    "issue",
    "list_tokens",
    "revoke",
    "set_trusted",
    "token_digest",
]


def token_digest(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(
    session: Session,
    alliance: str,
    partner: str,
    *,
    trusted: bool = False,
    label: str | None = None,
) -> tuple[PartnerToken, str]:
    """A new token for a member partner of an alliance; returns the row and the plain token,
    which is shown once and never stored. The caller commits.

    Raises :class:`NotFound` for an unknown slug and :class:`ValidationError` when the
    partner is not an active member.
    """
    found_alliance = session.scalar(select(Alliance).where(Alliance.slug == alliance))
    if found_alliance is None:
        raise NotFound("alliance", alliance)
    found_partner = session.scalar(select(Partner).where(Partner.slug == partner))
    if found_partner is None:
        raise NotFound("partner", partner)
    member = session.scalar(
        select(Membership).where(
            Membership.alliance_id == found_alliance.id,
            Membership.partner_id == found_partner.id,
        )
    )
    if member is None or not member.is_active():
        raise ValidationError([f"partner {partner!r} is not an active member of {alliance!r}"])
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PartnerToken(
        alliance=found_alliance,
        partner=found_partner,
        digest=token_digest(plain),
        label=(label or "").strip()[:200] or None,
        trusted=trusted,
    )
    session.add(token)
    session.flush()
    return token, plain


def authenticate(session: Session, raw: str | None) -> PartnerToken | None:
    """The live token a request presents (the part after ``Bearer``), or None for a
    missing, malformed, unknown or revoked one. Notes when it was last used (the caller's
    transaction commits that)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    digest = token_digest(raw)
    token = session.scalar(
        select(PartnerToken)
        .where(PartnerToken.digest == digest)
        .options(joinedload(PartnerToken.alliance), joinedload(PartnerToken.partner))
    )
    # the index found it; compare in constant time all the same
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    if token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    return token


def list_tokens(session: Session, alliance_ids: list[int] | None = None) -> list[PartnerToken]:
    """Every token (of the given alliances), newest first, revoked ones included."""
    query = (
        select(PartnerToken)
        .options(joinedload(PartnerToken.alliance), joinedload(PartnerToken.partner))
        .order_by(PartnerToken.id.desc())
    )
    if alliance_ids is not None:
        query = query.where(PartnerToken.alliance_id.in_(alliance_ids))
    return list(session.scalars(query))


def get(session: Session, token_id: int) -> PartnerToken:
    """The token with this id; raises :class:`NotFound`."""
    token = session.get(PartnerToken, token_id) if 0 < token_id < 2**31 else None
    if token is None:
        raise NotFound("token", str(token_id))
    return token


def revoke(session: Session, token: PartnerToken) -> bool:
    """Revoke a token; False when it was revoked already. The caller commits."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


def set_trusted(token: PartnerToken, trusted: bool) -> None:
    """Trust a token (its posts are published at once) or take the trust back."""
    token.trusted = trusted


def describe(token: PartnerToken) -> str:
    """One line about a token, never its secret: id, alliance, partner, state."""
    state = "revoked" if token.revoked_at else ("trusted" if token.trusted else "moderated")
    used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never used"
    label = f"  {token.label}" if token.label else ""
    return (
        f"{token.id}  {token.alliance.slug}  {token.partner.slug}  {state}  "
        f"issued {token.created_at:%Y-%m-%d}  {used}{label}"
    )
