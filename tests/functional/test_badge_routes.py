"""Badge, banner and verify routes: images whatever happens, caching, and verification."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session

from widget_service import content, create_app, db, signing
from widget_service.badges.links import verification_token
from widget_service.badges.render import BANNER_SIZES
from widget_service.models import Channel
from widget_service.operations import import_document
from widget_service.timeutil import today

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
SVG = "{http://www.w3.org/2000/svg}"


@contextmanager
def another_app(config: dict[str, Any]) -> Iterator[Flask]:
    """A second app on the same database (other keys); its connections closed after."""
    application = create_app(config)
    try:
        yield application
    finally:
        with application.app_context():
            db.engine().dispose()


def svg_root(data: bytes) -> ET.Element:
    root = ET.fromstring(data)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    return root


def label_of(data: bytes) -> str:
    return svg_root(data).get("aria-label") or ""


def drawn_text(data: bytes) -> str:
    return " ".join(text.text or "" for text in svg_root(data).iter(f"{SVG}text"))


def assert_image_headers(response: Any, mimetype: str) -> None:
    assert response.mimetype == mimetype
    assert "Set-Cookie" not in response.headers
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors" not in response.headers.get("Content-Security-Policy", "")
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    cache = response.headers["Cache-Control"]
    assert "max-age=" in cache and "stale-while-revalidate=" in cache


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "query", ["", "?style=seal", "?theme=dark", "?style=seal&theme=dark&lang=en"]
)
def test_badge_of_an_active_member(client: FlaskClient, query: str) -> None:
    response = client.get(f"/badge/{PA}/stadt-sehnde.svg{query}")
    assert response.status_code == 200
    assert_image_headers(response, "image/svg+xml")
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    english = "lang=en" in query
    assert ("member since 2020" if english else "Mitglied seit 2020") in drawn_text(response.data)
    assert "Stadtverwaltung Sehnde" in label_of(response.data)
    if "seal" in query:
        assert "Stadtverwaltung Sehnde" in drawn_text(response.data)


@pytest.mark.usefixtures("demo")
def test_badge_answers_conditional_requests_with_304(client: FlaskClient) -> None:
    first = client.get(f"/badge/{PA}/stadt-sehnde.svg")
    again = client.get(
        f"/badge/{PA}/stadt-sehnde.svg", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    assert "Set-Cookie" not in again.headers


@pytest.mark.usefixtures("demo")
def test_an_ended_membership_says_so(client: FlaskClient) -> None:
    data = client.get(f"/badge/{PA}/gemeinde-edemissen.svg?style=seal").data
    assert "ehemaliges Mitglied" in drawn_text(data)
    english = client.get(f"/badge/{PA}/gemeinde-edemissen.svg?lang=en").data
    assert "former member" in drawn_text(english)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/badge/unbekannt/stadt-sehnde.svg", 404, "nicht gefunden"),
        (f"/badge/{PA}/unbekannt.svg?style=seal", 404, "nicht gefunden"),
        (f"/badge/{PA}/stadt-hildesheim.svg", 404, "nicht gefunden"),  # not a member of PA
        (f"/badge/{PA}/unbekannt.svg?lang=en", 404, "not found"),
        (f"/badge/{PA}/stadt-sehnde.svg?style=round", 400, "Parameter „style“ ungültig"),
        (f"/badge/{PA}/stadt-sehnde.svg?theme=pink&lang=en", 400, "invalid parameter “theme”"),
        (f"/banner/{PA}/unbekannt.svg", 404, "Aufruf nicht gefunden"),
        (f"/banner/{PA}/partner-werden.svg?size=1x1", 400, "Parameter „size“ ist ungültig"),
    ],
)
def test_errors_are_readable_images_with_the_right_status(
    client: FlaskClient, url: str, status: int, says: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert_image_headers(response, "image/svg+xml")
    assert says in drawn_text(response.data) + " " + label_of(response.data)


@pytest.mark.usefixtures("demo")
def test_ending_a_membership_flips_badge_and_verification_at_once(
    client: FlaskClient, session: Session
) -> None:
    page = client.get(f"/p/{PA}/partners/stadt-sehnde").get_data(as_text=True)
    verify_path = re.search(r"http://localhost(/verify/[^\"&<]+)", page)
    assert verify_path is not None
    before = client.get(f"/badge/{PA}/stadt-sehnde.svg")
    assert "Mitglied seit 2020" in drawn_text(before.data)
    assert "ist seit dem 2. November 2020 Mitglied" in client.get(verify_path.group(1)).text

    ended = {"alliance": PA, "partner": "stadt-sehnde", "since": "2020-11-02"}
    ended["until"] = today().isoformat()
    import_document(session, {"memberships": [ended]}, Channel.OFFICE)

    after = client.get(
        f"/badge/{PA}/stadt-sehnde.svg", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200  # not a 304 for the old picture
    assert "ehemaliges Mitglied" in drawn_text(after.data)
    assert "ehemaliges Mitglied" in label_of(after.data)
    verified = client.get(verify_path.group(1))
    assert verified.status_code == 200
    assert "nicht mehr Mitglied" in verified.text
    assert verified.headers["Cache-Control"] == "public, no-cache"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("size", sorted(BANNER_SIZES))
def test_banners_come_in_every_size_as_svg_and_png(client: FlaskClient, size: str) -> None:
    spec = BANNER_SIZES[size]
    svg = client.get(f"/banner/{PA}/zusammen-mehr.svg?size={size}")
    assert svg.status_code == 200
    assert_image_headers(svg, "image/svg+xml")
    root = svg_root(svg.data)
    assert (root.get("width"), root.get("height")) == (str(spec.width), str(spec.height))
    assert "ZUSAMMEN." in drawn_text(svg.data)
    link = root.find(f"{SVG}g/{SVG}a")
    assert link is not None
    assert link.get("href") == "https://www.niedersachsen-packt-an.de/zusammen-mehr"
    png = client.get(f"/banner/{PA}/zusammen-mehr.png?size={size}")
    assert png.status_code == 200
    assert_image_headers(png, "image/png")
    image = Image.open(io.BytesIO(png.data))
    image.load()
    assert image.format == "PNG" and image.size == (spec.width, spec.height)
    # the alliance's blue, and the white of its text and button, are both drawn
    colours = {colour for _count, colour in image.convert("RGB").getcolors(1 << 20) or []}
    assert (0, 0x58, 0x9C) in colours and (255, 255, 255) in colours


@pytest.mark.usefixtures("demo")
def test_an_ended_call_says_so_and_links_to_the_alliance(client: FlaskClient) -> None:
    response = client.get(f"/banner/{HZ}/impfaktion-2021.svg?size=300x250")
    assert response.status_code == 200
    assert "Dieser Aufruf ist beendet." in drawn_text(response.data)
    assert "Zum Bündnis" in drawn_text(response.data)
    link = svg_root(response.data).find(f"{SVG}g/{SVG}a")
    assert link is not None and link.get("href") == f"http://localhost/p/{HZ}"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("query", ["", "?style=seal", "?style=seal&theme=dark", "?style=bad"])
def test_badge_png_decodes_at_the_size_of_its_svg(client: FlaskClient, query: str) -> None:
    svg = client.get(f"/badge/{PA}/landeskirche-hannovers.svg{query}")
    png = client.get(f"/badge/{PA}/landeskirche-hannovers.png{query}")
    assert png.status_code == svg.status_code
    assert_image_headers(png, "image/png")
    root = svg_root(svg.data)
    image = Image.open(io.BytesIO(png.data))
    image.load()
    assert image.size == (int(root.get("width", 0)), int(root.get("height", 0)))


@pytest.mark.usefixtures("demo")
def test_partner_page_offers_snippets_for_every_style(client: FlaskClient) -> None:
    html = client.get(f"/p/{PA}/partners/landkreis-peine").get_data(as_text=True)
    assert 'id="badges-heading"' in html
    assert "/static/js/copy.js?v=" in html
    for style in ("flat", "seal"):
        for kind in ("html", "markdown", "url", "png"):
            assert f'id="badge-{style}-{kind}"' in html
            assert f'data-copy="badge-{style}-{kind}"' in html
        image = f"http://localhost/badge/{PA}/landkreis-peine.svg?style={style}"
        assert f"&lt;img src=&#34;{image}&#34;" in html  # the HTML snippet, escaped
        assert f"]({image})](http://localhost/verify/" in html  # the Markdown snippet
    tokens = set(re.findall(r"/verify/([A-Za-z0-9_.\-]+)", html))
    assert len(tokens) == 1
    verified = client.get(f"/verify/{tokens.pop()}")
    assert verified.status_code == 200
    assert "Landkreis Peine ist seit dem 7. Oktober 2020 Mitglied" in verified.text


@pytest.mark.usefixtures("demo")
def test_verification_refuses_tampered_and_foreign_tokens(
    client: FlaskClient, config: dict[str, Any]
) -> None:
    page = client.get(f"/p/{PA}/partners/stadt-sehnde").get_data(as_text=True)
    match = re.search(r"/verify/([A-Za-z0-9_.\-]+)", page)
    assert match is not None
    token = match.group(1)
    _payload, stamp, signature = token.split(".")
    other = client.get(f"/p/{PA}/partners/landkreis-peine").get_data(as_text=True)
    other_match = re.search(r"/verify/([A-Za-z0-9_.\-]+)", other)
    assert other_match is not None
    swapped = other_match.group(1).split(".")[0] + f".{stamp}.{signature}"
    with (
        another_app({**config, "SECRET_KEY": "another-secret-" + "z" * 40}) as foreign,
        foreign.test_request_context(),
    ):
        unknown_key = verification_token(content.membership(db.session(), PA, "stadt-sehnde"))
    for bad in (swapped, token[:-3] + "abc", "garbage", unknown_key):
        response = client.get(f"/verify/{bad}")
        assert response.status_code == 400, bad
        assert "Dieses Mitgliedssiegel kann nicht geprüft werden" in response.text
        assert "Set-Cookie" not in response.headers


@pytest.mark.usefixtures("demo")
def test_rotated_keys_keep_old_badge_links_working(
    client: FlaskClient, config: dict[str, Any]
) -> None:
    page = client.get(f"/p/{PA}/partners/stadt-sehnde").get_data(as_text=True)
    match = re.search(r"/verify/([A-Za-z0-9_.\-]+)", page)
    assert match is not None
    old_token = match.group(1)
    new_key = "rotated-secret-" + "r" * 40
    rotation = {**config, "SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": config["SECRET_KEY"]}
    with another_app(rotation) as rotated:
        rotated_client = rotated.test_client()
        assert rotated_client.get(f"/verify/{old_token}").status_code == 200
        new_page = rotated_client.get(f"/p/{PA}/partners/stadt-sehnde").get_data(as_text=True)
    new_match = re.search(r"/verify/([A-Za-z0-9_.\-]+)", new_page)
    assert new_match is not None and new_match.group(1) != old_token
    # once the old key is dropped, its tokens stop verifying; the new ones go on
    with another_app({**config, "SECRET_KEY": new_key}) as dropped:
        assert dropped.test_client().get(f"/verify/{old_token}").status_code == 400
        assert dropped.test_client().get(f"/verify/{new_match.group(1)}").status_code == 200


@pytest.mark.usefixtures("demo")
def test_verify_page_in_english_and_for_a_withdrawn_membership(
    client: FlaskClient, session: Session
) -> None:
    page = client.get(f"/p/{PA}/partners/gemeinde-edemissen").get_data(as_text=True)
    match = re.search(r"/verify/([A-Za-z0-9_.\-]+)", page)
    assert match is not None
    english = client.get(f"/verify/{match.group(1)}?lang=en")
    assert "is no longer a member" in english.text and "31 December 2024" in english.text
    withdrawn = {"alliance": PA, "partner": "gemeinde-edemissen", "public": False}
    withdrawn["since"] = "2021-02-01"
    import_document(session, {"memberships": [withdrawn]}, Channel.OFFICE)
    assert client.get(f"/verify/{match.group(1)}").status_code == 404


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("identifier", [2**31, 2**63, 10**30])
def test_a_signed_token_for_an_id_beyond_any_table_is_the_not_found_page(
    client: FlaskClient, config: dict[str, Any], identifier: int
) -> None:
    token = signing.badge_token(signing.Keys.from_config(config), identifier)
    response = client.get(f"/verify/{token}")
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "nicht gefunden" in response.get_data(as_text=True).lower()


def _starts_in_two_years(session: Session) -> dt.date:
    """Stadt Sehnde's membership, moved to begin on 1 June two years from now."""
    since = dt.date(today().year + 2, 6, 1)
    future = {"alliance": PA, "partner": "stadt-sehnde", "since": since.isoformat()}
    import_document(session, {"memberships": [future]}, Channel.OFFICE)
    return since


@pytest.mark.parametrize(
    ("query", "says", "label", "wrong"),
    [
        ("", "Mitglied ab 1. Juni {year}", "ab 1. Juni {year} (noch nicht aktiv)", "seit"),
        ("?style=seal", "Mitglied ab 1. Juni {year}", "ab 1. Juni {year}", "seit"),
        ("?lang=en", "member from 1 June {year}", "from 1 June {year} (not active yet)", "since"),
        ("?style=seal&lang=en", "member from 1 June {year}", "from 1 June {year}", "since"),
    ],
)
def test_a_membership_that_starts_later_says_from_when(
    client: FlaskClient, demo: Session, query: str, says: str, label: str, wrong: str
) -> None:
    year = _starts_in_two_years(demo).year
    svg = client.get(f"/badge/{PA}/stadt-sehnde.svg{query}")
    assert svg.status_code == 200
    assert says.format(year=year) in drawn_text(svg.data)
    assert label.format(year=year) in label_of(svg.data)
    assert wrong not in drawn_text(svg.data) + label_of(svg.data)
    png = client.get(f"/badge/{PA}/stadt-sehnde.png{query}")
    image = Image.open(io.BytesIO(png.data))
    image.load()
    root = svg_root(svg.data)
    assert image.size == (int(root.get("width", 0)), int(root.get("height", 0)))


def test_the_verification_page_says_a_membership_is_not_active_yet(
    client: FlaskClient, demo: Session
) -> None:
    year = _starts_in_two_years(demo).year
    page = client.get(f"/p/{PA}/partners/stadt-sehnde")
    assert f"Mitglied von „Niedersachsen packt an“ ab 1. Juni {year}" in page.text
    assert "noch nicht aktiv" in page.text and "Ehemaliges" not in page.text
    match = re.search(r"/verify/([A-Za-z0-9_.\-]+)", page.text)
    assert match is not None
    german = client.get(f"/verify/{match.group(1)}").text
    assert "Die Mitgliedschaft ist noch nicht aktiv." in german
    assert f"wird ab dem 1. Juni {year} Mitglied" in german
    assert "Mitglied seit" not in german and "<dt>Mitglied ab</dt>" in german
    english = client.get(f"/verify/{match.group(1)}?lang=en").text
    assert "The membership is not active yet." in english
    assert f"will be a member of the alliance “Niedersachsen packt an” from 1 June {year}" in (
        english
    )
