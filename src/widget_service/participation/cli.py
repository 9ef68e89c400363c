"""``widget-service signatures``: the office's export of a call's signatures, and the
deletion the privacy notice promises."""

from __future__ import annotations

import csv
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .. import content, db
from ..errors import NotFound
from . import operations
from . import signatures as reads


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


signatures = AppGroup("signatures", help="Signatures under calls: export and deletion.")


@signatures.command("export")
@click.argument("alliance")
@click.argument("call")
def export_command(alliance: str, call: str) -> None:
    """Write a call's signatures as CSV to standard output (personal data: handle with care)."""
    session = db.session()
    try:
        found = content.call_by_slug(session, alliance, call)
    except NotFound as error:
        raise click.ClickException(str(error)) from None
    writer = csv.writer(sys.stdout)
    writer.writerow(["name", "organisation", "place", "email", "show_name", "signed", "confirmed"])
    for item in reads.all_signatures(session, found.id):
        writer.writerow(
            [
                _cell(item.name),
                _cell(item.organisation or ""),
                _cell(item.place or ""),
                _cell(item.email),
                "yes" if item.show_name else "no",
                item.created_at.isoformat(),
                item.confirmed_at.isoformat() if item.confirmed_at else "",
            ]
        )


@signatures.command("purge")
def purge_command() -> None:
    """Delete the signatures of calls that ended more than WIDGETS_SIGNATURE_RETENTION_DAYS
    ago, and those never confirmed."""
    days = current_app.config["SIGNATURE_RETENTION_DAYS"]
    count = operations.purge_signatures(db.session(), days)
    click.echo(f"Deleted {count} signature(s).")
