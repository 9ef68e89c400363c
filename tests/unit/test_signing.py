"""Signed badge tokens: purpose, tampering, unknown keys, rotation, age."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from widget_service import signing
from widget_service.signing import InvalidToken, Keys

OLD = "old-secret-" + "o" * 40
NEW = "new-secret-" + "n" * 40


def test_a_badge_token_names_its_membership() -> None:
    token = signing.badge_token(Keys(NEW), 42)
    assert signing.badge_membership_id(Keys(NEW), token) == 42


def test_tokens_are_stable_within_a_day() -> None:
    assert signing.badge_token(Keys(NEW), 7) == signing.badge_token(Keys(NEW), 7)
    assert signing.badge_token(Keys(NEW), 7) != signing.badge_token(Keys(NEW), 8)


def test_a_tampered_token_is_refused() -> None:
    token = signing.badge_token(Keys(NEW), 42)
    _payload, rest = token.split(".", 1)
    forged = signing.badge_token(Keys(NEW), 43).split(".", 1)[0] + "." + rest
    assert forged != token
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), forged)
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), "not-a-token")


def test_a_token_for_another_purpose_is_refused() -> None:
    other = URLSafeTimedSerializer(NEW, salt="widget-service.something-else").dumps({"m": 42})
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), other)
    # nor does Flask's own session salt pass
    session_like = URLSafeTimedSerializer(NEW, salt="cookie-session").dumps({"m": 42})
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), session_like)


def test_a_token_signed_with_an_unknown_key_is_refused() -> None:
    token = signing.badge_token(Keys(OLD), 42)
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), token)


def test_rotated_keys_keep_old_tokens_valid_and_sign_new_ones_with_the_new_key() -> None:
    old_token = signing.badge_token(Keys(OLD), 42)
    rotated = Keys(NEW, fallbacks=(OLD,))
    assert signing.badge_membership_id(rotated, old_token) == 42
    new_token = signing.badge_token(rotated, 42)
    assert new_token != old_token
    assert signing.badge_membership_id(Keys(NEW), new_token) == 42
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(OLD), new_token)


def test_keys_come_from_the_app_configuration() -> None:
    keys = Keys.from_config({"SECRET_KEY": NEW, "SECRET_KEY_FALLBACKS": f"{OLD}, other"})
    assert keys == Keys(NEW, (OLD, "other"))
    assert Keys.from_config({"SECRET_KEY": NEW, "SECRET_KEY_FALLBACKS": [OLD]}).all() == [OLD, NEW]


def test_a_token_whose_payload_names_no_membership_is_refused() -> None:
    for payload in ({"m": "42"}, {"m": True}, {"m": 0}, [42], {"x": 1}):
        token = signing.sign(Keys(NEW), signing.BADGE, payload)
        with pytest.raises(InvalidToken):
            signing.badge_membership_id(Keys(NEW), token)


def test_badge_tokens_live_for_decades_but_not_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 20 * 365 * signing.DAY)
    twenty_years_old = signing.badge_token(Keys(NEW), 42)
    monkeypatch.setattr(signing.time, "time", lambda: now - 31 * 365 * signing.DAY)
    thirty_one_years_old = signing.badge_token(Keys(NEW), 42)
    monkeypatch.undo()
    assert signing.badge_membership_id(Keys(NEW), twenty_years_old) == 42
    with pytest.raises(InvalidToken):
        signing.badge_membership_id(Keys(NEW), thirty_one_years_old)
