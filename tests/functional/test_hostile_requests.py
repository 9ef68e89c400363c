"""Every public GET route, asked with hostile parameters, path segments and headers.

Whatever a visitor sends, the answer is a 2xx, 3xx or 4xx (501 for a widget that is not
built yet) and never carries a traceback: "never a 500". A route added without an example
here fails ``test_every_route_has_an_example``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"

OFFICE_SECTIONS = "any(projects, events, partners, memberships, calls, alliances, sources)"
# one example path per route (rule -> path); {token} is a real verification token and
# {picture} a stored picture's digest
EXAMPLES = {
    "/": "/",
    "/healthz": "/healthz",
    "/metrics": "/metrics",
    "/privacy": "/privacy",
    "/accessibility": "/accessibility",
    "/imprint": "/imprint",
    "/leichte-sprache": "/leichte-sprache",
    "/feeds": "/feeds",
    "/docs/json-feed": "/docs/json-feed",
    "/widgets": "/widgets",
    "/embed.js": "/embed.js",
    "/oembed": "/oembed",
    "/p/<alliance>": f"/p/{PA}",
    "/p/<alliance>/projects": "/p/all/projects",
    "/p/<alliance>/events": f"/p/{HZ}/events",
    "/p/<alliance>/partners": f"/p/{PA}/partners",
    "/p/<alliance>/projects/<slug>": f"/p/{PA}/projects/sprachcafe-sehnde",
    "/p/<alliance>/events/<slug>": f"/p/{HZ}/events/konferenz-zusammenhalt",
    "/p/<alliance>/events/<slug>.ics": f"/p/{HZ}/events/konferenz-zusammenhalt.ics",
    "/p/<alliance>/partners/<slug>": f"/p/{PA}/partners/landkreis-peine",
    "/feeds/<alliance>/projects.<any(rss, atom, json):fmt>": f"/feeds/{PA}/projects.atom",
    "/feeds/<alliance>/events.<any(rss, atom, json, ics):fmt>": "/feeds/all/events.ics",
    "/embed/<name>": "/embed/projects",
    "/fragment/<name>": "/fragment/events",
    "/badge/<alliance>/<partner>.<any(svg, png):fmt>": f"/badge/{PA}/landkreis-peine.svg",
    "/banner/<alliance>/<call>.<any(svg, png):fmt>": f"/banner/{PA}/zusammen-mehr.svg",
    "/verify/<token>": "/verify/{token}",
    "/images/<digest>.<any(jpg, png):extension>": "/images/{picture}.jpg",
    # the public forms (participation/); {signature} is a real signature's token
    "/submit/<alliance>/thanks": f"/submit/{PA}/thanks",
    "/sign/<alliance>/<call>": f"/sign/{PA}/zusammen-mehr",
    "/sign/<alliance>/<call>/thanks": f"/sign/{PA}/zusammen-mehr/thanks",
    "/sign/confirm/<token>": "/sign/confirm/{confirm}",
    "/sign/withdraw/<token>": "/sign/withdraw/{withdraw}",
    "/join/<alliance>": f"/join/{PA}",
    "/join/<alliance>/thanks": f"/join/{PA}/thanks",
    # the API (api/)
    "/api/v1/openapi.json": "/api/v1/openapi.json",
    "/api/v1/alliances": "/api/v1/alliances",
    "/api/v1/<alliance>/partners": f"/api/v1/{PA}/partners",
    "/api/v1/<alliance>/calls": f"/api/v1/{HZ}/calls",
    "/api/v1/<alliance>/calls/<slug>": f"/api/v1/{PA}/calls/zusammen-mehr",
    "/api/v1/<alliance>/projects": "/api/v1/all/projects",
    "/api/v1/<alliance>/events": f"/api/v1/{HZ}/events",
    "/api/v1/<alliance>/projects/<slug>": f"/api/v1/{PA}/projects/sprachcafe-sehnde",
    "/api/v1/<alliance>/events/<slug>": f"/api/v1/{HZ}/events/konferenz-zusammenhalt",
    # the office: without a session each page leads to the login (which takes ?next=)
    "/admin/login": "/admin/login",
    "/admin/": "/admin/",
    "/admin/password": "/admin/password",
    f"/admin/<{OFFICE_SECTIONS}:section_name>/": "/admin/projects/",
    f"/admin/<{OFFICE_SECTIONS}:section_name>/new": "/admin/events/new",
    f"/admin/<{OFFICE_SECTIONS}:section_name>/<int:record_id>": "/admin/memberships/1",
    "/admin/queue/": "/admin/queue/",
    "/admin/queue/<ident>": "/admin/queue/project-1",
    "/admin/tokens/": "/admin/tokens/",
    "/admin/sources/state": "/admin/sources/state",
    "/admin/statistics": "/admin/statistics",
    "/admin/audit": "/admin/audit",
    "/admin/accounts/": "/admin/accounts/",
    "/admin/accounts/<int:account_id>": "/admin/accounts/1",
    "/p/<alliance>/calls/<call>": f"/p/{PA}/calls/zusammen-mehr",
    "/c/<int:call_id>": "/c/{call}",
    "/banner/<alliance>/<call>.pdf": f"/banner/{PA}/zusammen-mehr.pdf",
    "/newsletter/<alliance>/<call>.<any(html, txt):fmt>": f"/newsletter/{PA}/zusammen-mehr.html",
    "/share/mastodon": "/share/mastodon",
}
# more paths on the same routes, where other code runs
MORE = [
    f"/feeds/{HZ}/events.json",
    "/feeds/all/projects.rss",
    *(f"/embed/{name}" for name in ("events", "partners", "banner", "badge", "submit")),
    *(f"/fragment/{name}" for name in ("projects", "partners", "banner", "badge")),
    f"/badge/{PA}/landkreis-peine.png",
    f"/banner/{PA}/partner-werden.png",
    f"/newsletter/{HZ}/impfaktion-2021.txt",
]
PARAMETERS = [
    "alliance",
    "partner",
    "region",
    "field",
    "kind",
    "when",
    "limit",
    "page",
    "offset",
    "theme",
    "lang",
    "title",
    "accent",
    "layout",
    "call",
    "size",
    "style",
    "widget",
    "url",
    "format",
    "maxwidth",
    "maxheight",
]
VALUES = [
    "",
    " ",
    "-1",
    "0",
    "1.5",
    "1e3",
    "²",
    "٣",
    "99999999999999999999999",
    "\x00",
    "%00",
    "\n",
    "\u202e",
    "a" * 5000,
    "ALL",
    "all",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "https://evil.example/",
    "http://localhost/p/all",
    "http://[::1]:99999/p/all",
    "ß",
    "[]",
    "%",
]
# the values also tried in each parameter alone, so a later parameter is reached too
EACH = ["²", "\x00", "a" * 5000, "-1"]
SEGMENTS = ["ALL", "a" * 300, "\x00", "..", "ß", "a--b", "-a", "\udcff", "x.y", "ä"]
HEADERS = [
    {"If-None-Match": "\x01garbage"},
    {"If-None-Match": "*"},
    {"If-Modified-Since": "garbage"},
    {"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"Accept-Language": "x" * 3000},
    {"Accept-Language": "de;q=abc, en;q=-1"},
    {"Origin": "null"},
]


def _sane(response: TestResponse, what: str) -> None:
    assert response.status_code < 500 or response.status_code == 501, what
    assert b"Traceback" not in response.get_data(), what


def test_every_route_has_an_example(app: Flask) -> None:
    rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint != "static"
    }
    assert rules == set(EXAMPLES)


@pytest.mark.parametrize("example", [*EXAMPLES.values(), *MORE])
def test_hostile_parameters_never_make_a_500(
    client: FlaskClient, filled: Callable[[str], str], example: str
) -> None:
    path = filled(example)
    assert client.get(path).status_code in (200, 301, 302, 400, 501), path  # the example exists
    for value in VALUES:
        _sane(client.get(path, query_string=dict.fromkeys(PARAMETERS, value)), f"{path} {value!r}")
    for name in PARAMETERS:
        for value in EACH:
            _sane(client.get(path, query_string={name: value}), f"{path} {name}={value!r}")
    # bytes that are not UTF-8, as a browser or a bot may send them
    _sane(client.get(path, query_string="limit=%ED%A0%80&title=%FF&partner=%C3"), path)


def test_hostile_headers_never_make_a_500(
    client: FlaskClient, filled: Callable[[str], str]
) -> None:
    for example in [*EXAMPLES.values(), *MORE]:
        path = filled(example)
        for headers in HEADERS:
            _sane(client.get(path, headers=headers), f"{path} {headers}")


def test_hostile_path_segments_never_make_a_500(
    client: FlaskClient, filled: Callable[[str], str]
) -> None:
    for example in [*EXAMPLES.values(), *MORE]:
        parts = filled(example).split("/")
        for index in range(1, len(parts)):
            _, dot, extension = parts[index].rpartition(".")
            for segment in SEGMENTS:
                quoted = quote(segment, safe="", errors="surrogateescape")
                for replacement in (quoted, f"{quoted}.{extension}" if dot else quoted + "."):
                    changed = "/".join([*parts[:index], replacement, *parts[index + 1 :]])
                    _sane(client.get(changed), changed)
