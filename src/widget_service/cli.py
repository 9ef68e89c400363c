"""The ``widget-service`` commands (also ``flask --app widget_service …``)."""

from __future__ import annotations

import email
import email.policy
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy.orm import Session
from werkzeug.serving import run_simple

from . import accounts, audit, content, db, mail, moderation, operations, tokens
from .config import ConfigurationError
from .demo import demo_document
from .errors import NotFound, ValidationError
from .federation import fetch, pictures, sync
from .models import Application, Channel, Role, SourceKind
from .records import ImportFileError, decode_utf8, load_json, read_partner_csv
from .timeutil import today


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


users = AppGroup("users", help="Office accounts.")


SHELL_ACTOR = "shell"


def _shell_session() -> Session:
    """The command's session; its writes are logged as done from the shell."""
    session = db.session()
    session.info["actor"] = SHELL_ACTOR
    return session


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.EDITOR.value)
@click.option(
    "--alliance",
    "alliances",
    metavar="SLUG",
    multiple=True,
    help="An alliance the account works for (repeatable; an admin reaches every one).",
)
@click.option("--partner", metavar="SLUG", help="The partner of a partner account.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="WIDGETS_NEW_USER_PASSWORD",
    help="Asked for when not given (or set WIDGETS_NEW_USER_PASSWORD).",
)
def create_user_command(
    email: str, role: str, alliances: tuple[str, ...], partner: str | None, password: str
) -> None:
    """Create an office account for EMAIL."""
    try:
        user = accounts.create_user(
            _shell_session(),
            email,
            password,
            Role(role),
            alliances=list(alliances),
            partner=partner,
        )
    except NotFound as error:
        raise click.ClickException(f"there is no {error.kind} {error.slug!r}") from None
    except ValidationError as error:
        raise click.ClickException("; ".join(error.problems)) from None
    click.echo(f"Created {user.role.value} account {user.email}.")


@users.command("grant")
@click.argument("email")
@click.argument("alliance")
def grant_user_command(email: str, alliance: str) -> None:
    """Let the account EMAIL work for ALLIANCE too."""
    try:
        user = accounts.grant(_shell_session(), email, alliance)
    except NotFound as error:
        raise click.ClickException(f"there is no {error.kind} {error.slug!r}") from None
    click.echo(f"{user.email} now works for {', '.join(a.slug for a in user.alliances)}.")


@users.command("revoke")
@click.argument("email")
@click.argument("alliance")
def revoke_user_command(email: str, alliance: str) -> None:
    """Let the account EMAIL no longer work for ALLIANCE."""
    try:
        user = accounts.revoke(_shell_session(), email, alliance)
    except NotFound as error:
        raise click.ClickException(f"there is no {error.kind} {error.slug!r}") from None
    reach = ", ".join(a.slug for a in user.alliances) or "no alliance"
    click.echo(f"{user.email} now works for {reach}.")


@users.command("list")
def list_users_command() -> None:
    """Show every account: id, address, role, state, reach, last login."""
    found = accounts.all_users(db.session())
    if not found:
        click.echo("There are no accounts (widget-service users create EMAIL --role admin).")
    for user in found:
        click.echo(accounts.describe(user))


@users.command("disable")
@click.argument("email")
def disable_user_command(email: str) -> None:
    """Close the account EMAIL: no more logins, its sessions end at once."""
    try:
        user = accounts.disable(_shell_session(), email)
    except NotFound as error:
        raise click.ClickException(f"there is no {error.kind} {error.slug!r}") from None
    click.echo(f"Disabled {user.email}.")


@users.command("enable")
@click.argument("email")
def enable_user_command(email: str) -> None:
    """Open the disabled account EMAIL again."""
    try:
        user = accounts.enable(_shell_session(), email)
    except NotFound as error:
        raise click.ClickException(f"there is no {error.kind} {error.slug!r}") from None
    click.echo(f"Enabled {user.email}.")


tokens_group = AppGroup("tokens", help="Partners' API tokens.")


@tokens_group.command("issue")
@click.argument("alliance")
@click.argument("partner")
@click.option("--trusted", is_flag=True, help="Publish the partner's posts without moderation.")
@click.option("--label", help="A note for the office, e.g. who uses the token.")
def issue_token_command(alliance: str, partner: str, trusted: bool, label: str | None) -> None:
    """Issue an API token for PARTNER in ALLIANCE; it is shown once."""
    try:
        _, plain = operations.issue_token(
            _shell_session(), alliance, partner, label, trusted=trusted
        )
    except NotFound as error:
        raise click.ClickException(f"there is no {error.kind} {error.slug!r}") from None
    except ValidationError as error:
        raise click.ClickException("; ".join(error.problems)) from None
    click.echo(plain)
    click.echo("Store this token now; it cannot be shown again.", err=True)


@tokens_group.command("list")
def list_tokens_command() -> None:
    """Show every token, its id first, never its secret."""
    found = tokens.list_tokens(db.session())
    if not found:
        click.echo("There are no tokens.")
    for token in found:
        click.echo(tokens.describe(token))


@tokens_group.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke the token ID: the API refuses it from now on."""
    session = _shell_session()
    try:
        token = tokens.get(session, token_id)
    except NotFound:
        raise click.ClickException(f"there is no token {token_id}") from None
    if tokens.revoke(session, token):
        audit.note(session, token, "revoke")
    session.commit()
    click.echo(f"Token {token_id} ({token.partner.slug} in {token.alliance.slug}) is revoked.")


moderation_group = AppGroup(
    "moderation", help="What waits for the office: suggestions, partners' items, applications."
)


@moderation_group.command("list")
@click.option("--alliance", metavar="SLUG", help="Only what waits in this alliance.")
def moderation_list_command(alliance: str | None) -> None:
    """Show what waits, oldest first: id, kind, title."""
    session = db.session()
    alliance_ids = None
    if alliance is not None:
        try:
            alliance_ids = [content.alliance_by_slug(session, alliance).id]
        except NotFound:
            raise click.ClickException(f"there is no alliance {alliance!r}") from None
    waiting = moderation.queue(session, alliance_ids)
    if not waiting:
        click.echo("Nothing waits for the office.")
    for entry in waiting:
        click.echo(entry.line())


def _waiting_item(session: Session, ident: str) -> Any:
    try:
        return moderation.find(session, ident)
    except NotFound:
        raise click.ClickException(
            f"there is no {ident!r} (ids look like project-12, event-3, application-5)"
        ) from None


@moderation_group.command("approve")
@click.argument("ident", metavar="ID")
def moderation_approve_command(ident: str) -> None:
    """Publish the item ID, or accept the application ID (partner, membership, mail)."""
    session = _shell_session()
    item = _waiting_item(session, ident)
    try:
        if isinstance(item, Application):
            membership = moderation.approve_application(session, item, SHELL_ACTOR)
            done = f"{membership.partner.name} is now a partner of {membership.alliance.slug}"
        else:
            moderation.approve(session, item, SHELL_ACTOR)
            done = f"{item.title!r} is published"
        session.commit()
    except ValidationError as error:
        session.rollback()
        raise click.ClickException("; ".join(error.problems)) from None
    click.echo(f"{ident}: {done}.")


@moderation_group.command("reject")
@click.argument("ident", metavar="ID")
@click.option(
    "--reason", required=True, help="Why; the submitter is told when an address is known."
)
def moderation_reject_command(ident: str, reason: str) -> None:
    """Turn down the item or application ID with a reason."""
    session = _shell_session()
    item = _waiting_item(session, ident)
    try:
        moderation.reject(session, item, reason, SHELL_ACTOR)
        session.commit()
    except ValidationError as error:
        session.rollback()
        raise click.ClickException("; ".join(error.problems)) from None
    click.echo(f"{ident}: rejected.")


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


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Run a development server (use gunicorn in production, see docs/operations.md)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    # Flask.run refuses to start inside a CLI command; Werkzeug's server is what it would run
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


COMMANDS = (
    init_db_command,
    demo_command,
    import_command,
    export_command,
    users,
    tokens_group,
    moderation_group,
    sources,
    images,
    mail_group,
    serve_command,
)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from . import create_app

    try:
        return create_app()
    except ConfigurationError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from None


def main() -> None:
    """The ``widget-service`` console script."""
    group = FlaskGroup(
        name="widget-service",
        help="The alliance widget service.",
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        set_debug_flag=False,
    )
    group.main(prog_name="widget-service")
