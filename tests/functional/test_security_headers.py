"""Headers everywhere public: a strict Content-Security-Policy on pages, whose inline
scripts and styles are allowed only by hash, and Permissions-Policy, Referrer-Policy and
X-Content-Type-Options on every answer."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

PAGES = (
    "/",
    "/p/niedersachsen-packt-an",
    "/p/niedersachsen-packt-an/partners/stadt-sehnde",
    "/widgets?widget=projects",
    "/widgets?widget=banner",
    "/feeds",
    "/privacy",
    "/accessibility",
    "/p/nobody",  # an error page is a page too
)
EMBEDS = ("/embed/projects?alliance=all", "/embed/events?alliance=niedersachsen-packt-an")
OTHERS = (
    "/healthz",
    "/feeds/all/projects.atom",
    "/feeds/all/events.ics",
    "/fragment/partners?alliance=niedersachsen-packt-an",
    "/badge/niedersachsen-packt-an/stadt-sehnde.svg",
    "/badge/niedersachsen-packt-an/stadt-sehnde.png",
    "/embed.js",
    "/oembed?format=json&url=http://localhost/p/niedersachsen-packt-an",
    "/metrics",
)


class _Inline(HTMLParser):
    """Collects what a Content-Security-Policy must allow: inline code and style attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.attributes: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        self.attributes += [n for n in names if n == "style" or n.startswith("on")]
        if tag == "script" and "src" not in names:
            self._open = "script"
            self.scripts.append("")
        elif tag == "style":
            self._open = "style"
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts[-1] += data
        elif self._open == "style":
            self.styles[-1] += data


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _check_inline_code_is_allowed_by_hash(html: str, directives: dict[str, list[str]]) -> None:
    inline = _Inline()
    inline.feed(html)
    assert inline.attributes == [], "style= and on…= attributes are refused by the policy"
    for script in inline.scripts:
        assert _hash(script) in directives["script-src"]
    for style in inline.styles:
        assert _hash(style) in directives["style-src"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives.get(directive, [])
        assert "'unsafe-eval'" not in directives.get(directive, [])


def _check_common(response_headers: dict[str, str]) -> None:
    assert response_headers["X-Content-Type-Options"] == "nosniff"
    # widgets on members' sites send no referrer at all; the service's own pages the origin
    assert response_headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer")
    permissions = response_headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "interest-cohort=()"):
        assert feature in permissions


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_a_strict_policy_and_allow_inline_code_only_by_hash(
    client: FlaskClient, demo: Session, path: str
) -> None:
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response.mimetype == "text/html"
    _check_common(dict(response.headers))
    directives = _directives(response.headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["script-src"][0] == "'self'"
    _check_inline_code_is_allowed_by_hash(response.text, directives)
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", EMBEDS)
def test_embed_documents_may_be_framed_and_run_only_their_own_script(
    client: FlaskClient, demo: Session, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _check_common(dict(response.headers))
    directives = _directives(response.headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'none'"]
    # any member's site may frame a widget
    assert directives.get("frame-ancestors", ["*"]) == ["*"]
    assert "X-Frame-Options" not in response.headers
    _check_inline_code_is_allowed_by_hash(response.text, directives)


@pytest.mark.parametrize("path", OTHERS)
def test_every_other_answer_carries_the_common_headers(
    client: FlaskClient, demo: Session, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    _check_common(dict(response.headers))


def test_an_svg_badge_opened_by_itself_runs_no_script(client: FlaskClient, demo: Session) -> None:
    response = client.get("/badge/niedersachsen-packt-an/stadt-sehnde.svg")
    directives = _directives(response.headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'none'"]
    assert "script-src" not in directives
