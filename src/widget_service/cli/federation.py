"""Commands for federation: sources (add, list, poll) and the copies of pictures."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db, operations
from ..errors import ValidationError
from ..federation import fetch, pictures, sync
from ..models import SourceKind

sources = AppGroup("sources", help="Sources: other sites' feeds federated into this instance.")


@sources.command("poll")
@click.option("--all", "everything", is_flag=True, help="Poll every active source, due or not.")
def poll_sources_command(everything: bool) -> None:
    """Fetch every source that is due and store its items, then copy new pictures and logos.

    Failures are recorded, not fatal.
    """
    config = current_app.config
    session = db.session()
    due = sync.due_sources(session, everything=everything)
    fetcher = fetch.fetcher_from_config(config, current_app.instance_path)
    try:
        if not due:
            click.echo("No source is due (use --all to poll every active source).")
        else:
            with click.progressbar(
                length=len(due), label="Polling sources", file=sys.stderr
            ) as bar:
                summary = sync.poll_sources(
                    session,
                    fetcher,
                    due,
                    workers=config["FETCH_WORKERS"],
                    max_items=config["FETCH_MAX_ITEMS"],
                    progress=lambda _report: bar.update(1),
                )
            click.echo(summary.line() + ".")
            for failure in summary.failures:
                click.echo(f"  failed: {failure.url}: {failure.error}", err=True)
        _copy_pictures(fetcher, everything=False)
    finally:
        fetcher.close()


def _copy_pictures(fetcher: fetch.Fetcher, *, everything: bool) -> int:
    """Copy the pictures and logos that need it; say what happened. Returns how many were due."""
    session = db.session()
    wanted = pictures.wanted_pictures(session, everything=everything)
    if not wanted:
        return 0
    with click.progressbar(length=len(wanted), label="Copying pictures", file=sys.stderr) as bar:
        summary = pictures.copy_pictures(
            session,
            fetcher,
            wanted,
            workers=current_app.config["FETCH_WORKERS"],
            progress=lambda _outcome: bar.update(1),
        )
    click.echo(summary.line() + ".")
    for url, error in summary.failures:
        click.echo(f"  failed: {url}: {error}", err=True)
    return len(wanted)


@sources.command("list")
def list_sources_command() -> None:
    """Show every source with its state: last success, last error, failures in a row."""
    rows = sync.source_states(db.session())
    if not rows:
        click.echo("There are no sources.")
    for line in rows:
        click.echo(line)


@sources.command("add")
@click.argument("url")
@click.option("--alliance", required=True, metavar="SLUG", help="The alliance it feeds.")
@click.option("--kind", type=click.Choice([k.value for k in SourceKind]), default="projects")
@click.option("--partner", metavar="SLUG", help="The local partner whose feed this is.")
@click.option("--interval", type=int, default=60, show_default=True, help="Minutes between polls.")
def add_source_command(
    url: str, alliance: str, kind: str, partner: str | None, interval: int
) -> None:
    """Add (or update) a source: URL of an RSS, Atom, JSON Feed or iCalendar feed."""
    record = {
        "alliance": alliance,
        "url": url,
        "kind": kind,
        "partner": partner,
        "interval_minutes": interval,
    }
    try:
        report = operations.import_document(db.session(), {"sources": [record]})
    except ValidationError as error:
        raise click.ClickException("; ".join(error.problems)) from None
    click.echo(f"Source {url}: {report.summary()}.")


images = AppGroup(
    "images",
    help="Copies of project pictures and partner logos, so pages load nothing from elsewhere.",
)


@images.command("fetch")
@click.option("--all", "everything", is_flag=True, help="Ask for every picture again.")
def fetch_images_command(everything: bool) -> None:
    """Copy the project pictures and partner logos that have no copy yet (sources poll does too)."""
    fetcher = fetch.fetcher_from_config(current_app.config, current_app.instance_path)
    try:
        if not _copy_pictures(fetcher, everything=everything):
            click.echo("No picture needs a copy (use --all to ask for every one again).")
    finally:
        fetcher.close()
