"""`make serve-prod`: gunicorn and nginx with the shipped configurations, in the foreground.

gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:8000, nginx (deploy/nginx.conf rendered by
deploy/render_nginx.py: no TLS, its files under instance/nginx) on http://127.0.0.1:8080.
Ctrl-C stops both. WIDGETS_BIND and WIDGETS_NGINX_PORT change the ports.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))

from render_nginx import render  # noqa: E402 (deploy/ is no package)


def main() -> int:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        print("nginx is not installed (Debian: apt-get install nginx)", file=sys.stderr)
        return 1
    bind = os.environ.setdefault("WIDGETS_BIND", "127.0.0.1:8000")
    port = int(os.environ.get("WIDGETS_NGINX_PORT", "8080"))
    instance = Path(os.environ.get("WIDGETS_INSTANCE_PATH") or ROOT / "instance")
    config = render(port=port, upstream=bind, prefix=instance / "nginx")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # our own binaries with fixed arguments, no shell
    servers = [
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
        [nginx, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"],
    ]
    processes = [subprocess.Popen(command, cwd=ROOT) for command in servers]  # noqa: S603
    print(f"serving http://127.0.0.1:{port}/ (nginx) in front of http://{bind}/ (gunicorn)")
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(process.poll() is None for process in processes):
        time.sleep(0.2)
    processes[0].send_signal(signal.SIGTERM)
    processes[1].send_signal(signal.SIGQUIT)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
