"""Signed tokens: the one module that imports itsdangerous.

Each purpose has its own salt, so a token made for one purpose never passes as another,
and every check passes a ``max_age``. Keys rotate: tokens are signed with the current
secret and still accepted when signed with one of the fallbacks
(``WIDGETS_SECRET_KEY_FALLBACKS``), so a new key does not break pasted snippets.

A badge token lives as long as the snippet a partner pasted into its website; it names
the membership, and the verification page reads that membership's state when asked.
So its age limit is long on purpose (:data:`BADGE_MAX_AGE`, 30 years): what ends a
badge is the membership ending, which the page shows at once, and what retires all
tokens at once is dropping a key from the fallbacks.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

DAY = 86_400
BADGE = "badge"
# a public form's token: CSRF token and time trap in one (participation/forms.py)
FORM = "form"
# the link in a signer's e-mail that confirms the signature (valid 7 days), and the one that
# withdraws it (as long as a signature may be kept)
SIGNATURE_CONFIRM = "signature-confirm"
SIGNATURE_WITHDRAW = "signature-withdraw"
SALTS: dict[str, str] = {
    BADGE: "widget-service.badge-verification.v1",
    FORM: "widget-service.public-form.v1",
    SIGNATURE_CONFIRM: "widget-service.signature-confirm.v1",
    SIGNATURE_WITHDRAW: "widget-service.signature-withdraw.v1",
}
MAX_AGES: dict[str, int] = {
    BADGE: 30 * 365 * DAY,
    # a form may stay open while someone writes a long story, but not for days
    FORM: 6 * 3600,
    SIGNATURE_CONFIRM: 7 * DAY,
    SIGNATURE_WITHDRAW: 5 * 365 * DAY,
}
# purposes whose tokens carry the second they were made (not the day): the form's time trap
_PRECISE = frozenset({FORM, SIGNATURE_CONFIRM, SIGNATURE_WITHDRAW})
BADGE_MAX_AGE = MAX_AGES[BADGE]


class InvalidToken(ValueError):
    """A token that is tampered with, made for another purpose, signed with an unknown
    key, expired, or not of the expected shape."""


@dataclass(frozen=True)
class Keys:
    """The current secret and the earlier ones still accepted while keys rotate."""

    current: str
    fallbacks: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Keys:
        """From an app's ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (a list, or one string)."""
        fallbacks = config.get("SECRET_KEY_FALLBACKS") or ()
        if isinstance(fallbacks, str):
            fallbacks = [part.strip() for part in fallbacks.split(",") if part.strip()]
        return cls(str(config["SECRET_KEY"]), tuple(str(key) for key in fallbacks))

    def all(self) -> list[str]:
        # itsdangerous signs with the last key and accepts any of them
        return [*self.fallbacks, self.current]


class _DaySigner(TimestampSigner):
    """Timestamps to the day: the same membership gives the same token all day long, so
    pages that show it keep their ETag (and answer 304) instead of changing every second."""

    def get_timestamp(self) -> int:
        return int(time.time()) // DAY * DAY


def _serializer(keys: Keys, purpose: str) -> URLSafeTimedSerializer:
    signer = TimestampSigner if purpose in _PRECISE else _DaySigner
    return URLSafeTimedSerializer(keys.all(), salt=SALTS[purpose], signer=signer)


def sign(keys: Keys, purpose: str, payload: Any) -> str:
    """A URL-safe token carrying ``payload`` (JSON data) for ``purpose``."""
    return str(_serializer(keys, purpose).dumps(payload))


def unsign(keys: Keys, purpose: str, token: str, max_age: int | None = None) -> Any:
    """The payload of a token made by :func:`sign` for ``purpose``; raises :class:`InvalidToken`.

    ``max_age`` may shorten the purpose's own limit, never lengthen it.
    """
    limit = MAX_AGES[purpose] if max_age is None else min(max_age, MAX_AGES[purpose])
    try:
        return _serializer(keys, purpose).loads(token, max_age=limit)
    except BadData as error:
        raise InvalidToken(str(error)) from error


def badge_token(keys: Keys, membership_id: int) -> str:
    """The token a badge links to: it names one membership by its id."""
    return sign(keys, BADGE, {"m": membership_id})


def badge_membership_id(keys: Keys, token: str) -> int:
    """The membership id a badge token names; raises :class:`InvalidToken`."""
    payload = unsign(keys, BADGE, token)
    identifier = payload.get("m") if isinstance(payload, dict) else None
    if not isinstance(identifier, int) or isinstance(identifier, bool) or identifier < 1:
        raise InvalidToken("the token names no membership")
    return identifier
