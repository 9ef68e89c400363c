"""Commands for the content: create or migrate the database, load the demo, import, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import db, operations
from ..demo import demo_document
from ..errors import ValidationError
from ..models import Channel
from ..records import ImportFileError, decode_utf8, load_json, read_partner_csv
from ..timeutil import today


def _fail(problems: list[str]) -> click.ClickException:
    shown = problems[:50]
    more = len(problems) - len(shown)
    text = "\n  ".join(shown) + (f"\n  … and {more} more" if more > 0 else "")
    return click.ClickException(f"nothing was imported:\n  {text}")


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database or migrate it to the current schema."""
    engine = db.engine()
    before = db.current_revision(engine)
    db.upgrade(engine)
    after = db.current_revision(engine)
    if before == after:
        click.echo(f"The database is up to date (revision {after}).")
    else:
        click.echo(f"Migrated the database from {before or 'empty'} to revision {after}.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo content (both alliances, partners, calls, projects, events)."""
    db.upgrade(db.engine())
    report = operations.import_document(db.session(), demo_document(today()), Channel.DEMO)
    click.echo(f"Demo content loaded: {report.summary()}.")


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--alliance",
    metavar="SLUG",
    help="For a CSV of partners: make every partner a member of this alliance.",
)
def import_command(file: Path, alliance: str | None) -> None:
    """Load FILE (JSON in the import format, or a CSV of partners); all or nothing."""
    raw = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    try:
        if file.suffix.lower() == ".csv":
            data = read_partner_csv(raw, alliance)
        else:
            data = load_json(decode_utf8(raw))
    except ImportFileError as error:
        raise _fail(str(error).splitlines()) from None
    try:
        report = operations.import_document(db.session(), data)
    except ValidationError as error:
        raise _fail(error.problems) from None
    click.echo(f"Imported {file}: {report.summary()}.")


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror}") from None


@click.command("export")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def export_command(file: Path) -> None:
    """Write all content to FILE in the import format ("-" for standard output)."""
    document = operations.export_document(db.session())
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if str(file) == "-":
        click.echo(text, nl=False)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {file}: {error.strerror}") from None
    counts = ", ".join(f"{len(items)} {name}" for name, items in document.items())
    click.echo(f"Exported {counts} to {file}.", err=True)
