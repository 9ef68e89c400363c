"""Commands for the office: accounts, partners' API tokens, moderation."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from .. import accounts, audit, content, db, moderation, operations, tokens
from ..errors import NotFound, ValidationError
from ..models import Application, Role

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
