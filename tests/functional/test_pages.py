"""Public pages: content, languages, caching, headers, errors — and never a cookie."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.queries import count_queries
from widget_service import create_app, db
from widget_service.operations import import_document

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"

PAGES = [
    "/",
    "/privacy",
    "/accessibility",
    f"/p/{PA}",
    f"/p/{HZ}",
    f"/p/{PA}/projects",
    f"/p/{PA}/projects?field=sprachfoerderung&region=Landkreis+Peine",
    "/p/all/projects?page=2",
    f"/p/{PA}/events",
    f"/p/{PA}/events?when=past",
    "/p/all/events",
    f"/p/{PA}/partners",
    "/p/all/partners?kind=church",
    f"/p/{PA}/projects/sprachcafe-sehnde",
    f"/p/{HZ}/events/konferenz-zusammenhalt",
    f"/p/{PA}/partners/landkreis-peine",
    f"/p/{PA}/partners/gemeinde-edemissen",
]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_without_cookies_and_with_cache_headers(
    client: FlaskClient, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Set-Cookie" not in response.headers
    assert response.headers["ETag"]
    assert "max-age=" in response.headers["Cache-Control"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert '<html lang="de">' in html
    assert '<main id="main"' in html and "<h1>" in html
    # no dangling separators where a part of a line is missing
    assert not re.search(r"·\s*</p>|<p[^>]*>\s*·", html)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", PAGES)
def test_pages_reference_no_other_host(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    loaded = re.findall(
        r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*(?:src|href)="([^"]+)"', html
    )
    # discovery links (oEmbed) are absolute, but point at this service itself
    ours = [address.removeprefix("http://localhost") for address in loaded]
    assert all(address.startswith("/") and not address.startswith("//") for address in ours), loaded


@pytest.mark.usefixtures("demo")
def test_a_project_card_names_its_partner_and_a_place_the_name_does_not_say(
    client: FlaskClient,
) -> None:
    # Landkreis Peine's project is in Peine: the card says "Landkreis Peine", once
    html = client.get(f"/p/{PA}/partners/landkreis-peine").get_data(as_text=True)
    assert '<p class="meta">Landkreis Peine</p>' in html
    widget = client.get(f"/fragment/projects?alliance={PA}&partner=landkreis-peine")
    assert '<p class="aw-meta">Landkreis Peine</p>' in widget.get_data(as_text=True)
    # the union's project is in Hannover, which its name does not say
    expected = "DGB Niedersachsen – Bremen – Sachsen-Anhalt · Hannover"
    html = client.get(f"/p/{HZ}/partners/dgb-niedersachsen").get_data(as_text=True)
    assert f'<p class="meta">{expected}</p>' in html
    widget = client.get(f"/fragment/projects?alliance={HZ}&partner=dgb-niedersachsen")
    assert f'<p class="aw-meta">{expected}</p>' in widget.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
def test_alliance_page_shows_calls_projects_events_partners(client: FlaskClient) -> None:
    html = client.get(f"/p/{HZ}").get_data(as_text=True)
    text = text_of(html)
    assert "Niedersachsen hält zusammen" in text
    assert "Zusammenhalt zeigen" in text  # its running call
    assert "ZUSAMMEN. MEHR." not in text  # the call of the other alliance
    assert "Gemeinsam durch den Winter" not in text  # an ended call
    assert "Faktencheck-Werkstatt der Volkshochschule" in text
    assert "Virtuelle Konferenz: Zusammenhalt nach der Pandemie" in text
    assert "Landkreis Peine" in text
    assert "Verschwörungserzählungen" in text


@pytest.mark.usefixtures("demo")
def test_partner_page_says_since_when_and_by_which_resolution(client: FlaskClient) -> None:
    text = text_of(client.get(f"/p/{PA}/partners/landkreis-peine").get_data(as_text=True))
    assert "Mitglied von „Niedersachsen packt an“ seit 7. Oktober 2020" in text
    assert "Kreistag, Beschlussvorlage 2020/740, 07.10.2020" in text
    ended = text_of(client.get(f"/p/{PA}/partners/gemeinde-edemissen").get_data(as_text=True))
    assert "Ehemaliges Mitglied" in ended and "31. Dezember 2024" in ended


@pytest.mark.usefixtures("demo")
def test_english_by_parameter_and_by_browser(client: FlaskClient) -> None:
    by_parameter = client.get(f"/p/{PA}/partners/landkreis-peine?lang=en")
    assert '<html lang="en">' in by_parameter.get_data(as_text=True)
    assert "Member of Niedersachsen packt an since 7 October 2020" in text_of(
        by_parameter.get_data(as_text=True)
    )
    assert by_parameter.headers["Content-Language"] == "en"
    by_browser = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in by_browser.get_data(as_text=True)
    assert "Accept-Language" in by_browser.headers["Vary"]
    german = client.get("/", headers={"Accept-Language": "fr-FR, de;q=0.5"})
    assert '<html lang="de">' in german.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
def test_event_times_in_berlin_in_german(client: FlaskClient, demo: Session) -> None:
    import_document(
        demo,
        {
            "events": [
                {
                    "alliance": PA,
                    "slug": "winterzeit",
                    "title": "Nach der Zeitumstellung",
                    "starts": "2026-10-25T17:00:00Z",
                    "ends": "2026-10-25T18:30:00Z",
                }
            ]
        },
    )
    text = text_of(client.get(f"/p/{PA}/events/winterzeit").get_data(as_text=True))
    assert "Sonntag, 25. Oktober 2026, 18:00–19:30 Uhr" in text


@pytest.mark.usefixtures("demo")
def test_conditional_requests_get_304(client: FlaskClient) -> None:
    first = client.get(f"/p/{PA}")
    etag = first.headers["ETag"]
    again = client.get(f"/p/{PA}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    item = client.get(f"/p/{PA}/projects/sprachcafe-sehnde")
    modified = item.headers["Last-Modified"]
    assert (
        client.get(
            f"/p/{PA}/projects/sprachcafe-sehnde", headers={"If-Modified-Since": modified}
        ).status_code
        == 304
    )
    garbage = client.get(
        f"/p/{PA}/projects/sprachcafe-sehnde", headers={"If-Modified-Since": "gestern"}
    )
    assert garbage.status_code == 200


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/p/gibt-es-nicht", 404, "Das Bündnis „gibt-es-nicht“ gibt es nicht."),
        (
            f"/p/{PA}/projects/gibt-es-nicht",
            404,
            "Ein veröffentlichtes Projekt „gibt-es-nicht“ gibt es nicht.",
        ),
        (f"/p/{PA}/partners/bistum-hildesheim", 404, "Eine öffentliche Mitgliedschaft"),
        (
            f"/p/{PA}/projects?field=gibt-es-nicht",
            404,
            "Das Handlungsfeld „gibt-es-nicht“ gibt es nicht.",
        ),
        (f"/p/{PA}/projects?limit=1000", 400, "Der Parameter „limit“ ist ungültig"),
        (f"/p/{PA}/projects?page=-1", 400, "Der Parameter „page“ ist ungültig"),
        (f"/p/{PA}/projects?partner=%3Cscript%3E", 400, "Der Parameter „partner“ ist ungültig"),
        ("/gibt/es/nicht", 404, "Seite nicht gefunden"),
    ],
)
def test_errors_are_pages_in_the_site_style(
    client: FlaskClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in text_of(html)
    assert 'class="site-header"' in html
    assert "<script" not in html and "Traceback" not in html


def test_method_not_allowed(client: FlaskClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_a_plain_500_page(
    config: dict[str, Any], make_app: Callable[[dict[str, Any]], Flask]
) -> None:
    app = make_app(config)

    @app.get("/explode")
    def explode() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Bei uns ist etwas schiefgegangen" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_is_gone(config: dict[str, Any]) -> None:
    app = create_app({**config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


@pytest.mark.parametrize(
    ("url", "media_type"),
    [
        ("/", "text/html"),
        (f"/p/{PA}", "text/html"),
        (f"/p/{PA}/projects/x", "text/html"),
        ("/feeds", "text/html"),
        (f"/feeds/{PA}/projects.rss", "text/plain"),
        ("/feeds/all/events.ics", "text/plain"),
        (f"/badge/{PA}/landkreis-peine.svg", "image/svg+xml"),
        (f"/badge/{PA}/landkreis-peine.png", "image/png"),
        (f"/banner/{PA}/zusammen-mehr.svg", "image/svg+xml"),
        (f"/fragment/projects?alliance={PA}&lang=en", "text/html"),
        (f"/embed/events?alliance={PA}&lang=en", "text/html"),
        (f"/oembed?url=http://localhost/p/{PA}", "application/json"),
        ("/widgets", "text/html"),
    ],
)
def test_a_database_outage_is_a_503_to_come_back_to(
    config: dict[str, Any], url: str, media_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # nothing listens on port 1: every query fails to connect
    app = create_app({**config, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.mimetype == media_type
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    if url.startswith(("/fragment/", "/feeds/", "/oembed", "/badge/", "/banner/")):
        # read from other sites' scripts: the loader must be able to show the message
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    if not media_type.startswith("image/"):
        assert "try again shortly" in response.get_data(as_text=True)
        assert "Traceback" not in response.get_data(as_text=True)
    # the operator's log names the cause in one line, without a traceback
    outages = [record for record in caplog.records if "Database unavailable" in record.message]
    assert len(outages) == 1 and outages[0].exc_info is None


@pytest.mark.parametrize("url", ["/docs/json-feed", "/p/all"])
def test_redirects_say_how_long_they_hold(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "public, max-age=300, stale-while-revalidate=600"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "url",
    [
        f"/p/{PA}",
        f"/p/{PA}/projects",
        f"/p/{PA}/events?field=sprachfoerderung",
        f"/p/{PA}/partners",
        f"/p/{PA}/partners/landkreis-peine",
        f"/feeds/{PA}/projects.rss?partner=landkreis-peine",
        f"/feeds/{PA}/events.ics",
    ],
)
def test_a_page_looks_its_alliance_and_partner_up_once(
    app: Flask, client: FlaskClient, url: str
) -> None:
    with app.app_context():
        engine = db.engine()
    with count_queries(engine) as statements:
        assert client.get(url).status_code == 200
    lookups = [s for s in statements if re.search(r"WHERE (alliance|partner)\.slug =", s)]
    assert len(lookups) <= 2, lookups


def test_empty_instance_explains_how_to_load_content(client: FlaskClient) -> None:
    text = text_of(client.get("/").get_data(as_text=True))
    assert "widget-service demo" in text


@pytest.mark.usefixtures("demo")
def test_content_html_is_sanitised_and_plain_text_escaped(
    client: FlaskClient, demo: Session
) -> None:
    import_document(
        demo,
        {
            "projects": [
                {
                    "alliance": PA,
                    "slug": "boese",
                    "title": "<script>alert('title')</script>",
                    "summary": "<img src=x onerror=alert(1)>",
                    "body": "<p>ok</p><script>alert('body')</script>"
                    "<a href='javascript:alert(1)'>x</a>",
                }
            ]
        },
    )
    html = client.get(f"/p/{PA}/projects/boese").get_data(as_text=True)
    assert "<script>alert" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "<p>ok</p>" in html


def test_brand_colours_are_allowed_by_hash_not_by_unsafe_inline(
    client: FlaskClient, demo: Session
) -> None:
    response = client.get(f"/p/{PA}")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    styles = re.findall(r"<style>(.*?)</style>", response.get_data(as_text=True))
    assert styles and all(_hash(css) in policy for css in styles)


def _hash(css: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()


def test_static_files_are_cacheable(app: Flask, client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]+)"', html)
    assert stylesheet
    response = client.get(stylesheet.group(1))
    response.close()
    assert response.status_code == 200
    assert "max-age=86400" in response.headers["Cache-Control"]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "url",
    [
        "/p/all/projects?region=%00",
        "/p/all/projects?region=Landkreis%0APeine",
        "/p/%00",
        f"/p/{PA}/projects/x%00y",
        "/feeds/all/projects.rss?region=%00",
        f"/fragment/projects?alliance={PA}&title=%00",
        f"/badge/{PA}/landkreis-peine.svg?lang=%00",
    ],
)
def test_control_characters_in_the_address_are_a_400(client: FlaskClient, url: str) -> None:
    # a NUL reaching PostgreSQL would be a 500; no address of ours contains one
    response = client.get(url)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("url", "media_type", "named"),
    [
        ("/p/all/projects?region=a%00b", "text/html", "region"),
        ("/feeds/all/projects.rss?partner=%01", "text/plain", "partner"),
        (f"/fragment/projects?alliance={PA}&lang=en&title=%00", "text/html", "title"),
        (f"/oembed?url=http://localhost/p/{PA}%0A", "application/json", "url"),
    ],
)
def test_control_characters_are_answered_in_the_shape_of_the_route(
    client: FlaskClient, url: str, media_type: str, named: str
) -> None:
    # a feed reader gets text, a widget its own error box, oEmbed JSON; each names the parameter
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.mimetype == media_type
    body = response.get_data(as_text=True)
    assert f"“{named}”" in body or f"\u201c{named}\u201d" in body, body
    assert "control characters" in body
