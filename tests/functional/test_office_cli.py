"""The office from the shell: accounts, tokens and the moderation queue."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from widget_service import tokens
from widget_service.models import (
    Alliance,
    Application,
    AuditEntry,
    Channel,
    Event,
    OutgoingMail,
    PartnerKind,
    PartnerToken,
    Project,
    Role,
    Status,
    User,
)
from widget_service.timeutil import utcnow

PA = "niedersachsen-packt-an"
PASSWORD = ["--password", "lang-genug-123"]


def test_users_create_grant_list_disable(runner: FlaskCliRunner, demo: Session) -> None:
    made = runner.invoke(
        args=[
            "users",
            "create",
            "redaktion@example.org",
            "--role",
            "editor",
            "--alliance",
            PA,
            *PASSWORD,
        ]
    )
    assert made.exit_code == 0, made.output
    partner = runner.invoke(
        args=[
            "users",
            "create",
            "peine@example.org",
            "--role",
            "partner",
            "--partner",
            "landkreis-peine",
            *PASSWORD,
        ]
    )
    assert partner.exit_code == 0, partner.output
    lacking = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "partner", *PASSWORD]
    )
    assert lacking.exit_code == 1 and "--partner" in lacking.output
    unknown = runner.invoke(
        args=["users", "create", "y@example.org", "--alliance", "nirgends", *PASSWORD]
    )
    assert unknown.exit_code == 1 and "nirgends" in unknown.output
    granted = runner.invoke(
        args=["users", "grant", "redaktion@example.org", "niedersachsen-haelt-zusammen"]
    )
    assert granted.exit_code == 0 and "niedersachsen-haelt-zusammen" in granted.output
    listed = runner.invoke(args=["users", "list"]).output.splitlines()
    assert len(listed) == 2
    assert any("redaktion@example.org  editor  active" in line and PA in line for line in listed)
    assert any("partner landkreis-peine" in line for line in listed)
    disabled = runner.invoke(args=["users", "disable", "redaktion@example.org"])
    assert disabled.exit_code == 0
    user = demo.scalar(select(User).where(User.email == "redaktion@example.org"))
    demo.refresh(user)
    assert user is not None and not user.active and user.role == Role.EDITOR
    assert user.password_hash.startswith("$argon2id$")
    assert runner.invoke(args=["users", "disable", "niemand@example.org"]).exit_code == 1


def test_users_revoke_and_enable(runner: FlaskCliRunner, demo: Session) -> None:
    made = runner.invoke(
        args=["users", "create", "redaktion@example.org", "--alliance", PA, *PASSWORD]
    )
    assert made.exit_code == 0, made.output
    runner.invoke(args=["users", "grant", "redaktion@example.org", "niedersachsen-haelt-zusammen"])
    revoked = runner.invoke(args=["users", "revoke", "redaktion@example.org", PA])
    assert revoked.exit_code == 0, revoked.output
    assert "now works for niedersachsen-haelt-zusammen." in revoked.output
    user = demo.scalar(select(User).where(User.email == "redaktion@example.org"))
    assert user is not None
    demo.refresh(user)
    assert [a.slug for a in user.alliances] == ["niedersachsen-haelt-zusammen"]
    assert (
        runner.invoke(args=["users", "revoke", "redaktion@example.org", "nirgends"]).exit_code == 1
    )
    runner.invoke(args=["users", "disable", "redaktion@example.org"])
    enabled = runner.invoke(args=["users", "enable", "redaktion@example.org"])
    assert enabled.exit_code == 0 and "Enabled redaktion@example.org." in enabled.output
    demo.refresh(user)
    assert user.active
    assert runner.invoke(args=["users", "enable", "niemand@example.org"]).exit_code == 1


def test_tokens_issue_list_revoke(app: Flask, runner: FlaskCliRunner, demo: Session) -> None:
    issued = runner.invoke(
        args=["tokens", "issue", PA, "landkreis-peine", "--trusted", "--label", "CMS"]
    )
    assert issued.exit_code == 0, issued.output
    plain = issued.output.splitlines()[0]
    stored = demo.scalar(select(PartnerToken))
    assert stored is not None and stored.trusted and plain not in stored.digest
    assert tokens.authenticate(demo, plain) is not None
    listed = runner.invoke(args=["tokens", "list"]).output
    assert listed.startswith(f"{stored.id}  {PA}  landkreis-peine  trusted")
    assert plain not in listed and stored.digest not in listed
    revoked = runner.invoke(args=["tokens", "revoke", str(stored.id)])
    assert revoked.exit_code == 0, revoked.output
    demo.expire_all()
    assert tokens.authenticate(demo, plain) is None
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", "999"]).exit_code == 1
    entry = demo.scalar(select(AuditEntry).where(AuditEntry.action == "revoke"))
    assert entry is not None and entry.actor == "shell"


def test_authenticate_refuses_what_is_not_a_live_token(demo: Session) -> None:
    assert tokens.authenticate(demo, None) is None
    assert tokens.authenticate(demo, "") is None
    assert tokens.authenticate(demo, "wst_" + "x" * 43) is None
    assert tokens.authenticate(demo, "Bearer wst_abc") is None
    assert tokens.authenticate(demo, "wst_" + "x" * 500) is None
    token, plain = tokens.issue(demo, PA, "landkreis-peine")
    demo.commit()
    found = tokens.authenticate(demo, plain)
    assert found is not None and found.id == token.id and found.last_used_at is not None
    assert found.partner.slug == "landkreis-peine" and not found.trusted


def _pending(demo: Session) -> tuple[Project, Event, Application]:
    alliance = demo.scalar(select(Alliance).where(Alliance.slug == PA))
    project = Project(
        alliance=alliance,
        slug="vorschlag",
        title="Ein Vorschlag",
        status=Status.PENDING,
        channel=Channel.SUBMISSION,
        submitter_email="a@example.org",
    )
    event = Event(
        alliance=alliance,
        slug="treffen",
        title="Ein Treffen",
        status=Status.PENDING,
        starts=utcnow(),
        channel=Channel.API,
    )
    application = Application(
        alliance=alliance,
        organisation="Verein Beispiel",
        kind=PartnerKind.ASSOCIATION,
        contact_name="B",
        contact_email="b@example.org",
    )
    demo.add_all([project, event, application])
    demo.commit()
    return project, event, application


def test_moderation_from_the_shell(runner: FlaskCliRunner, demo: Session) -> None:
    project, event, application = _pending(demo)
    listed = runner.invoke(args=["moderation", "list", "--alliance", PA]).output.splitlines()
    assert sorted(line.split()[0] for line in listed) == sorted(
        [f"project-{project.id}", f"event-{event.id}", f"application-{application.id}"]
    )
    line = next(line for line in listed if line.startswith("project-"))
    assert line.split()[1] == "project" and "Ein Vorschlag" in line
    other = runner.invoke(args=["moderation", "list", "--alliance", "niedersachsen-haelt-zusammen"])
    assert other.output.strip() == "Nothing waits for the office."
    approved = runner.invoke(args=["moderation", "approve", f"project-{project.id}"])
    assert approved.exit_code == 0, approved.output
    twice = runner.invoke(args=["moderation", "approve", f"project-{project.id}"])
    assert twice.exit_code == 1 and "decided already" in twice.output
    no_reason = runner.invoke(args=["moderation", "reject", f"event-{event.id}", "--reason", " "])
    assert no_reason.exit_code == 1
    rejected = runner.invoke(
        args=["moderation", "reject", f"event-{event.id}", "--reason", "Doppelt"]
    )
    assert rejected.exit_code == 0, rejected.output
    accepted = runner.invoke(args=["moderation", "approve", f"application-{application.id}"])
    assert accepted.exit_code == 0, accepted.output
    assert "Verein Beispiel is now a partner" in accepted.output
    assert runner.invoke(args=["moderation", "approve", "nonsense"]).exit_code == 1
    demo.expire_all()
    assert demo.get(Project, project.id).status == Status.PUBLISHED  # type: ignore[union-attr]
    assert demo.get(Event, event.id).status == Status.REJECTED  # type: ignore[union-attr]
    assert (
        runner.invoke(args=["moderation", "list"]).output.strip() == "Nothing waits for the office."
    )
    recipients = sorted(m.recipient for m in demo.scalars(select(OutgoingMail)))
    assert recipients == ["a@example.org", "b@example.org"]
