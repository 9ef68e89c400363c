"""gunicorn with the shipped configuration (deploy/gunicorn.conf.py), on a free port.

For tests that need the real server: its workers, its processes, its log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
# the signs of a worker that died instead of answering
CRASH_MARKS = ("SIGSEGV", "was sent", "WORKER TIMEOUT", "Traceback", "[ERROR]", "[CRITICAL]")


class Gunicorn:
    """The service under gunicorn, started by ``with``, stopped gracefully at the end."""

    def __init__(
        self,
        database_url: str,
        instance: Path,
        *,
        workers: int = 2,
        extra_env: dict[str, str] | None = None,
        application: str = "wsgi:app",
    ) -> None:
        self.application = application
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = instance / "gunicorn.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WIDGETS_")},
            "WIDGETS_ENV": "production",
            "WIDGETS_SECRET_KEY": "gunicorn-test-secret-" + "y" * 40,
            "WIDGETS_DATABASE_URL": database_url,
            "WIDGETS_INSTANCE_PATH": str(instance),
            "WIDGETS_BIND": f"127.0.0.1:{self.port}",
            "WIDGETS_WORKERS": str(workers),
            "PYTHONFAULTHANDLER": "1",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Gunicorn:
        with self.log_path.open("ab") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", str(CONFIG), self.application],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_until_up()
        return self

    def wait_until_up(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL for the master and every worker at once: nothing is shut down cleanly."""
        assert self.process is not None
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        for pid in [master, *workers]:
            with contextlib.suppress(ProcessLookupError):  # a worker may be gone already
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def crashes(self) -> list[str]:
        """Lines of the log that tell of a worker that died or a request that failed inside."""
        return [line for line in self.log().splitlines() if any(m in line for m in CRASH_MARKS)]

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()
