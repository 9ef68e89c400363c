"""Every command through Flask's CLI runner, and the console script itself once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from widget_service import db
from widget_service.models import Membership, Partner, PartnerToken, Project, Role, User
from widget_service.operations import token_digest


def test_init_db_reports_the_revision(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"up to date (revision {db.head_revision()})" in result.output


def test_init_db_migrates_an_empty_database(tmp_path: Path, config: dict[str, Any]) -> None:
    from widget_service import create_app

    url = "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    app = create_app({**config, "DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"from empty to revision {db.head_revision()}" in result.output
    with app.app_context():
        db.engine().dispose()


def test_demo_is_idempotent(runner: FlaskCliRunner, session: Session) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "projects: 13 new" in first.output
    second = runner.invoke(args=["demo"])
    assert "projects: 0 new, 13 updated" in second.output
    assert session.scalar(select(func.count()).select_from(Project)) == 13


def test_import_json(runner: FlaskCliRunner, tmp_path: Path, session: Session) -> None:
    file = tmp_path / "inhalt.json"
    file.write_text(
        json.dumps(
            {
                "partners": [
                    {"slug": "bistum-hildesheim", "name": "Bistum Hildesheim", "kind": "church"}
                ],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 0, result.output
    assert "partners: 1 new, 0 updated" in result.output
    assert session.scalar(select(Partner.name)) == "Bistum Hildesheim"


def test_import_with_one_bad_record_changes_nothing_and_names_line_record_field(
    runner: FlaskCliRunner, tmp_path: Path, session: Session
) -> None:
    runner.invoke(args=["demo"])
    before = session.scalar(select(func.count()).select_from(Project))
    document = {
        "projects": [
            {"alliance": "niedersachsen-packt-an", "slug": "neu-1", "title": "Neu 1"},
            {"alliance": "niedersachsen-packt-an", "slug": "neu-2", "title": "Neu 2"},
            {"alliance": "niedersachsen-packt-an", "slug": "neu-3", "title": "Neu 3"},
            {
                "alliance": "niedersachsen-packt-an",
                "slug": "neu-4",
                "title": "Neu 4",
                "published": "am 3. Dezember",
            },
        ]
    }
    file = tmp_path / "kaputt.json"
    text = json.dumps(document, indent=2, ensure_ascii=False)
    file.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"neu-4"' in row) - 2
    assert f"line {line}: projects[3].published: not an ISO 8601 date-time" in result.output
    assert "nothing was imported" in result.output
    assert session.scalar(select(func.count()).select_from(Project)) == before


def test_import_broken_json_and_missing_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    file = tmp_path / "kaputt.json"
    file.write_text('{\n  "partners": [\n    {"slug": "x",}\n  ]\n}', encoding="utf-8")
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 1
    assert "line 3, column 18: not valid JSON" in result.output
    missing = runner.invoke(args=["import", str(tmp_path / "fehlt.json")])
    assert missing.exit_code == 1
    assert "cannot read" in missing.output


def test_import_of_a_number_too_long_to_read_names_its_place(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    file = tmp_path / "zahl.json"
    file.write_text(
        '{\n  "sources": [\n    {"interval_minutes": ' + "9" * 100_000 + "}\n  ]\n}",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(file)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    # a named problem from the command, not an exception that escaped it
    assert isinstance(result.exception, SystemExit)
    assert "line 3, column 26: a number with more than 4300 digits cannot be read" in result.output


def test_import_partner_csv_with_a_cell_too_long(runner: FlaskCliRunner, tmp_path: Path) -> None:
    file = tmp_path / "partner.csv"
    file.write_text("Name;Beschluss\nGemeinde Lengede;" + "x" * 131_073 + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(file), "--alliance", "niedersachsen-packt-an"])
    assert result.exit_code == 1
    assert "line 2: resolution: the cell holds more than 131072 characters" in result.output


def test_import_partner_csv_into_an_alliance(
    runner: FlaskCliRunner, tmp_path: Path, session: Session
) -> None:
    runner.invoke(args=["demo"])
    file = tmp_path / "partner.csv"
    file.write_bytes(
        "\ufeffName;Art;Ort;Landkreis\r\n"
        "Gemeinde Hohenhameln;Gemeinde;Hohenhameln;Landkreis Peine\r\n"
        "Gemeinde Ilsede;Gemeinde;Ilsede;Landkreis Peine\r\n".encode()
    )
    result = runner.invoke(args=["import", str(file), "--alliance", "niedersachsen-packt-an"])
    assert result.exit_code == 0, result.output
    assert "partners: 2 new" in result.output and "memberships: 2 new" in result.output
    member = session.scalar(
        select(Membership).join(Membership.partner).where(Partner.slug == "gemeinde-ilsede")
    )
    assert member is not None and member.is_active()


def test_import_partner_csv_with_unknown_alliance(runner: FlaskCliRunner, tmp_path: Path) -> None:
    file = tmp_path / "partner.csv"
    file.write_text("Name;Ort\nGemeinde Ilsede;Ilsede\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(file), "--alliance", "gibt-es-nicht"])
    assert result.exit_code == 1
    assert "line 2: memberships[0].alliance: no alliance 'gibt-es-nicht'" in result.output


def test_export_to_file_and_stdout(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["demo"])
    file = tmp_path / "export.json"
    result = runner.invoke(args=["export", str(file)])
    assert result.exit_code == 0, result.output
    written = json.loads(file.read_text(encoding="utf-8"))
    assert len(written["projects"]) == 13
    assert "Niedersachsen hält zusammen" in file.read_text(encoding="utf-8")
    to_stdout = runner.invoke(args=["export", "-"])
    assert json.loads(to_stdout.output) == written


def test_users_create(runner: FlaskCliRunner, session: Session) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Buero@Example.org",
            "--role",
            "admin",
            "--password",
            "lang-genug-123",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User))
    assert user is not None
    assert (user.email, user.role) == ("buero@example.org", Role.ADMIN)
    assert "lang-genug-123" not in user.password_hash
    again = runner.invoke(
        args=["users", "create", "buero@example.org", "--password", "lang-genug-123"]
    )
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--password", "kurz"])
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    prompted = runner.invoke(
        args=["users", "create", "zwei@example.org"], input="lang-genug-456\nlang-genug-456\n"
    )
    assert prompted.exit_code == 0, prompted.output


def test_tokens_issue(runner: FlaskCliRunner, session: Session) -> None:
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["tokens", "issue", "niedersachsen-packt-an", "landkreis-peine"])
    assert result.exit_code == 0, result.output
    plain = result.output.splitlines()[0]
    assert plain.startswith("wst_")
    token = session.scalar(select(PartnerToken))
    assert token is not None and token.digest == token_digest(plain)
    ended = runner.invoke(args=["tokens", "issue", "niedersachsen-packt-an", "gemeinde-edemissen"])
    assert ended.exit_code == 1 and "not an active member" in ended.output
    unknown = runner.invoke(args=["tokens", "issue", "niedersachsen-packt-an", "niemand"])
    assert unknown.exit_code == 1 and "there is no partner 'niemand'" in unknown.output


def test_serve_runs_the_development_server(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        "widget_service.cli.run_simple", lambda *args, **kwargs: calls.append((*args, kwargs))
    )
    result = runner.invoke(args=["serve", "--port", "5055"])
    assert result.exit_code == 0, result.output
    assert calls == [
        (
            "127.0.0.1",
            5055,
            app,
            {"use_reloader": False, "use_debugger": False, "threaded": True},
        )
    ]


def _script(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("widget-service")
    return subprocess.run(
        [str(command), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_console_script(tmp_path: Path, migrated: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("WIDGETS_")}
    env["WIDGETS_INSTANCE_PATH"] = str(tmp_path)
    refused = _script("init-db", env=env)
    assert refused.returncode == 2
    assert "WIDGETS_SECRET_KEY must be set" in refused.stderr
    assert "Traceback" not in refused.stderr
    env.update(
        WIDGETS_ENV="development", WIDGETS_DATABASE_URL="sqlite:///" + str(tmp_path / "x.db")
    )
    listing = _script("--help", env=env)
    for command in ("init-db", "demo", "import", "export", "users", "tokens", "serve"):
        assert command in listing.stdout
    done = _script("init-db", env=env)
    assert done.returncode == 0, done.stderr
    assert "revision" in done.stdout


def test_serve_answers_http(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("WIDGETS_")}
    env.update(
        WIDGETS_ENV="development",
        WIDGETS_INSTANCE_PATH=str(tmp_path),
        WIDGETS_DATABASE_URL="sqlite:///" + str(tmp_path / "serve.db"),
    )
    assert _script("init-db", env=env).returncode == 0
    command = Path(sys.executable).with_name("widget-service")
    server = subprocess.Popen(
        [str(command), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    assert json.loads(reply.read()) == {"status": "ok"}
                    break
            except OSError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
