"""A throwaway PostgreSQL cluster of a test's own: its own data directory, port and socket.

The fault tests stop and start it under load, which the shared test server must never
suffer. As root (CI) the cluster runs as the ``postgres`` user, which PostgreSQL requires.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.mailserver import free_port
from widget_service import db
from widget_service.demo import demo_document
from widget_service.models import Channel
from widget_service.operations import import_document
from widget_service.timeutil import today


def postgres_binaries() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None on a machine without PostgreSQL."""
    found = shutil.which("pg_ctl")
    if found:
        folder = Path(found).resolve().parent
        if (folder / "initdb").exists():
            return folder
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "pg_ctl").exists() and (folder / "initdb").exists():
            return folder
    return None


def require_binaries() -> Path:
    """PostgreSQL's binaries; skipped without them, failed where PostgreSQL tests are asked for."""
    binaries = postgres_binaries()
    if binaries is None:
        if (os.environ.get("WIDGETS_TEST_DATABASE_URL") or "").startswith("postgres"):
            pytest.fail("PostgreSQL tests are asked for, but initdb and pg_ctl are missing")
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed")
    return binaries


def load_demo(url: str) -> None:
    """Migrate the database at ``url`` and load the demo content into it."""
    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        with db.make_session_factory(engine)() as session:
            import_document(session, demo_document(today()), Channel.DEMO)
    finally:
        engine.dispose()


class ThrowawayPostgres:
    """``with ThrowawayPostgres() as pg:`` a running cluster, removed with its files at the end."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = free_port()
        # not under pytest's tmp_path: as root that folder is closed to the postgres user
        self.folder = Path(tempfile.mkdtemp(prefix="widgets-pg-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def initialise(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(self.binaries / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.binaries / "pg_ctl"),
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log_path),
            "--options",
            options,
            "--wait",
            "start",
        )

    def stop(self) -> None:
        """Stop as an operator's restart does: sessions are ended (``AdminShutdown``)."""
        self._run(
            str(self.binaries / "pg_ctl"), "--pgdata", str(self.data), "--mode", "fast", "stop"
        )

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def __enter__(self) -> ThrowawayPostgres:
        try:
            self.initialise()
            self.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def __exit__(self, *_exc: Any) -> None:
        try:
            if self.running():
                self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
