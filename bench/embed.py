"""What one embedded widget costs a host page, and how fast fragments are served.

1. The loader's size, raw and gzipped.
2. In Chromium: the requests and bytes one projects widget adds to a host page of another
   origin, per form (loader, iframe, server-side include), beside the bare host page.
3. Fragments per second from a warm app (in-process, no network), beside a bare Flask
   route of the same app: the ratio is what rendering a widget costs over Flask itself.

SQLite with the demo content; needs /usr/bin/chromium for part 2 (skipped without it).
"""

from __future__ import annotations

import gzip
import logging
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from _data import fresh_database  # bench/ is on sys.path when run as a script
from widget_service import create_app
from widget_service.embed.views import loader_source

PA = "niedersachsen-packt-an"
QUERY = f"alliance={PA}&limit=5"
CHROMIUM = Path("/usr/bin/chromium")
WARM_REQUESTS = 2000
# the figures are the output; the local servers' access log is noise here
logging.getLogger("werkzeug").setLevel(logging.WARNING)


class Served:
    """A WSGI app on a free local port, in a thread (stopped with the ``with`` block)."""

    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def host_site(pages: dict[str, str]) -> Flask:
    site = Flask("host_site")

    @site.get("/<name>")
    def page(name: str) -> str:
        return pages.get(name, "")

    @site.get("/favicon.ico")
    def favicon() -> tuple[str, int]:
        return "", 204

    return site


def host_page(body: str) -> str:
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Host</title></head>'
        f"<body><main><h1>Gemeinde</h1>{body}</main></body></html>"
    )


def browser_costs(service: str) -> None:
    from playwright.sync_api import sync_playwright

    with urllib.request.urlopen(f"{service}/fragment/projects?{QUERY}") as fragment:  # noqa: S310
        ssi = fragment.read().decode()  # what a server-side include inserts
    pages = {
        "bare": host_page("<p>Ohne Widget</p>"),
        "loader": host_page(
            f'<div data-widget="projects" data-alliance="{PA}" data-limit="5"></div>'
            f'<script async src="{service}/embed.js"></script>'
        ),
        "iframe": host_page(
            f'<iframe src="{service}/embed/projects?{QUERY}" title="Projekte" width="100%" '
            f'height="900" style="border:0"></iframe><script async src="{service}/embed.js">'
            "</script>"
        ),
        "fragment (SSI)": host_page(ssi),
    }
    print(f"\nbytes one projects widget ({QUERY}) adds to a host page, in Chromium:")
    print(f"{'form':<16} {'requests':>8} {'service':>8} {'bytes':>8} {'gzipped':>8}  other hosts")
    with Served(host_site(pages)) as host, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        bare_bytes = bare_gzipped = 0
        for name in pages:
            context = browser.new_context()
            page = context.new_page()
            seen: list[Any] = []
            page.on("requestfinished", lambda request, seen=seen: seen.append(request))
            page.goto(f"{host.url}/{name}", wait_until="networkidle")
            page.wait_for_timeout(300)
            total = gzipped = ours = 0
            for request in seen:
                response = request.response()
                body = response.body() if response is not None else b""
                sizes = request.sizes()
                total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                gzipped += len(gzip.compress(body, 9)) + sizes["responseHeadersSize"]
                ours += request.url.startswith(service)
            others = [r.url for r in seen if not r.url.startswith((service, host.url))]
            if name == "bare":
                bare_bytes, bare_gzipped = total, gzipped
                added, added_gzipped = total, gzipped
            else:
                added, added_gzipped = total - bare_bytes, gzipped - bare_gzipped
            print(
                f"{name:<16} {len(seen):>8} {ours:>8} {added:>8} {added_gzipped:>8}  {len(others)}"
            )
            context.close()
        browser.close()
    print("(bytes: headers and bodies as served here, less the bare page; gzipped: bodies")
    print(" compressed as the nginx site in deploy/ would send them; cookies set: none)")


def warm_rate(app: Flask, path: str) -> float:
    client = app.test_client()
    for _ in range(50):
        client.get(path)
    began = time.perf_counter()
    for _ in range(WARM_REQUESTS):
        response = client.get(path)
        assert response.status_code == 200
    return WARM_REQUESTS / (time.perf_counter() - began)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        fresh_database(url).dispose()
        config = {"ENV": "test", "SECRET_KEY": "bench-" + "x" * 40, "DATABASE_URL": url}
        app = create_app(config)
        with app.app_context():
            source = loader_source().encode()
        print(f"embed.js: {len(source)} bytes, {len(gzip.compress(source, 9))} gzipped")
        app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")
        if CHROMIUM.exists():
            with Served(app) as service:
                browser_costs(service.url)
        else:
            print("\n(no /usr/bin/chromium: browser figures skipped)")
        bare = warm_rate(app, "/bench-bare")
        fragment = warm_rate(app, f"/fragment/projects?{QUERY}")
        cached = warm_rate(app, "/embed.js")
        print(f"\nwarm, in-process, {WARM_REQUESTS} requests each:")
        print(f"bare Flask route        {bare:>8.0f}/s")
        for name, rate in (("/embed.js", cached), ("/fragment/projects (5)", fragment)):
            print(f"{name:<23} {rate:>8.0f}/s   {bare / rate:5.1f}× the bare route's cost")


if __name__ == "__main__":
    main()
