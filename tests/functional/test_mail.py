"""Outgoing mail: queued in the transaction, sent afterwards through real SMTP, retried."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.mailserver import free_port, smtp_server, text_of
from widget_service import MAIL_SENDER, create_app, mail
from widget_service.config import ConfigurationError
from widget_service.models import OutgoingMail
from widget_service.timeutil import utcnow


def _queue(session: Session, recipient: str = "ana@example.org") -> OutgoingMail:
    queued = mail.enqueue(session, recipient, "Bitte bestätigen", "Hallo Ana,\nbitte bestätigen.")
    session.commit()
    return queued


def test_a_queued_message_is_sent_through_smtp_and_marked_sent(session: Session) -> None:
    queued = _queue(session)
    with smtp_server() as (server, port):
        transport = mail.SMTPTransport(mail.SMTPSettings.from_url(f"smtp://127.0.0.1:{port}"))
        report = mail.send_due(session, transport, "buero@example.org", sender_name="Büro")
    assert (report.sent, report.failed) == (1, 0)
    [message] = server.messages
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Bitte bestätigen"
    assert "Büro" in message["From"]
    assert "bitte bestätigen" in text_of(message)
    session.refresh(queued)
    assert queued.sent_at is not None
    assert queued.attempts == 1


def test_nothing_is_sent_twice(session: Session) -> None:
    _queue(session)
    with smtp_server() as (server, port):
        settings = mail.SMTPSettings.from_url(f"smtp://127.0.0.1:{port}")
        mail.send_due(session, mail.SMTPTransport(settings), "buero@example.org")
        again = mail.send_due(session, mail.SMTPTransport(settings), "buero@example.org")
    assert again.sent == 0
    assert len(server.messages) == 1


def test_a_server_that_is_down_leaves_the_message_queued_until_it_is_back(
    session: Session,
) -> None:
    queued = _queue(session)
    port = free_port()
    settings = mail.SMTPSettings.from_url(f"smtp://127.0.0.1:{port}")
    report = mail.send_due(session, mail.SMTPTransport(settings, timeout=2), "buero@example.org")
    assert (report.sent, report.failed) == (0, 1)
    session.refresh(queued)
    assert queued.sent_at is None
    assert queued.attempts == 1
    assert queued.last_error == "the server refused the connection"
    assert queued.next_attempt_at > utcnow()
    # not due yet: a plain round leaves it; a retry of everything sends it once the server is up
    with smtp_server(port) as (server, _):
        waiting = mail.send_due(session, mail.SMTPTransport(settings), "buero@example.org")
        assert waiting.sent == 0
        retried = mail.send_due(
            session, mail.SMTPTransport(settings), "buero@example.org", everything=True
        )
    assert retried.sent == 1
    assert [m["To"] for m in server.messages] == ["ana@example.org"]


def test_retries_wait_longer_each_time_up_to_six_hours() -> None:
    delays = [mail.retry_delay(n) for n in range(1, 15)]
    assert delays[0] == dt.timedelta(minutes=1)
    assert delays[1] == dt.timedelta(minutes=2)
    assert delays == sorted(delays)
    assert max(delays) == dt.timedelta(hours=6)


def test_smtp_urls_are_read_with_user_password_and_default_ports() -> None:
    settings = mail.SMTPSettings.from_url("smtp+starttls://post%40amt.de:geh%20eim@mail.example")
    assert (settings.scheme, settings.host, settings.port) == ("smtp+starttls", "mail.example", 587)
    assert (settings.username, settings.password) == ("post@amt.de", "geh eim")
    assert mail.SMTPSettings.from_url("smtps://mail.example").port == 465
    assert "geh" not in repr(settings)
    for bad in ("http://mail.example", "smtp://", "smtp://mail.example:port"):
        with pytest.raises(mail.MailConfigurationError):
            mail.SMTPSettings.from_url(bad)


def test_a_bad_smtp_url_stops_the_service_at_start(config: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="WIDGETS_SMTP_URL"):
        create_app({**config, "SMTP_URL": "http://mail.example"})


def test_without_smtp_mail_goes_to_the_outbox_listed_by_the_command(
    app: Flask, session: Session, runner: FlaskCliRunner
) -> None:
    _queue(session, "bea@example.org")
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    listed = runner.invoke(args=["mail", "outbox"])
    assert "bea@example.org" in listed.output
    assert "Bitte bestätigen" in listed.output
    files = list(mail.outbox_folder(app.instance_path).glob("*.eml"))
    assert len(files) == 1


def test_mail_retry_fails_loudly_while_the_server_is_down(
    config: dict[str, Any], session: Session, make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    port = free_port()
    down = make_app({**config, "SMTP_URL": f"smtp://127.0.0.1:{port}"})
    _queue(session)
    result = down.test_cli_runner().invoke(args=["mail", "retry"])
    assert result.exit_code == 1
    assert "refused the connection" in result.output
    with smtp_server(port) as (server, _):
        again = down.test_cli_runner().invoke(args=["mail", "retry"])
    assert again.exit_code == 0, again.output
    assert len(server.messages) == 1


def test_the_web_process_sender_delivers_what_is_due(
    config: dict[str, Any], session: Session, make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    with smtp_server() as (server, port):
        app = make_app({**config, "SMTP_URL": f"smtp://127.0.0.1:{port}"})
        _queue(session)
        report = app.extensions[MAIL_SENDER].send_once()
        assert report is not None
        assert report.sent == 1
    assert len(server.messages) == 1
    assert session.scalar(select(OutgoingMail.sent_at)) is not None


def test_mail_a_request_queued_goes_out_once_the_answer_has_gone_out(
    config: dict[str, Any], session: Session, make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    with smtp_server() as (server, port):
        app = make_app(
            {**config, "SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_AFTER_RESPONSE": True}
        )

        def queue_one() -> str:
            from widget_service import db

            mail.enqueue(db.session(), "cem@example.org", "Danke", "Danke für Ihren Vorschlag.")
            db.session().commit()
            return "ok"

        app.add_url_rule("/test-queue-mail", view_func=queue_one)
        response = app.test_client().get("/test-queue-mail")
        assert response.status_code == 200
        assert server.messages == []  # the answer is complete before anything is sent
        response.close()  # what the server does once the answer has gone out
        assert [message["To"] for message in server.messages] == ["cem@example.org"]
    assert session.scalar(select(OutgoingMail.sent_at)) is not None
