"""The shipped nginx site (deploy/nginx.conf) in front of gunicorn: it loads, it caches what
the service shares, revalidates with its ETags, and never caches the office or a form.

Needs nginx (``.ci/run`` installs it and sets ``WIDGETS_REQUIRE_NGINX=1``). Answers are
held for 3 s here (``RESPONSE_MAX_AGE_CAP``) so an entry expires within the test; the test
waits for that by asking, never by timing what it asserts.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.gunicorn_support import Gunicorn
from tests.nginx_support import Nginx, renderer, require_nginx
from widget_service import db
from widget_service.models import Channel
from widget_service.operations import import_document

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
SECURITY = ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy")


class Answer:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Cache-Status")


def ask(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    data = b"title=x" if method == "POST" else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@pytest.fixture
def stack(
    config: dict[str, Any], demo: Session, tmp_path: Path
) -> Iterator[tuple[Nginx, Gunicorn]]:
    binary = require_nginx()
    instance = tmp_path / "gunicorn"
    instance.mkdir()
    extra = {"WIDGETS_RESPONSE_MAX_AGE_CAP": "3"}
    with Gunicorn(config["DATABASE_URL"], instance, workers=2, extra_env=extra) as server:
        upstream = server.url.removeprefix("http://")
        with Nginx(binary, tmp_path / "nginx", upstream) as proxy:
            yield proxy, server
        assert server.crashes() == []


def _write_as_gunicorn(
    make_app: Any, config: dict[str, Any], instance: Path, document: Any
) -> None:
    """A write by another process on the same host: the office, an import, a poll."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WIDGETS_INSTANCE_PATH", str(instance))
        writer: Flask = make_app(config)
    with writer.app_context():
        import_document(db.session(), document, Channel.IMPORT)


def _until_expired(url: str) -> Answer:
    """Ask until nginx's copy has run out and been asked for again (the cap is 3 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = ask(url)
        if answer.cache != "HIT":
            return answer
        time.sleep(0.5)
    raise AssertionError(f"{url} was still a HIT after 60 s")


def _hit_after_miss(url: str, headers: dict[str, str] | None = None) -> Answer:
    first = ask(url, headers=headers)
    assert first.status == 200
    assert first.cache in ("MISS", "EXPIRED", "REVALIDATED"), first.cache
    for _ in range(5):  # a machine that stalls for the 3 s could let it expire once
        second = ask(url, headers=headers)
        if second.cache == "HIT":
            assert second.body == first.body
            return second
    raise AssertionError(f"{url}: no HIT after {first.cache}")


def test_the_shipped_site_with_tls_loads(tmp_path: Path) -> None:
    """deploy/nginx.conf as shipped, only the certificate and host folders replaced."""
    binary = require_nginx()
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=widgets.example.org"),
        ],
        check=True,
        capture_output=True,
    )
    site = (Path(renderer().__file__).with_name("nginx.conf")).read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/widgets.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/widgets.example.org/privkey.pem", str(key))
    site = site.replace("/var/lib/nginx/widgets-cache", str(tmp_path / "cache"))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("listen 443", "listen 127.0.0.1:443").replace(
        "listen 80", "listen 127.0.0.1:80"
    )
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\nproxy_temp_path {tmp_path}/proxy;\nclient_body_temp_path {tmp_path}/body;\n"
        f"{site}\n}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()


def test_behind_the_shipped_nginx(
    stack: tuple[Nginx, Gunicorn], make_app: Any, config: dict[str, Any], tmp_path: Path
) -> None:
    proxy, _server = stack
    _the_office_forms_and_posts_are_never_cached(proxy)
    _the_language_is_part_of_the_key(proxy)
    _static_files_compressed_with_security_headers(proxy)
    unchanged = f"{proxy.url}/feeds/{PA}/projects.atom"
    changed = f"{proxy.url}/fragment/projects?alliance={HZ}&limit=5"
    hit = _hit_after_miss(unchanged)
    _hit_after_miss(changed)
    for name in SECURITY:
        assert hit.headers[name], name

    conditional = ask(unchanged, headers={"If-None-Match": hit.headers["ETag"]})
    assert conditional.status == 304

    document = {
        "projects": [
            {
                "alliance": HZ,
                "slug": "hinter-nginx",
                "title": "Hinter nginx neu",
                "summary": "Neu.",
                "status": "published",
                "published": "2099-01-01T10:00:00+01:00",
            }
        ]
    }
    _write_as_gunicorn(make_app, config, tmp_path / "gunicorn", document)

    # the other alliance's feed did not change: nginx asks with its ETag, the service says 304
    revalidated = _until_expired(unchanged)
    assert revalidated.cache == "REVALIDATED"
    assert revalidated.body == hit.body
    # the changed widget is rendered anew, with the new project
    renewed = _until_expired(changed)
    assert renewed.cache == "EXPIRED"
    assert "Hinter nginx neu" in renewed.body.decode()


def _the_language_is_part_of_the_key(proxy: Nginx) -> None:
    url = f"{proxy.url}/p/{PA}"
    english = _hit_after_miss(url, {"Accept-Language": "en-GB,en;q=0.9"})
    assert english.headers["Content-Language"] == "en"
    german = ask(url, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert german.headers["Content-Language"] == "de"
    assert german.cache == "MISS"
    # another spelling of the same preference finds the same entry (fresh, or run out and
    # asked for again on a slow machine), never a MISS
    again = ask(url, headers={"Accept-Language": "en-US"})
    assert again.cache in ("HIT", "REVALIDATED", "EXPIRED"), again.cache
    assert again.headers["Content-Language"] == "en"


def _the_office_forms_and_posts_are_never_cached(proxy: Nginx) -> None:
    for _ in range(2):
        for path in ("/admin/", "/admin/login", f"/embed/submit?alliance={PA}"):
            answer = ask(proxy.url + path)
            assert answer.cache in (None, "BYPASS"), (path, answer.cache)
            for name in SECURITY:
                assert answer.headers[name], (path, name)
        posted = ask(f"{proxy.url}/submit/{PA}", method="POST")
        assert posted.cache in (None, "BYPASS"), posted.cache
        for name in SECURITY:
            assert posted.headers[name], name


def _static_files_compressed_with_security_headers(proxy: Nginx) -> None:
    css = ask(f"{proxy.url}/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "stale-while-revalidate" in css.headers["Cache-Control"]
    for name in SECURITY:
        assert css.headers[name], name
    loader = ask(f"{proxy.url}/embed.js", headers={"Accept-Encoding": "gzip"})
    assert loader.headers["Content-Encoding"] == "gzip"
    for name in SECURITY:
        assert loader.headers[name], name
