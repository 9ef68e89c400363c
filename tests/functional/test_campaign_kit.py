"""The campaign kit: a call's page, posters and flyers, newsletter blocks, share links.

Posters are read back as a printer and a phone would: pypdf for the boxes, the text and
the embedded fonts; pdfium draws the page and zxing-cpp decodes the QR code from the
drawing.
"""

from __future__ import annotations

import io
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pypdfium2
import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy import select
from sqlalchemy.orm import Session

from widget_service.models import Call, Signature
from widget_service.timeutil import utcnow

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
CALL = f"/p/{PA}/calls/zusammen-mehr"
MM = 72 / 25.4
PAPER_MM = {"a6": (105, 148), "a4": (210, 297), "a3": (297, 420)}


def _meta(html: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    assert found, name
    return found.group(1).replace("&amp;", "&")


# --- the call's page ------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_the_call_page_has_the_call_the_ways_to_take_part_and_the_kit(
    client: FlaskClient,
) -> None:
    response = client.get(CALL)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    # it carries the signing form, whose token is for one visitor only: never stored
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert 'name="form_token"' in html and f'action="/sign/{PA}/zusammen-mehr"' in html
    assert "<h1>ZUSAMMEN. MEHR.</h1>" in html
    assert "Integration ist gut für uns alle." in html
    # the logo drawn for the alliance, inline
    assert 'aria-label="Niedersachsen packt an"' in html
    # ways to take part: the call's own button, the submit widget, the kit
    assert 'href="https://www.niedersachsen-packt-an.de/zusammen-mehr"' in html
    assert f'href="/embed/submit?alliance={PA}"' in html
    # the kit: posters and flyer, newsletter, social pictures, website snippets
    for size in ("a4", "a3", "a6"):
        assert f"/banner/{PA}/zusammen-mehr.pdf?size={size}" in html
    assert f"/newsletter/{PA}/zusammen-mehr.html" in html
    assert f"/newsletter/{PA}/zusammen-mehr.txt" in html
    assert 'id="newsletter-html"' in html and 'id="newsletter-text"' in html
    for size in ("1200x630", "1080x1080", "1080x1920"):
        assert f"zusammen-mehr.png?size={size}&amp;scale=2" in html
    snippets = unescape(html)
    assert 'data-widget="banner"' in snippets and 'data-call="zusammen-mehr"' in snippets
    assert html.count('data-copy="') >= 10
    # no script of anyone else: only our own files
    assert re.findall(r'<script[^>]* src="([^"]+)"', html) == [
        src for src in re.findall(r'<script[^>]* src="([^"]+)"', html) if src.startswith("/")
    ]


@pytest.mark.usefixtures("demo")
def test_the_call_page_carries_a_social_card(client: FlaskClient) -> None:
    html = client.get(CALL).get_data(as_text=True)
    image = _meta(html, "og:image")
    assert image == f"http://localhost/banner/{PA}/zusammen-mehr.png?size=1200x630"
    assert (_meta(html, "og:image:width"), _meta(html, "og:image:height")) == ("1200", "630")
    assert _meta(html, "og:title") == "ZUSAMMEN. MEHR. – Niedersachsen packt an"
    assert _meta(html, "og:url") == f"http://localhost{CALL}"
    assert _meta(html, "twitter:card") == "summary_large_image"
    card = client.get(image.removeprefix("http://localhost"))
    assert card.status_code == 200 and card.mimetype == "image/png"
    assert Image.open(io.BytesIO(card.data)).size == (1200, 630)


@pytest.mark.usefixtures("demo")
def test_the_call_page_in_english(client: FlaskClient) -> None:
    html = client.get(CALL + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "How to take part" in html and "The campaign kit" in html
    assert _meta(html, "og:image").endswith("size=1200x630&lang=en")
    assert f"/banner/{PA}/zusammen-mehr.pdf?size=a4&amp;lang=en" in html


@pytest.mark.usefixtures("demo")
def test_calls_are_listed_on_the_alliance_page_with_a_link_to_their_page(
    client: FlaskClient,
) -> None:
    html = client.get(f"/p/{PA}").get_data(as_text=True)
    assert f'href="{CALL}"' in html
    assert f'href="/p/{PA}/calls/partner-werden"' in html


@pytest.mark.usefixtures("demo")
def test_an_unknown_call_is_a_404_and_an_ended_one_says_so(client: FlaskClient) -> None:
    assert client.get(f"/p/{PA}/calls/unbekannt").status_code == 404
    assert client.get("/p/unbekannt/calls/zusammen-mehr").status_code == 404
    ended = client.get(f"/p/{HZ}/calls/impfaktion-2021")
    assert ended.status_code == 200
    assert "Dieser Aufruf ist beendet." in ended.get_data(as_text=True)


def test_the_call_page_counts_the_confirmed_signatures(client: FlaskClient, demo: Session) -> None:
    call = demo.scalars(select(Call).where(Call.slug == "zusammen-mehr")).one()
    for number in range(3):
        demo.add(
            Signature(
                call_id=call.id,
                name=f"Person {number}",
                email=f"p{number}@example.org",
                confirmed_at=utcnow() if number else None,  # one not yet confirmed
            )
        )
    demo.commit()
    counted = client.get(CALL)
    assert "2 Menschen haben den Aufruf unterzeichnet." in counted.get_data(as_text=True)
    # the count changes while the call does not: never a stale copy
    assert "Last-Modified" not in counted.headers


# --- posters and flyers ---------------------------------------------------------------------


def _box(page: DictionaryObject, name: str) -> tuple[float, float, float, float]:
    return tuple(float(value) for value in page[name])  # type: ignore[return-value]


def _decoded_qr(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=2)
        image = bitmap.to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("size", ["a4", "a3", "a6"])
def test_posters_and_flyers_are_print_ready_pdf(client: FlaskClient, size: str) -> None:
    response = client.get(f"/banner/{PA}/zusammen-mehr.pdf?size={size}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["ETag"] and "max-age" in response.headers["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = PAPER_MM[size]
    trim = _box(page, "/TrimBox")
    assert trim[2] - trim[0] == pytest.approx(width * MM, abs=0.01)
    assert trim[3] - trim[1] == pytest.approx(height * MM, abs=0.01)
    # 3 mm bleed on every side, and the page is just that without crop marks
    bleed = _box(page, "/BleedBox")
    for inner, outer, sign in zip(trim, bleed, (-1, -1, 1, 1), strict=True):
        assert outer - inner == pytest.approx(sign * 3 * MM, abs=0.01)
    assert float(page.mediabox.width) == pytest.approx((width + 6) * MM, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx((height + 6) * MM, abs=0.01)
    text = page.extract_text()
    for words in ("Niedersachsen packt an", "ZUSAMMEN.", "Integration ist gut", "localhost/c/"):
        assert words in text, (words, text)
    # fonts: the bundled Liberation Sans, embedded (as TrueType subsets)
    fonts = page["/Resources"]["/Font"]
    names = set()
    for font in fonts.values():
        font = font.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names == {"LiberationSans", "LiberationSans-Bold"}
    # the QR code, decoded from the drawn page, leads to the short address of the call page
    (decoded,) = _decoded_qr(response.data)
    assert re.fullmatch(r"http://localhost/c/\d+", decoded)
    assert decoded.removeprefix("http://") in text
    followed = client.get(decoded.removeprefix("http://localhost"))
    assert followed.status_code == 301
    assert followed.headers["Location"] == f"http://localhost{CALL}"


@pytest.mark.usefixtures("demo")
def test_a_poster_with_crop_marks_and_in_english(client: FlaskClient) -> None:
    response = client.get(f"/banner/{PA}/zusammen-mehr.pdf?size=a4&marks=1&lang=en")
    assert response.status_code == 200
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    # room for the marks around the bleed
    assert float(page.mediabox.width) > (210 + 6) * MM + 10
    trim = _box(page, "/TrimBox")
    assert trim[2] - trim[0] == pytest.approx(210 * MM, abs=0.01)
    assert "Scan and take part" in page.extract_text()
    assert len(_decoded_qr(response.data)) == 1


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("query", ["size=a5", "size=", "marks=yes", "lang=fr", "size=../../etc"])
def test_a_bad_poster_parameter_is_a_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/banner/{PA}/zusammen-mehr.pdf?{query}")
    if query == "size=":
        assert response.status_code == 200  # empty is the default
        return
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
def test_an_unknown_call_has_no_poster_and_no_short_address(client: FlaskClient) -> None:
    assert client.get(f"/banner/{PA}/unbekannt.pdf").status_code == 404
    assert client.get("/c/999999").status_code == 404
    assert client.get("/c/99999999999999999999").status_code == 404


# --- newsletter blocks ----------------------------------------------------------------------

# what the common e-mail programs drop or break (Gmail, Outlook's Word engine, Apple Mail)
DROPPED_CSS = re.compile(
    r"(position\s*:|float\s*:|display\s*:\s*(flex|grid)|@media|@import|@font-face|"
    r"var\(|calc\(|background-image|rgba?\(|hsla?\(|!important)",
    re.IGNORECASE,
)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_newsletter_block_survives_email_programs(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/newsletter/{PA}/zusammen-mehr.html?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    html = response.get_data(as_text=True)
    parser = _Elements()
    parser.feed(html)
    tags = [tag for tag, _ in parser.elements]
    assert tags[0] == "table"
    for forbidden in ("script", "style", "link", "svg", "iframe", "form", "div", "video"):
        assert forbidden not in tags, forbidden
    for tag, attributes in parser.elements:
        assert "class" not in attributes and "id" not in attributes, tag
        assert not DROPPED_CSS.search(attributes.get("style", "")), attributes["style"]
        assert not any(name.startswith("on") for name in attributes), tag
        if tag == "table":
            assert attributes.get("role") == "presentation"
        if tag == "a":
            assert attributes["href"].startswith("http"), attributes["href"]
        if tag == "img":
            assert attributes["src"].startswith("http://localhost/banner/")
            assert (attributes["width"], attributes["height"]) == ("600", "315")
            assert attributes["alt"].startswith("ZUSAMMEN. MEHR.")
            assert "size=1200x630" in attributes["src"]
    # colours as six-digit hex only, fonts that every system has
    colours = re.findall(r"#[0-9a-zA-Z]+", html)
    assert colours and all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in colours)
    assert "font-family:Arial, Helvetica, sans-serif" in html
    image = client.get(
        next(a["src"] for tag, a in parser.elements if tag == "img").removeprefix(
            "http://localhost"
        )
    )
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert Image.open(io.BytesIO(image.data)).size == (1200, 630)  # twice the drawn size


@pytest.mark.usefixtures("demo")
def test_the_newsletter_text_twin(client: FlaskClient) -> None:
    response = client.get(f"/newsletter/{PA}/zusammen-mehr.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("Niedersachsen packt an\n\nZUSAMMEN. MEHR.\n")
    assert "Geschichte erzählen: https://www.niedersachsen-packt-an.de/zusammen-mehr" in text
    assert f"Mehr zum Aufruf: http://localhost{CALL}" in text
    assert "<" not in text
    assert all(len(line) <= 72 or "http" in line for line in text.splitlines())
    english = client.get(f"/newsletter/{PA}/zusammen-mehr.txt?lang=en").get_data(as_text=True)
    assert f"More about the call: http://localhost{CALL}?lang=en" in english


@pytest.mark.usefixtures("demo")
def test_an_ended_call_in_a_newsletter_says_so(client: FlaskClient) -> None:
    text = client.get(f"/newsletter/{HZ}/impfaktion-2021.txt").get_data(as_text=True)
    assert "Dieser Aufruf ist beendet." in text
    assert "Mehr erfahren" not in text


# --- banners: sizes, sharpness --------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("size", ["728x90", "300x250", "1080x1080", "1080x1920"])
def test_banner_pngs_come_twice_as_sharp(client: FlaskClient, size: str) -> None:
    width, height = (int(part) for part in size.split("x"))
    sharp = client.get(f"/banner/{PA}/zusammen-mehr.png?size={size}&scale=2")
    assert sharp.status_code == 200
    assert Image.open(io.BytesIO(sharp.data)).size == (2 * width, 2 * height)
    svg = client.get(f"/banner/{PA}/zusammen-mehr.svg?size={size}").get_data(as_text=True)
    assert f'width="{width}" height="{height}"' in svg
    assert '<g class="logo">' in svg
    assert client.get(f"/banner/{PA}/zusammen-mehr.png?scale=3").status_code == 400


# --- share links ----------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "path", [CALL, f"/p/{PA}/projects/sprachcafe-sehnde", f"/p/{HZ}/events/konferenz-zusammenhalt"]
)
def test_share_links_are_plain_links(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    section = html[html.index('<section class="share"') :]
    section = section[: section.index("</section>")]
    links = re.findall(r'<a href="([^"]+)"', section)
    hosts = {urlsplit(link.replace("&amp;", "&")).netloc for link in links}
    assert hosts == {
        "",  # mailto: and our own Mastodon question
        "bsky.app",
        "www.linkedin.com",
        "wa.me",
        "www.facebook.com",
        "x.com",
    }
    assert any(link.startswith("mailto:?subject=") for link in links)
    mastodon = next(link for link in links if link.startswith("/share/mastodon"))
    query = parse_qs(urlsplit(mastodon.replace("&amp;", "&")).query)
    assert query["url"] == [f"http://localhost{path}"]
    # nothing of those networks is loaded by the page itself
    for attribute in re.findall(r'(?:src|srcset)="([^"]+)"', html):
        assert attribute.startswith(("/", "data:")), attribute


def test_mastodon_asks_for_the_instance_and_sends_the_visitor_there(
    client: FlaskClient,
) -> None:
    question = client.get("/share/mastodon?text=ZUSAMMEN.+MEHR.&url=http://localhost/p/x")
    assert question.status_code == 200
    assert 'name="instance"' in question.get_data(as_text=True)
    for typed in ("social.example", "@me@social.example", "https://social.example/@me"):
        sent = client.get(
            "/share/mastodon",
            query_string={
                "text": "ZUSAMMEN. MEHR.",
                "url": "http://localhost/p/x",
                "instance": typed,
            },
        )
        assert sent.status_code == 303
        assert sent.headers["Location"] == (
            "https://social.example/share?text=ZUSAMMEN.+MEHR.+http%3A%2F%2Flocalhost%2Fp%2Fx"
        )
    for bad in ("", "not a host", "javascript:alert(1)", "localhost", "-x.example"):
        refused = client.get("/share/mastodon", query_string={"text": "t", "instance": bad})
        assert refused.status_code == 400, bad
        assert "Mastodon-Servers" in refused.get_data(as_text=True)
