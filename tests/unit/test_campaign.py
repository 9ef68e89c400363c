"""The campaign kit's pure parts: logos, QR codes, posters, newsletter blocks, share links."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from defusedxml import ElementTree
from pypdf import PdfReader

from widget_service import raster
from widget_service.campaign import logos, newsletter, poster, share
from widget_service.campaign.qr import qr_code

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("slug", ["niedersachsen-haelt-zusammen", "niedersachsen-packt-an"])
def test_each_demo_alliance_has_a_logo_of_plain_shapes(slug: str) -> None:
    logo = logos.alliance_logo(slug)
    assert logo is not None and logo.shapes
    root = ElementTree.fromstring(logo.source)
    assert root.get("viewBox") == "0 0 100 100" and root.get("aria-label")
    # the shapes drawn again as SVG give the same picture as the file
    drawn = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">{logo.svg_body()}</svg>'
    )
    assert raster.svg_to_png(drawn) == raster.svg_to_png(
        logo.source.replace(
            'viewBox="0 0 100 100"', 'width="100" height="100" viewBox="0 0 100 100"'
        )
    )


def test_an_alliance_without_a_file_has_no_logo() -> None:
    assert logos.alliance_logo("unbekannt") is None
    assert logos.alliance_logo("../campaign/logos/niedersachsen-packt-an") is None


@pytest.mark.parametrize(
    "element",
    ['<text x="1">A</text>', '<path d="M0 0 C 1 1 2 2 3 3Z"/>', '<image href="x.png"/>'],
)
def test_a_logo_with_what_a_poster_cannot_draw_is_refused(element: str) -> None:
    source = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">{element}</svg>'
    with pytest.raises(ValueError, match="unsupported"):
        logos.parse("x", source)


def test_a_qr_code_round_trips() -> None:
    code = qr_code("https://widgets.example/c/7")
    assert code.size == len(code.rows[0]) >= 21
    # drawn as the poster draws it (runs of dark modules) and read back
    from PIL import Image

    unit, border = 8, 4
    side = (code.size + 2 * border) * unit
    image = Image.new("L", (side, side), 255)
    for row, column, length in code.runs():
        x, y = (column + border) * unit, (row + border) * unit
        image.paste(0, (x, y, x + length * unit, y + unit))
    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == "https://widgets.example/c/7"


TEXT = poster.PosterText(
    alliance="Niedersachsen packt an",
    title="Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt",
    tagline="Integration ist gut für uns alle.",
    text="Erzählen Sie Ihre Erfolgsgeschichte. " * 30,
    action="Scannen und mitmachen:",
    address="widgets.example/c/7",
    document_title="Test",
)


@pytest.mark.parametrize("size", ["a6", "a4"])
def test_a_poster_keeps_every_word_whole_and_inside_the_page(size: str) -> None:
    pdf = poster.poster(
        TEXT,
        size,
        background="#00589c",
        foreground="#ffffff",
        code=qr_code("https://widgets.example/c/7"),
        logo=logos.alliance_logo("niedersachsen-packt-an"),
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    # the long word is set smaller, never cut
    assert "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt" in text
    trim = [float(value) for value in page["/TrimBox"]]
    positions: list[tuple[float, float]] = []

    def visitor(text_: str, _cm: object, tm: list[float], *_args: object) -> None:
        if text_.strip():
            positions.append((tm[4], tm[5]))

    page.extract_text(visitor_text=visitor)
    assert positions
    for x, y in positions:
        assert trim[0] < x < trim[2] and trim[1] < y < trim[3], (x, y)
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [
        "https://widgets.example/c/7"
    ]


CALL = newsletter.NewsletterCall(
    alliance="Niedersachsen packt an",
    title='ZUSAMMEN. <MEHR> & "mehr"',
    tagline="",
    text="",
    button="",
    link="https://example.org/a?b=1&c=2",
    page="https://widgets.example/p/x/calls/y",
    image="https://widgets.example/banner/x/y.png?size=1200x630",
    image_width=600,
    image_height=315,
    image_alt="ZUSAMMEN.",
    background="#00589c",
    foreground="#ffffff",
    more="Mehr zum Aufruf",
)


def test_the_newsletter_block_escapes_and_leaves_out_what_is_empty() -> None:
    block = newsletter.newsletter_html(CALL)
    assert "ZUSAMMEN. &lt;MEHR&gt; &amp; &quot;mehr&quot;" in block
    assert 'href="https://example.org/a?b=1&amp;c=2"' in block
    assert "bgcolor" not in block  # no button without a label
    text = newsletter.newsletter_text(CALL)
    assert 'ZUSAMMEN. <MEHR> & "mehr"' in text
    assert text.endswith("Mehr zum Aufruf: https://widgets.example/p/x/calls/y\n")


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("social.example", "social.example"),
        ("  Social.Example  ", "social.example"),
        ("@me@social.example", "social.example"),
        ("https://social.example/@me", "social.example"),
        ("social.example:8443", "social.example:8443"),
        ("", None),
        ("localhost", None),
        ("social example", None),
        ("javascript:alert(1)", None),
        ("-bad.example", None),
        ("a" * 300 + ".example", None),
    ],
)
def test_a_mastodon_instance_is_a_host_name(typed: str, host: str | None) -> None:
    assert share.mastodon_instance(typed) == host


def test_share_links_carry_the_address_and_text_encoded() -> None:
    labels = {name: name for name in ("email", "mastodon", "bluesky", "linkedin")}
    labels |= {name: name for name in ("whatsapp", "facebook", "x")}
    links = {
        link.network: link.url
        for link in share.share_links(
            "https://w.example/p?a=1&b=2", "Zusammen & mehr", "/m", labels
        )
    }
    assert links["mastodon"] == "/m"
    assert links["linkedin"] == (
        "https://www.linkedin.com/sharing/share-offsite/?url=https%3A%2F%2Fw.example%2Fp%3Fa%3D1%26b%3D2"
    )
    assert links["email"].startswith("mailto:?subject=Zusammen%20%26%20mehr&body=")
    assert links["x"].startswith("https://x.com/intent/post?text=Zusammen+%26+mehr&url=")
