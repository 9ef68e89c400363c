"""nginx with the shipped site (deploy/nginx.conf), rendered for 127.0.0.1 on a free port.

For tests and benchmarks: nginx runs as the current user, everything in its own prefix.
Missing nginx skips, unless ``WIDGETS_REQUIRE_NGINX=1`` (``.ci/run``) makes it a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def renderer() -> ModuleType:
    """deploy/render_nginx.py, the one place that turns the shipped site into a local one."""
    spec = importlib.util.spec_from_file_location(
        "render_nginx", ROOT / "deploy" / "render_nginx.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_nginx() -> str:
    """The nginx binary; skips where there is none, unless nginx is required here."""
    if NGINX is None:
        if os.environ.get("WIDGETS_REQUIRE_NGINX") == "1":
            pytest.fail("WIDGETS_REQUIRE_NGINX=1 but no nginx is installed (apt-get install nginx)")
        pytest.skip("nginx is not installed (.ci/run installs it)")
    return NGINX


class Nginx:
    """The rendered site in front of ``upstream``, started by ``with``, stopped at the end."""

    def __init__(self, binary: str, prefix: Path, upstream: str) -> None:
        self.binary = binary
        self.prefix = prefix
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = renderer().render(port=self.port, upstream=upstream, prefix=prefix)
        self.process: subprocess.Popen[bytes] | None = None

    def check(self) -> str:
        """``nginx -t`` on the rendered configuration: its output."""
        done = subprocess.run(
            [self.binary, "-t", "-p", str(self.prefix), "-c", str(self.config)],
            capture_output=True,
            check=False,
        )
        output = (done.stdout + done.stderr).decode(errors="replace")
        assert done.returncode == 0, output
        return output

    def start(self) -> Nginx:
        self.check()
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited at start:\n{self.errors()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer:\n{self.errors()}")

    def errors(self) -> str:
        log = self.prefix / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: finish what is under way
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()
