"""Signing a call: double opt-in by e-mail, the count, the public list, withdrawal, deletion."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.functional.participation_support import CALL, HZ, PA, fresh_token, post_sign, signature
from widget_service.config import ConfigurationError
from widget_service.models import Call, OutgoingMail, Signature
from widget_service.participation import signatures
from widget_service.participation.operations import purge_signatures
from widget_service.timeutil import today

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "FORM_MIN_SECONDS": 0, "FORM_RATE_LIMIT": "1000 per minute"}


def _call(session: Session) -> Call:
    session.expire_all()
    found = session.scalar(select(Call).where(Call.slug == CALL))
    assert found is not None
    return found


def _links(session: Session, recipient: str) -> list[str]:
    session.expire_all()
    mails = session.scalars(
        select(OutgoingMail).where(OutgoingMail.recipient == recipient).order_by(OutgoingMail.id)
    ).all()
    assert mails
    return re.findall(r"https?://\S+", mails[-1].text)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_a_signature_counts_once_confirmed_and_can_be_withdrawn(
    client: FlaskClient, demo: Session
) -> None:
    response = post_sign(client, signature())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/sign/{PA}/{CALL}/thanks"
    call = _call(demo)
    assert signatures.confirmed_count(demo, call.id) == 0
    page = client.get(f"/sign/{PA}/{CALL}").get_data(as_text=True)
    assert "Max Mustermann" not in page  # not listed before it is confirmed
    confirm, withdraw = _links(demo, "max@example.org")
    assert "/sign/confirm/" in confirm and "/sign/withdraw/" in withdraw
    assert client.get(_path(confirm)).status_code == 200
    assert signatures.confirmed_count(demo, call.id) == 1
    assert client.get(_path(confirm)).status_code == 200  # a second click changes nothing
    assert signatures.confirmed_count(demo, call.id) == 1
    page = client.get(f"/sign/{PA}/{CALL}").get_data(as_text=True)
    assert "Max Mustermann, Sportverein Sehnde" in page
    banner = client.get(f"/fragment/banner?alliance={PA}&call={CALL}&count=yes")
    assert '<p class="aw-count">1 Unterstützende</p>' in banner.get_data(as_text=True)
    # withdrawing asks first (mail scanners follow links), then deletes
    assert client.get(_path(withdraw)).status_code == 200
    assert signatures.confirmed_count(demo, call.id) == 1
    assert client.post(_path(withdraw)).status_code == 200
    assert signatures.confirmed_count(demo, call.id) == 0
    assert demo.scalar(select(Signature)) is None
    assert client.get(_path(confirm)).status_code == 404  # the signature is gone


def test_a_hidden_name_is_counted_but_not_listed(client: FlaskClient, demo: Session) -> None:
    post_sign(client, signature(show_name="no"))
    client.get(_path(_links(demo, "max@example.org")[0]))
    call = _call(demo)
    assert signatures.confirmed_count(demo, call.id) == 1
    assert signatures.public_signers(demo, call.id, 10) == []


def test_signing_twice_with_one_address_counts_once_and_tells_nobody(
    client: FlaskClient, demo: Session
) -> None:
    post_sign(client, signature())
    client.get(_path(_links(demo, "max@example.org")[0]))
    again = post_sign(client, signature(name="Jemand anders", email="MAX@example.org"))
    assert again.status_code == 303  # the same answer: the form tells no one who signed
    call = _call(demo)
    assert signatures.confirmed_count(demo, call.id) == 1
    assert [item.name for item in signatures.public_signers(demo, call.id, 10)] == [
        "Max Mustermann"
    ]


def test_a_bad_or_tampered_link_is_a_404(client: FlaskClient, demo: Session) -> None:
    post_sign(client, signature())
    confirm = _path(_links(demo, "max@example.org")[0])
    assert client.get(confirm[:-3] + "abc").status_code == 404
    assert client.get("/sign/confirm/x").status_code == 404
    withdraw = _path(_links(demo, "max@example.org")[1])
    # a withdrawal token does not confirm, nor a confirmation token withdraw
    assert client.get("/sign/confirm/" + withdraw.rsplit("/", 1)[1]).status_code == 404
    assert client.post("/sign/withdraw/" + confirm.rsplit("/", 1)[1]).status_code == 404


def test_bad_fields_get_messages_and_an_ended_call_takes_no_signature(
    client: FlaskClient, demo: Session
) -> None:
    response = post_sign(client, signature(name="", email="kein", consent=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="pf-name-error"' in html and 'id="pf-email-error"' in html
    assert 'id="pf-consent-error"' in html
    token = fresh_token(client, f"/sign/{PA}/{CALL}")
    ended = client.post(f"/sign/{HZ}/impfaktion-2021", data={**signature(), "form_token": token})
    assert ended.status_code == 400
    assert "nicht zum Unterschreiben geöffnet" in ended.get_data(as_text=True)
    assert demo.scalar(select(Signature)) is None


def test_signatures_are_deleted_after_the_call_ends_and_never_in_feeds(
    client: FlaskClient, demo: Session
) -> None:
    post_sign(client, signature())
    client.get(_path(_links(demo, "max@example.org")[0]))
    for path in (f"/feeds/{HZ}/projects.rss", f"/feeds/{HZ}/events.json", f"/p/{HZ}"):
        assert "max@example.org" not in client.get(path).get_data(as_text=True)
    call = _call(demo)
    call.ends = today() - dt.timedelta(days=10)
    demo.commit()
    assert purge_signatures(demo, retention_days=30) == 0
    assert purge_signatures(demo, retention_days=5) == 1
    assert demo.scalar(select(Signature)) is None


def test_the_office_exports_the_signatures(client: FlaskClient, demo: Session, runner: Any) -> None:
    post_sign(client, signature(name="=HYPERLINK(1)"))
    result = runner.invoke(args=["signatures", "export", PA, CALL])
    assert result.exit_code == 0, result.output
    assert "max@example.org" in result.output
    assert "'=HYPERLINK(1)" in result.output  # no formula for a spreadsheet to run
    assert runner.invoke(args=["signatures", "export", HZ, "nope"]).exit_code != 0


def test_the_poll_timer_purges_signatures_after_the_configured_days(
    client: FlaskClient,
    demo: Session,
    make_app: Callable[[dict[str, Any]], Flask],
    config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unit = (ROOT / "deploy" / "widget-service-poll.service").read_text(encoding="utf-8")
    commands = [
        line.split("widget-service ", 1)[1]
        for line in unit.splitlines()
        if line.startswith("ExecStart=")
    ]
    # purged before the mail is retried: a failing mail server must not stop the deletion
    assert commands == ["sources poll", "signatures purge", "mail retry --due"]

    post_sign(client, signature())
    client.get(_path(_links(demo, "max@example.org")[0]))
    call = _call(demo)
    call.ends = today() - dt.timedelta(days=10)
    demo.commit()
    monkeypatch.setenv("WIDGETS_SIGNATURE_RETENTION_DAYS", "30")
    kept = make_app(config)
    assert (
        "Deleted 0 signature(s)."
        in kept.test_cli_runner().invoke(args=["signatures", "purge"]).output
    )
    privacy = kept.test_client().get("/privacy").get_data(as_text=True)
    assert "werden 30 Tage nach dem Ende des Aufrufs automatisch gelöscht" in privacy
    english = kept.test_client().get("/privacy?lang=en").get_data(as_text=True)
    assert "deleted automatically 30 days after the call has ended" in english

    monkeypatch.setenv("WIDGETS_SIGNATURE_RETENTION_DAYS", "7")
    result = make_app(config).test_cli_runner().invoke(args=["signatures", "purge"])
    assert result.exit_code == 0 and "Deleted 1 signature(s)." in result.output
    demo.expire_all()
    assert demo.scalar(select(Signature)) is None


@pytest.mark.parametrize("value", ["neunzig", "-5", "1.5", ""])
def test_a_bad_retention_setting_stops_the_start(
    make_app: Callable[[dict[str, Any]], Flask],
    config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    monkeypatch.setenv("WIDGETS_SIGNATURE_RETENTION_DAYS", value)
    with pytest.raises(ConfigurationError, match="WIDGETS_SIGNATURE_RETENTION_DAYS"):
        make_app(config)
