"""Every spam trap of the public forms: honeypot, too fast, replayed, expired or foreign
token, and the rate limit."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_SECRET
from tests.functional.participation_support import (
    CALL,
    HZ,
    PA,
    application,
    fresh_token,
    signature,
    story,
    submit_path,
)
from widget_service import signing
from widget_service.models import Application, Project, Signature


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "FORM_MIN_SECONDS": 0, "FORM_RATE_LIMIT": "1000 per minute"}


def _count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_filled_honeypot_stores_nothing(client: FlaskClient, demo: Session) -> None:
    token = fresh_token(client, submit_path())
    data = {**story(website_url="https://spam.example"), "form_token": token}
    response = client.post(f"/submit/{PA}", data=data)
    assert response.status_code == 400
    assert demo.scalar(select(Project).where(Project.title == story()["title"])) is None


def test_a_replayed_token_is_refused(client: FlaskClient, demo: Session) -> None:
    token = fresh_token(client, submit_path())
    first = client.post(f"/submit/{PA}", data={**story(), "form_token": token})
    assert first.status_code == 303
    again = client.post(f"/submit/{PA}", data={**story(title="Nochmal"), "form_token": token})
    assert again.status_code == 400
    assert "bereits gesendet" in again.get_data(as_text=True)
    assert demo.scalar(select(Project).where(Project.title == "Nochmal")) is None


def test_a_missing_or_forged_token_is_refused(client: FlaskClient, demo: Session) -> None:
    assert client.post(f"/submit/{PA}", data=story()).status_code == 400
    forged = client.post(f"/submit/{PA}", data={**story(), "form_token": "abc.def.ghi"})
    assert forged.status_code == 400


def test_a_token_of_another_form_or_alliance_is_refused(client: FlaskClient, demo: Session) -> None:
    other_alliance = fresh_token(client, submit_path(HZ))
    response = client.post(f"/submit/{PA}", data={**story(), "form_token": other_alliance})
    assert response.status_code == 400
    sign_token = fresh_token(client, f"/sign/{PA}/{CALL}")
    response = client.post(f"/join/{PA}", data={**application(), "form_token": sign_token})
    assert response.status_code == 400
    assert _count(demo, Application.__table__) == 0


def test_an_expired_token_is_refused(
    client: FlaskClient, demo: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = signing.Keys(TEST_SECRET)
    payload = {"f": "submit", "s": PA, "t": time.time() - 7 * 3600, "n": "00"}
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 7 * 3600)
    old = signing.sign(keys, signing.FORM, payload)
    monkeypatch.setattr(time, "time", real_time)
    response = client.post(f"/submit/{PA}", data={**story(), "form_token": old})
    assert response.status_code == 400
    assert "abgelaufen" in response.get_data(as_text=True)


def test_a_form_sent_too_fast_is_refused(
    config: dict[str, Any], make_app: Any, demo: Session
) -> None:
    app: Flask = make_app({**config, "FORM_MIN_SECONDS": 3600})
    client = app.test_client()
    token = fresh_token(client, f"/sign/{PA}/{CALL}")
    response = client.post(f"/sign/{PA}/{CALL}", data={**signature(), "form_token": token})
    assert response.status_code == 400
    assert "sehr schnell" in response.get_data(as_text=True)
    assert 'value="Max Mustermann"' in response.get_data(as_text=True)  # nothing is lost
    assert _count(demo, Signature.__table__) == 0


def test_too_many_posts_from_one_client_get_429_with_retry_after(
    config: dict[str, Any], make_app: Any, demo: Session
) -> None:
    app: Flask = make_app({**config, "FORM_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    statuses = []
    for _ in range(4):
        token = fresh_token(client, f"/join/{PA}")
        data = {**application(), "form_token": token}
        statuses.append(client.post(f"/join/{PA}", data=data))
    assert [response.status_code for response in statuses] == [303, 303, 303, 429]
    assert int(statuses[-1].headers["Retry-After"]) > 0
    # reading the form is not limited
    assert client.get(f"/join/{PA}").status_code == 200


def test_one_token_sent_twice_at_once_stores_one_contribution(
    client: FlaskClient, demo: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from widget_service.participation import forms

    token = fresh_token(client, submit_path())
    assert client.post(f"/submit/{PA}", data={**story(), "form_token": token}).status_code == 303
    # the second request passed its check before the first one stored the token
    monkeypatch.setattr(forms, "check_traps", lambda *_args: forms.token_digest(token))
    again = client.post(f"/submit/{PA}", data={**story(title="Zugleich"), "form_token": token})
    assert again.status_code == 400
    assert "bereits gesendet" in again.get_data(as_text=True)
    assert demo.scalar(select(Project).where(Project.title == "Zugleich")) is None
