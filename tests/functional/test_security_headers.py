"""Headers everywhere public: a strict Content-Security-Policy on pages, whose inline
scripts and styles are allowed only by hash, and Permissions-Policy, Referrer-Policy and
X-Content-Type-Options on every answer."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
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


# --- every public answer, walked ----------------------------------------------------------

# answers in other shapes than the routes' examples give: errors of each kind, writes
ERRORS = (
    "/nowhere",  # 404 page of no route
    "/p/nobody/projects",  # 404 page
    "/p/all/projects?limit=0",  # 400 page
    "/feeds/nobody/projects.atom",  # 404 plain text
    "/feeds/all/projects.atom?limit=x",  # 400 plain text
    "/badge/niedersachsen-packt-an/nobody.svg",  # 404 image
    "/badge/niedersachsen-packt-an/nobody.png",
    "/banner/niedersachsen-packt-an/nothing.svg?size=1x1",  # 400 image
    "/embed/nothing",  # 404 widget document
    "/fragment/projects?limit=0",  # 400 widget fragment
    "/api/v1/nobody/projects",  # 404 JSON
    "/api/v1/all/projects?limit=x",  # 400 JSON
    "/oembed?url=https://elsewhere.example/",  # 404 JSON
    "/verify/not-a-token",  # 400 page
    "/images/nothing.jpg",  # 404
    "/sign/confirm/not-a-token",  # 404 framable page
    "/sign/niedersachsen-packt-an/nothing",  # 404 of a form, answered by the site's error page
    "/join/nobody",
    "/embed/submit?alliance=nobody",
)
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")


def _effective(directives: dict[str, list[str]], name: str) -> list[str]:
    """A fetch directive as the browser applies it: its own value, else default-src."""
    return directives.get(name, directives.get("default-src", []))


def _missing_headers(response: Any, what: str) -> list[str]:
    """What a public answer lacks; an HTML answer must also have a strict policy."""
    headers = response.headers
    problems: list[str] = []
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{what}: X-Content-Type-Options")
    if headers.get("Referrer-Policy") not in ("strict-origin-when-cross-origin", "no-referrer"):
        problems.append(f"{what}: Referrer-Policy")
    permissions = headers.get("Permissions-Policy", "")
    if not all(f in permissions for f in ("camera=()", "microphone=()", "geolocation=()")):
        problems.append(f"{what}: Permissions-Policy")
    if response.mimetype not in ("text/html", "image/svg+xml"):
        return problems
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        return [*problems, f"{what}: Content-Security-Policy"]
    directives = _directives(policy)
    scripts = _effective(directives, "script-src")
    if not scripts or any(source in UNSAFE_SOURCES for source in scripts):
        problems.append(f"{what}: script-src {scripts}")
    if _effective(directives, "object-src") != ["'none'"]:
        problems.append(f"{what}: object-src")
    if response.mimetype == "text/html":
        if "base-uri" not in directives or "frame-ancestors" not in directives:
            problems.append(f"{what}: base-uri or frame-ancestors")
        inline = _Inline()
        inline.feed(response.get_data(as_text=True))
        unhashed = [script for script in inline.scripts if _hash(script) not in scripts]
        if unhashed:
            problems.append(f"{what}: inline script without its hash")
        handlers = [name for name in inline.attributes if name.startswith("on")]
        if handlers:
            problems.append(f"{what}: event handler attributes {handlers}")
    return problems


def _walk(client: FlaskClient, paths: list[str]) -> list[str]:
    problems: list[str] = []
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500 or response.status_code == 501, path
        problems += _missing_headers(response, f"GET {path} ({response.status_code})")
    return problems


def _public_paths(app: Flask, filled: Callable[[str], str]) -> list[str]:
    from tests.functional.test_hostile_requests import EXAMPLES, MORE

    return [filled(example) for example in [*EXAMPLES.values(), *MORE, *ERRORS]]


def test_every_public_answer_carries_the_headers(
    app: Flask, client: FlaskClient, filled: Callable[[str], str]
) -> None:
    assert _walk(client, _public_paths(app, filled)) == []
    # answers to writes and refused methods, in their shapes
    problems: list[str] = []
    for method, path in (
        ("POST", "/submit/niedersachsen-packt-an"),  # 400: the form again
        ("POST", "/sign/niedersachsen-packt-an/zusammen-mehr"),
        ("POST", "/api/v1/niedersachsen-packt-an/projects"),  # 401 JSON
        ("POST", "/p/niedersachsen-packt-an"),  # 405 page
        ("DELETE", "/feeds/all/projects.atom"),  # 405
    ):
        response = client.open(path, method=method)
        assert response.status_code < 500, (method, path)
        problems += _missing_headers(response, f"{method} {path} ({response.status_code})")
    assert problems == []


def test_answers_from_the_response_cache_carry_the_headers(
    config: dict[str, Any],
    make_app: Callable[[dict[str, Any]], Flask],
    filled: Callable[[str], str],
) -> None:
    cached_app = make_app({**config, "RESPONSE_CACHE": True})
    client = cached_app.test_client()
    paths = _public_paths(cached_app, filled)
    _walk(client, paths)  # renders and keeps what may be kept
    assert _walk(client, paths) == []  # the same, now largely from the cache


def test_refusals_for_too_many_requests_carry_the_headers(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask], demo: Session
) -> None:
    limited = make_app({**config, "FORM_RATE_LIMIT": "1 per minute"}).test_client()
    path = "/sign/niedersachsen-packt-an/zusammen-mehr"
    limited.post(path)
    refused = limited.post(path)
    assert refused.status_code == 429
    assert _missing_headers(refused, f"POST {path} (429)") == []
