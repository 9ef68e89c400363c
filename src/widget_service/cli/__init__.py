"""The ``widget-service`` commands (also ``flask --app widget_service …``), by role:
``content``, ``office``, ``federation``, ``mailing``; the development server is here."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from ..config import ConfigurationError
from .content import demo_command, export_command, import_command, init_db_command
from .federation import images, sources
from .mailing import mail_group
from .office import moderation_group, tokens_group, users


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
    from .. import create_app

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
