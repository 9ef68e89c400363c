"""Render deploy/nginx.conf for a local run: one port on 127.0.0.1, no TLS, everything in
one folder, nginx running as the current user.

    python deploy/render_nginx.py --prefix /tmp/widgets-nginx --port 8080 --upstream 127.0.0.1:8000
    nginx -p /tmp/widgets-nginx -c nginx.conf -g 'daemon off;'

The site is the shipped file itself; only what ties it to a host changes (listen, TLS,
the cache and log folders, the upstream's address, where the static files are). The static
files are copied into the prefix with a ``.gz`` beside each, as ``gzip_static`` expects.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
from pathlib import Path

SITE = Path(__file__).with_name("nginx.conf")
COMPRESS = (".css", ".js", ".svg", ".json", ".txt", ".html")
TYPES = {
    "text/html": "html",
    "text/css": "css",
    "text/javascript": "js",
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/x-icon": "ico",
    "application/json": "json",
    "font/woff2": "woff2",
    "text/plain": "txt",
}


def static_folder() -> Path:
    """Where the service's static files are (as ``url_for("static")`` serves them)."""
    import widget_service  # only the renderer needs the package

    package = Path(widget_service.__file__).parent
    for candidate in (package / "static", package.parent.parent / "static"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("cannot find the static folder of widget_service")


def _replace(text: str, pattern: str, replacement: str, count: int = 0) -> str:
    changed, found = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    if not found:
        raise SystemExit(f"deploy/nginx.conf has changed: {pattern!r} not found")
    return changed


def render_site(site: str, *, port: int, upstream: str, prefix: Path, static: Path) -> str:
    """The site block, bound to 127.0.0.1:``port`` without TLS, its files under ``prefix``."""
    site = re.sub(r"^[ \t]*# TLS begin.*?# TLS end\n", "", site, flags=re.MULTILINE | re.DOTALL)
    # checked before the port goes in: a free port such as 34431 holds "443" too
    if "ssl" in site or "443" in site:
        raise SystemExit("deploy/nginx.conf: TLS settings outside the '# TLS begin/end' marks")
    site = _replace(
        site,
        r"^(\s*)server_name [^;]+;",
        rf"\1listen 127.0.0.1:{port};\n\1server_name 127.0.0.1 localhost;",
    )
    site = _replace(site, r"/var/lib/nginx/widgets-cache", str(prefix / "cache"))
    site = _replace(site, r"/var/log/nginx/", str(prefix) + "/")
    site = _replace(site, r"server 127\.0\.0\.1:8000;", f"server {upstream};")
    site = _replace(site, r"alias [^;]+/static/;", f"alias {static}/;")
    return site


def render(*, port: int, upstream: str, prefix: Path) -> Path:
    """Write ``prefix/nginx.conf`` (and the static copy); return its path."""
    prefix = prefix.resolve()
    for folder in ("cache", "temp", "static"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    static = prefix / "static"
    shutil.copytree(static_folder(), static, dirs_exist_ok=True)
    for path in static.rglob("*"):
        if path.suffix in COMPRESS:
            path.with_name(path.name + ".gz").write_bytes(
                gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            )
    site = render_site(
        SITE.read_text(encoding="utf-8"), port=port, upstream=upstream, prefix=prefix, static=static
    )
    types = "\n".join(f"        {kind} {suffix};" for kind, suffix in TYPES.items())
    temp = prefix / "temp"
    user = ""
    if os.geteuid() == 0:  # workers would switch to nobody, who cannot write the cache
        user = "user root;\n"
    config = f"""# rendered by deploy/render_nginx.py from deploy/nginx.conf — do not edit
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;

{site}
}}
"""
    path = prefix / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--upstream", default="127.0.0.1:8000")
    arguments = parser.parse_args()
    print(render(port=arguments.port, upstream=arguments.upstream, prefix=arguments.prefix))


if __name__ == "__main__":
    main()
