"""Commands for outgoing e-mail: the queue and the development outbox."""

from __future__ import annotations

import email
import email.policy

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db, mail

mail_group = AppGroup("mail", help="Outgoing e-mail: the queue and the development outbox.")


@mail_group.command("outbox")
def mail_outbox_command() -> None:
    """List the mail written to the instance's outbox while no SMTP server is configured."""
    folder = mail.outbox_folder(current_app.instance_path)
    files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime)
    if current_app.config.get("SMTP_URL"):
        click.echo("WIDGETS_SMTP_URL is set: mail goes to the SMTP server, not to the outbox.")
    if not files:
        click.echo(f"The outbox is empty ({folder}).")
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        click.echo(f"{path.name}  to {message['To']}  {message['Subject']}")
    waiting = mail.waiting(db.session())
    if waiting:
        click.echo(f"{len(waiting)} message(s) wait to be sent (widget-service mail retry).")


@mail_group.command("retry")
@click.option(
    "--due",
    is_flag=True,
    help="Only what is due: failed messages wait out their growing delay (the timer's way).",
)
def mail_retry_command(due: bool) -> None:
    """Send every message that is not sent yet, also those that failed before."""
    config = current_app.config
    try:
        transport = mail.transport_from_config(config, current_app.instance_path)
    except mail.MailConfigurationError as error:
        raise click.ClickException(str(error)) from None
    report = mail.send_due(
        db.session(),
        transport,
        config["MAIL_FROM"],
        sender_name=config["MAIL_SENDER_NAME"],
        everything=not due,
    )
    click.echo(f"Mail: {report.line()}.")
    for line in report.errors:
        click.echo(f"  failed: {line}", err=True)
    if report.failed:
        raise SystemExit(1)
