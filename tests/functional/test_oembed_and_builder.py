"""oEmbed, its discovery links, and the widget builder's snippets."""

from __future__ import annotations

import html as htmllib
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from widget_service import db
from widget_service.models import Channel
from widget_service.operations import import_document

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
BASE = "http://localhost"


def oembed(client: FlaskClient, page: str, extra: str = "") -> tuple[int, dict[str, object]]:
    response = client.get(f"/oembed?url={quote(page, safe='')}&format=json{extra}")
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    return response.status_code, response.get_json()


def iframe_src(markup: str) -> str:
    found = re.search(r'<iframe src="([^"]+)"', markup)
    assert found, markup
    return htmllib.unescape(found.group(1))


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("page", "title", "widget", "params"),
    [
        (f"/p/{PA}", "Niedersachsen packt an", "projects", {"alliance": [PA]}),
        (
            f"/p/{PA}/projects/sprachcafe-sehnde",
            "Sprachcafé im Rathaus Sehnde",
            "projects",
            {"alliance": [PA], "item": ["sprachcafe-sehnde"]},
        ),
        (
            f"/p/{HZ}/events/konferenz-zusammenhalt",
            "Virtuelle Konferenz: Zusammenhalt nach der Pandemie",
            "events",
            {"alliance": [HZ], "item": ["konferenz-zusammenhalt"]},
        ),
        (
            f"/p/{PA}/partners/landkreis-peine",
            "Landkreis Peine",
            "badge",
            {"alliance": [PA], "partner": ["landkreis-peine"]},
        ),
        # the listing pages: the list widget with the page's filters
        ("/p/all/projects", "Projekte", "projects", {}),
        (
            f"/p/{PA}/events?region=Landkreis+Peine&page=2",
            "Veranstaltungen – Niedersachsen packt an",
            "events",
            {"alliance": [PA], "region": ["Landkreis Peine"]},
        ),
        (
            f"/p/{HZ}/partners?kind=church&lang=en",
            "Partners – Niedersachsen hält zusammen",
            "partners",
            {"alliance": [HZ], "kind": ["church"], "lang": ["en"]},
        ),
    ],
)
def test_oembed_answers_rich_json_for_item_and_alliance_pages(
    client: FlaskClient, page: str, title: str, widget: str, params: dict[str, list[str]]
) -> None:
    status, body = oembed(client, BASE + page)
    assert status == 200
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["title"] == title
    assert body["provider_url"] == BASE + "/"
    assert isinstance(body["html"], str) and isinstance(body["height"], int)
    src = urlsplit(iframe_src(body["html"]))
    assert src.path == f"/embed/{widget}"
    assert parse_qs(src.query) == params
    assert f'width="{body["width"]}"' in body["html"]
    assert 'title="' in body["html"] and f'src="{BASE}/embed.js"' in body["html"]
    # the embedded document exists
    assert client.get(src.path + "?" + src.query).status_code == 200


@pytest.mark.usefixtures("demo")
def test_oembed_respects_maxwidth_maxheight_and_language(client: FlaskClient) -> None:
    status, body = oembed(client, f"{BASE}/p/{PA}?lang=en", "&maxwidth=320&maxheight=200")
    assert status == 200
    assert body["width"] == 320 and body["height"] == 200
    assert "lang=en" in iframe_src(str(body["html"]))
    _, wide = oembed(client, f"{BASE}/p/{PA}", "&maxwidth=5000")
    assert wide["width"] == 600


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("page", "extra", "status"),
    [
        ("https://example.org/p/niedersachsen-packt-an", "", 404),
        (f"{BASE}/p/{PA}/projects/unknown", "", 404),
        (f"{BASE}/p/unknown", "", 404),
        (f"{BASE}/p/unknown/events", "", 404),
        (f"{BASE}/p/all/projects?partner=unknown", "", 404),
        (f"{BASE}/p/{PA}/partners?kind=club", "", 400),
        (f"{BASE}/p/all", "", 404),  # a redirect to the landing page, no page of its own
        (f"{BASE}/privacy", "", 404),
        (f"{BASE}/no/such/page", "", 404),
        ("javascript:alert(1)", "", 404),
        ("http://[::1", "", 404),  # urlsplit() raises "Invalid IPv6 URL"
        (f"http://localhost:x/p/{PA}", "", 404),
        (f"http://localhost:8080/p/{PA}", "", 404),
        (f"http://localhost:443/p/{PA}", "", 404),
        (f"ftp://localhost/p/{PA}", "", 404),
        (f"{BASE}/p/{PA}", "&maxwidth=wide", 400),
        (f"{BASE}/p/{PA}", "&maxheight=0", 400),
        (f"{BASE}/p/{PA}", "&maxwidth=%C2%B2", 400),  # "²": isdigit() but no int()
        (f"{BASE}/p/{PA}", "&maxheight=%D9%A3%D9%A0%D9%A0", 400),  # "٣٠٠" in Arabic-Indic
    ],
)
def test_oembed_errors(client: FlaskClient, page: str, extra: str, status: int) -> None:
    code, body = oembed(client, page, extra)
    assert code == status
    assert body["error"]["status"] == status  # type: ignore[index]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "page",
    [
        f"http://LOCALHOST/p/{PA}",
        f"http://localhost:80/p/{PA}",
        f"https://localhost:443/p/{PA}",
        f"HTTP://LocalHost/p/{PA}",
    ],
)
def test_oembed_knows_its_host_in_any_case_and_with_the_default_port(
    client: FlaskClient, page: str
) -> None:
    status, body = oembed(client, page)
    assert status == 200
    assert body["title"] == "Niedersachsen packt an"


@pytest.mark.usefixtures("demo")
def test_oembed_clamps_a_tiny_maxwidth_and_maxheight(client: FlaskClient) -> None:
    status, body = oembed(client, f"{BASE}/p/{PA}", "&maxwidth=20&maxheight=3")
    assert status == 200
    assert (body["width"], body["height"]) == (160, 90)
    assert 'width="160" height="90"' in str(body["html"])


@pytest.mark.usefixtures("demo")
def test_an_oembed_answer_depends_on_its_url_not_on_accept_language(client: FlaskClient) -> None:
    address = f"/oembed?url={quote(BASE + '/p/' + PA)}&format=json"
    german = client.get(address)
    english = client.get(address, headers={"Accept-Language": "en"})
    assert german.status_code == english.status_code == 200
    assert german.data == english.data  # so it needs no Vary: Accept-Language
    assert german.get_json()["provider_name"] == "Bündnisse in Niedersachsen"
    _, body = oembed(client, f"{BASE}/p/{PA}?lang=en")
    assert body["provider_name"] == "Alliances in Lower Saxony"  # the page's language


@pytest.mark.usefixtures("demo")
def test_oembed_errors_vary_on_accept_language_and_carry_the_answer_headers(
    client: FlaskClient,
) -> None:
    good = client.get(f"/oembed?url={quote(BASE + '/p/' + PA)}&format=json")
    address = f"/oembed?url={quote(BASE + '/p/unknown')}&format=json"
    english = client.get(address, headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert english.get_json()["error"]["message"] == "There is no alliance “unknown”."
    assert "Accept-Language" in english.headers.get("Vary", "")
    for header in ("Cache-Control", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers"):
        assert english.headers[header] == good.headers[header], header
    # with ?lang= the language is in the URL: nothing to vary on
    fixed = client.get(address + "&lang=en", headers={"Accept-Language": "de"})
    assert fixed.get_json()["error"]["message"] == "There is no alliance “unknown”."
    assert "Accept-Language" not in fixed.headers.get("Vary", "")


@pytest.mark.usefixtures("demo")
def test_oembed_without_url_or_with_xml(client: FlaskClient) -> None:
    assert client.get("/oembed").status_code == 400
    page = quote(BASE + "/p/" + PA)
    assert client.get(f"/oembed?url={page}&format=JSON").status_code == 200
    response = client.get(f"/oembed?url={page}&format=xml")
    assert response.status_code == 501
    assert response.get_json()["error"]["message"].startswith("Der Parameter „format“")
    english = client.get(f"/oembed?url={page}&format=xml", headers={"Accept-Language": "en"})
    assert english.status_code == 501
    assert "“format” is not valid" in english.get_json()["error"]["message"]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "page",
    [
        f"/p/{PA}",
        f"/p/{PA}/projects/sprachcafe-sehnde",
        f"/p/{HZ}/events/konferenz-zusammenhalt",
        f"/p/{PA}/partners/landkreis-peine",
        f"/p/{PA}/projects",
        "/p/all/events",
        f"/p/{PA}/projects?field=sprachfoerderung",
        "/p/all/partners?region=Landkreis+Peine",
    ],
)
def test_item_and_alliance_pages_carry_an_oembed_discovery_link(
    client: FlaskClient, page: str
) -> None:
    markup = client.get(page).get_data(as_text=True)
    pattern = r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"'
    found = re.search(pattern, markup)
    assert found
    href = urlsplit(htmllib.unescape(found.group(1)))
    assert href.path == "/oembed"
    assert parse_qs(href.query) == {"url": [BASE + page], "format": ["json"]}
    answer = client.get(href.path + "?" + href.query)
    assert answer.status_code == 200
    # the embedded list shows what the page shows
    if "?" in page:
        assert page.split("?")[1].replace("+", "%20") in htmllib.unescape(
            answer.get_json()["html"]
        ).replace("+", "%20")


@pytest.mark.usefixtures("demo")
def test_the_builder_is_linked_from_navigation_and_landing_page(client: FlaskClient) -> None:
    landing = client.get("/").get_data(as_text=True)
    assert landing.count('href="/widgets"') == 2
    assert 'href="/widgets?lang=en"' in client.get("/p/all/projects?lang=en").get_data(as_text=True)


def snippets(markup: str) -> dict[str, str]:
    return {
        name: htmllib.unescape(text)
        for name, text in re.findall(
            r'<textarea id="snippet-([a-z]+)"[^>]*>(.*?)</textarea>', markup, flags=re.DOTALL
        )
    }


@pytest.mark.usefixtures("demo")
def test_builder_shows_every_snippet_form_for_the_chosen_options(client: FlaskClient) -> None:
    response = client.get(
        f"/widgets?widget=events&alliance={PA}&limit=3&theme=dark&language=en&title=Termine"
    )
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert '<html lang="de">' in markup  # the page stays German; the widget is English
    found = snippets(markup)
    assert set(found) == {"loader", "iframe", "fragment", "oembed", "privacy"}
    query = f"alliance={PA}&limit=3&theme=dark&lang=en&title=Termine"
    assert found["loader"].startswith(
        f'<div data-widget="events" data-alliance="{PA}" data-limit="3" data-theme="dark" '
        'data-lang="en" data-title="Termine">'
    )
    assert (
        f'<script async src="{BASE}/embed.js" referrerpolicy="strict-origin"></script>'
        in (found["loader"])
    )
    assert f'src="{BASE}/embed/events?{query}"' in found["iframe"].replace("&amp;", "&")
    assert 'title="Termine"' in found["iframe"]
    assert found["fragment"].strip() == f"{BASE}/fragment/events?{query}"
    assert found["oembed"].strip().startswith(f"{BASE}/oembed?url=")
    assert "localhost" in found["privacy"] and "DSGVO" in found["privacy"]
    preview = re.search(r'<iframe class="preview" src="([^"]+)"', markup)
    assert preview and htmllib.unescape(preview.group(1)).endswith(f"/embed/events?{query}")
    # every snippet's address answers
    for address in (found["fragment"].strip(), found["oembed"].strip()):
        parts = urlsplit(address)
        assert client.get(parts.path + "?" + parts.query).status_code == 200


def image_of(client: FlaskClient, snippet: str) -> tuple[str, tuple[int, int], str]:
    """An image snippet's URL, the PNG size it declares (checked against the image) and alt."""
    found = re.search(
        r'<img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)" '
        r'referrerpolicy="strict-origin">',
        snippet,
    )
    assert found, snippet
    url = htmllib.unescape(found.group(1))
    declared = (int(found.group(3)), int(found.group(4)))
    parts = urlsplit(url)
    image = client.get(parts.path + "?" + parts.query)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert struct.unpack(">II", image.data[16:24]) == declared  # the PNG header's size
    return url, declared, htmllib.unescape(found.group(2))


@pytest.mark.usefixtures("demo")
def test_builder_fills_in_what_banner_and_badge_need_and_offers_image_links(
    client: FlaskClient,
) -> None:
    banner = snippets(client.get("/widgets?widget=banner").get_data(as_text=True))
    assert 'data-widget="banner" data-alliance="' in banner["loader"]
    assert "data-call=" in banner["loader"]
    url, size, _ = image_of(client, banner["image"])
    assert re.fullmatch(rf"{BASE}/banner/[a-z-]+/[a-z-]+\.png\?size=300x250", url)
    assert size == (300, 250)
    query = f"widget=badge&alliance={PA}&partner=stadt-sehnde&style=flat"
    badge = snippets(client.get(f"/widgets?{query}").get_data(as_text=True))
    url, _, alt = image_of(client, badge["image"])
    assert url == f"{BASE}/badge/{PA}/stadt-sehnde.png?style=flat"
    assert alt.startswith("Mitgliedssiegel: ")
    assert 'data-style="flat"' in badge["loader"]


@pytest.mark.usefixtures("demo")
def test_image_links_are_pngs_in_the_chosen_size_theme_and_language(client: FlaskClient) -> None:
    query = f"widget=banner&alliance={PA}&call=partner-werden&size=160x600&language=en"
    banner = snippets(client.get(f"/widgets?{query}").get_data(as_text=True))
    url, size, alt = image_of(client, banner["image"])
    assert url == f"{BASE}/banner/{PA}/partner-werden.png?size=160x600&lang=en"
    assert size == (160, 600) and alt.startswith("Werden Sie Bündnispartner!")
    query = f"widget=badge&alliance={PA}&partner=landkreis-peine&theme=dark&language=en"
    badge = snippets(client.get(f"/widgets?{query}").get_data(as_text=True))
    url, size, alt = image_of(client, badge["image"])
    assert url == f"{BASE}/badge/{PA}/landkreis-peine.png?style=seal&theme=dark&lang=en"
    assert alt == "Membership badge: Landkreis Peine in the alliance “Niedersachsen packt an”"
    assert 'href="http://localhost/verify/' in badge["image"]
    # an ended call: the image says so and links to the alliance, and so does the snippet
    query = "widget=banner&alliance=niedersachsen-haelt-zusammen&call=impfaktion-2021"
    ended = snippets(client.get(f"/widgets?{query}").get_data(as_text=True))
    _, _, alt = image_of(client, ended["image"])
    assert alt.endswith("Dieser Aufruf ist beendet.")
    assert f'<a href="{BASE}/p/niedersachsen-haelt-zusammen">' in ended["image"]


def answered_widget(client: FlaskClient, oembed_address: str) -> str:
    """The widget URL an oEmbed URL of a snippet answers with."""
    parts = urlsplit(oembed_address.strip())
    response = client.get(parts.path + "?" + parts.query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return iframe_src(response.get_json()["html"])


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("name", ["projects", "events", "partners", "banner", "badge", "submit"])
def test_every_snippet_speaks_the_widget_language_not_the_page_language(
    client: FlaskClient, name: str
) -> None:
    # the widget in English on a German page (a badge names its partner)
    name += f"&alliance={PA}&partner=landkreis-peine" if name == "badge" else ""
    markup = client.get(f"/widgets?widget={name}&language=en").get_data(as_text=True)
    assert '<html lang="de">' in markup
    found = snippets(markup)
    assert 'data-lang="en"' in found["loader"]
    assert "?lang=en" in found["loader"].split("<a href=")[1]  # the link without JavaScript
    assert "lang=en" in iframe_src(found["iframe"]) and "lang=en" in found["fragment"]
    assert "lang=en" in answered_widget(client, found["oembed"])
    preview = re.search(r'<iframe class="preview" src="([^"]+)"', markup)
    assert preview and "lang=en" in htmllib.unescape(preview.group(1))
    # an English page builds a German widget: ?lang=en stays with the page
    markup = client.get(f"/widgets?widget={name}&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in markup
    found = snippets(markup)
    for form in ("loader", "iframe", "fragment", "oembed"):
        assert not re.search(r"[?&;]lang=|data-lang|lang%3D", found[form]), form
    assert "lang=en" not in answered_widget(client, found["oembed"])


@pytest.mark.usefixtures("demo")
def test_every_option_the_builder_offers_for_a_badge_works(client: FlaskClient) -> None:
    query = f"widget=badge&alliance={PA}&partner=stadt-sehnde"
    markup = client.get(f"/widgets?{query}").get_data(as_text=True)
    select = re.search(r'<select id="b-style".*?</select>', markup, flags=re.DOTALL)
    assert select
    styles = re.findall(r'<option value="([a-z]+)"', select.group(0))
    assert styles == ["flat", "seal"]
    assert "Siegel" in select.group(0)
    for style in styles:
        response = client.get(f"/widgets?{query}&style={style}")
        assert response.status_code == 200, style
        loader = snippets(response.get_data(as_text=True))["loader"]
        assert (f'data-style="{style}"' in loader) == (style == "flat")  # seal: the default


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run while the block runs (as in test_feeds.py)."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine()

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("name", ["projects", "banner", "badge"])
def test_the_builder_needs_no_query_per_alliance(
    app: Flask, client: FlaskClient, demo: Session, name: str
) -> None:
    query = f"widget={name}" + ("&partner=landkreis-peine" if name == "badge" else "")
    with count_queries(app) as before:
        assert client.get(f"/widgets?{query}").status_code == 200
    more = [f"weiteres-buendnis-{number}" for number in range(4)]
    document = {
        # named after the demo alliances, so the builder still picks the same first one
        "alliances": [{"slug": slug, "name": f"Zusammen {slug}"} for slug in more],
        "calls": [
            {"alliance": slug, "slug": "aufruf", "title": "Aufruf", "starts": "2020-01-01"}
            for slug in more
        ],
    }
    import_document(demo, document, Channel.IMPORT)
    with count_queries(app) as after:
        markup = client.get(f"/widgets?{query}").get_data(as_text=True)
    assert markup.count('<option value="weiteres-buendnis-') == len(more)  # every one listed
    assert len(after) == len(before), after
    # one alliance's calls only (a banner shows one): the first, and one of the new ones
    if name != "projects":
        assert '<option value="aufruf"' not in markup
    if name == "banner":
        markup = client.get(f"/widgets?{query}&alliance={more[2]}").get_data(as_text=True)
        assert markup.count('<option value="aufruf"') == 1


@pytest.mark.usefixtures("demo")
def test_builder_shows_only_the_options_of_the_chosen_widget(client: FlaskClient) -> None:
    markup = client.get("/widgets?widget=banner").get_data(as_text=True)
    shown = r'<div class="field" id="f-[a-z]+" data-widgets="[^"]*">\s*<label for="b-([a-z]+)"'
    visible = re.findall(shown, markup)
    assert set(visible) == {
        *("alliance", "call", "size", "count", "theme", "lang", "title", "accent"),
        *("heading", "padding"),
    }
    assert '<select id="b-limit"' not in markup  # a number input, disabled while hidden
    assert re.search(r'<input id="b-limit"[^>]* disabled>', markup)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("widget=clock", 400, "„widget“ ist ungültig"),
        ("widget=projects&limit=99", 400, "„limit“ ist ungültig"),
        ("widget=projects&limit=%C2%B2", 400, "„limit“ ist ungültig"),
        ("widget=projects&accent=red", 400, "„accent“ ist ungültig"),
        ("widget=projects&alliance=unknown", 404, "Das Bündnis „unknown“ gibt es nicht."),
        # a partner of the other alliance is not offered: the builder asks for one
        (f"widget=badge&alliance={PA}&partner=bistum-hildesheim", 400, "Wählen Sie einen Partner"),
        (f"widget=badge&alliance={PA}", 400, "Wählen Sie einen Partner"),
    ],
)
def test_builder_explains_bad_options(
    client: FlaskClient, query: str, status: int, message: str
) -> None:
    response = client.get(f"/widgets?{query}")
    assert response.status_code == status
    markup = htmllib.unescape(response.get_data(as_text=True))
    assert 'role="alert"' in markup and message in markup
    assert "snippet-loader" not in markup
