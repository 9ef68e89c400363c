"""Verification links of this app: its signing keys, a membership's token and the absolute
URL of its verification page (what badge snippets and the badge widget link to)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from .. import signing
from ..http import external_url
from ..models import Membership
from . import verification


def keys() -> signing.Keys:
    """The application's signing keys, current first in use, fallbacks still accepted."""
    return signing.Keys.from_config(current_app.config)


def verification_token(membership: Membership) -> str:
    """The token for ``/verify/<token>`` that names ``membership``."""
    return verification.membership_token(keys(), membership)


def verification_url(membership: Membership) -> str:
    """The absolute URL of the membership's verification page."""
    return external_url("badges.verify", token=verification_token(membership))


def verified_membership(session: Session, token: str) -> Membership:
    """The membership a token names, checked with this app's keys."""
    return verification.verified_membership(session, keys(), token)
