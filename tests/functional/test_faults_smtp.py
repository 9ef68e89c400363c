"""SMTP goes away: mail waits in the queue, the visitor never waits, and it goes out once the
server is back — by ``mail retry`` and by the timer's ``mail retry --due``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.mailserver import free_port, smtp_server
from widget_service import MAIL_SENDER, db, mail
from widget_service.models import OutgoingMail
from widget_service.timeutil import utcnow

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _queueing_app(app: Flask) -> Flask:
    def queue_one() -> str:
        mail.enqueue(db.session(), "cem@example.org", "Danke", "Danke für Ihren Vorschlag.")
        db.session().commit()
        return "ok"

    app.add_url_rule("/test-queue-mail", view_func=queue_one)
    return app


def test_while_smtp_is_away_answers_come_at_once_and_mail_waits_for_the_timer(
    config: dict[str, Any], session: Session, make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    port = free_port()  # nothing listens: the server is away
    app = _queueing_app(
        make_app({**config, "SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_AFTER_RESPONSE": True})
    )
    clock = Clock()
    sender: mail.Sender = app.extensions[MAIL_SENDER]
    sender._clock = clock  # the pause after a failure is measured on this clock
    client = app.test_client()

    first = client.get("/test-queue-mail")
    assert first.status_code == 200  # committed and answered; sending comes after
    first.close()  # the answer has gone out: the sender tries, and fails
    queued = session.scalars(select(OutgoingMail)).one()
    assert queued.sent_at is None
    assert queued.attempts == 1
    assert queued.last_error == "the server refused the connection"

    # the next answers do not try again for a while: no worker waits on a server that is away
    second = client.get("/test-queue-mail")
    assert second.status_code == 200
    second.close()
    session.expire_all()
    assert [
        m.attempts for m in session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))
    ] == [
        1,
        0,
    ]

    with smtp_server(port) as (server, _):
        runner = app.test_cli_runner()
        # the timer's command: the new message is due, the failed one waits out its delay
        due = runner.invoke(args=["mail", "retry", "--due"])
        assert due.exit_code == 0, due.output
        assert "1 sent" in due.output
        assert len(server.messages) == 1
        # its delay is over (one minute, as if the timer came again later)
        session.execute(
            OutgoingMail.__table__.update().values(next_attempt_at=utcnow() - dt.timedelta(1))
        )
        session.commit()
        later = runner.invoke(args=["mail", "retry", "--due"])
        assert later.exit_code == 0, later.output
        # and the web process sends again once its pause is over
        clock.now += mail.PAUSE_AFTER_FAILURE + 1
        third = client.get("/test-queue-mail")
        third.close()
    assert [m["To"] for m in server.messages] == ["cem@example.org"] * 3
    session.expire_all()
    assert all(m.sent_at is not None for m in session.scalars(select(OutgoingMail)))


def test_the_timer_sends_due_mail_after_polling() -> None:
    text = (DEPLOY / "widget-service-poll.service").read_text(encoding="utf-8")
    commands = [
        line.partition("=")[2] for line in text.splitlines() if line.startswith("ExecStart=")
    ]
    assert [command.split("widget-service ", 1)[1] for command in commands] == [
        "sources poll",
        "signatures purge",  # before the mail, so a failing mail server cannot stop it
        "mail retry --due",
    ]
