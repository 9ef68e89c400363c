"""The allowlist sanitiser: what survives, what goes, and that cleaning is idempotent."""

from __future__ import annotations

import random

import pytest

from widget_service.sanitize import clean_html, plain_text, shorten_html

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<p onclick="alert(1)">text</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<object data="x.swf"></object><embed src="x.swf">',
    "<template><script>alert(1)</script></template>",
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<!--<script>alert(1)</script>-->",
    '<div><p>unclosed <em>nested <a href="https://x.example">link',
    "<textarea><script>alert(1)</script></textarea>",
    "<select><option><script>alert(1)</script></option></select>",
    "<xmp><script>alert(1)</script></xmp>",
]


def _is_harmless(html: str) -> bool:
    lowered = html.lower()
    return not any(
        marker in lowered
        for marker in (
            "<script",
            "onerror",
            "onload",
            "onclick",
            "onmouseover",
            "javascript:",
            "<svg",
            "<math",
            "<iframe",
            "<style",
            "style=",
            "<img",
            "<object",
            "<embed",
            "<form",
            "<meta",
            "<base",
            "data:text",
            "vbscript:",
            "<noscript",
            "<template",
            "<textarea",
            "<select",
            "<xmp",
        )
    )


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_leave_nothing_executable(attack: str) -> None:
    cleaned = clean_html(attack)
    assert _is_harmless(cleaned), cleaned


@pytest.mark.parametrize("attack", ATTACKS)
def test_cleaning_is_idempotent(attack: str) -> None:
    once = clean_html(attack)
    assert clean_html(once) == once


def test_script_and_style_content_is_dropped_not_shown_as_text() -> None:
    assert clean_html("<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>") == (
        "<p>a</p><p>b</p>"
    )


def test_allowed_markup_survives() -> None:
    html = (
        "<h2>Titel</h2><h3>Unter</h3><h4>Klein</h4><p>Ein <strong>starker</strong> und "
        "<em>betonter</em> Satz.<br>Zeile</p><ul><li>eins</li></ul><ol><li>zwei</li></ol>"
        "<blockquote>Zitat</blockquote>"
        '<p><a href="https://www.sehnde.de" title="Sehnde">Sehnde</a> '
        '<a href="mailto:info@example.org">Mail</a></p>'
    )
    assert clean_html(html) == html


def test_disallowed_headings_and_containers_keep_their_text() -> None:
    assert clean_html("<h1>Groß</h1><div><span>Text</span></div>") == "Groß\nText"


def test_relative_and_scheme_less_links_lose_their_target() -> None:
    assert clean_html('<a href="/intern">x</a>') == "<a>x</a>"
    assert clean_html('<a href="ftp://files.example/x">x</a>') == "<a>x</a>"


def test_plain_text_strips_markup_and_decodes_entities() -> None:
    assert plain_text("<p>Hallo &amp; <b>Welt</b></p>\n<script>x()</script>  a &lt; b") == (
        "Hallo & Welt a < b"
    )


def test_empty_input() -> None:
    assert clean_html(None) == ""
    assert clean_html("") == ""
    assert plain_text(None) == ""


def test_random_tag_soup_is_idempotent_and_harmless() -> None:
    pieces = [
        "<p>",
        "</p>",
        "<em>",
        "</em>",
        "<a href='https://x.example'>",
        "</a>",
        "<script>",
        "</script>",
        "<svg>",
        "</svg>",
        "<ul><li>",
        "</li>",
        "text",
        "&amp;",
        "<",
        ">",
        "<img src=x onerror=alert(1)>",
        "<style>",
        "<!--",
        "-->",
        "<math>",
        '"',
        "'",
    ]
    generator = random.Random(2026)
    for _ in range(500):
        soup = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 25)))
        once = clean_html(soup)
        assert clean_html(once) == once, soup
        assert _is_harmless(once), soup


def test_shorten_html_keeps_short_html_as_it_is() -> None:
    fragment = clean_html("<p>Kurz und <b>gut</b>.</p>")
    assert shorten_html(fragment, len(fragment)) == fragment


NESTED = (
    '<p>Eins zwei <a href="https://example.org/a b" title="x > y">drei vier</a> fünf</p>'
    "<ul><li>sechs sieben</li><li>acht</li></ul>"
)


@pytest.mark.parametrize("limit", range(20, len(NESTED), 7))
def test_shorten_html_cuts_between_words_and_closes_what_is_open(limit: int) -> None:
    fragment = clean_html(NESTED)
    assert fragment == NESTED
    shortened = shorten_html(fragment, limit)
    assert len(shortened) <= limit
    assert shortened.endswith(("…", "…</p>", "…</a></p>", "…</li></ul>", "…</ul>"))
    # well formed: cleaning it again changes nothing, and only whole words are kept
    assert clean_html(shortened) == shortened
    words = plain_text(shortened).removesuffix("…").split()
    assert all(word in plain_text(fragment).split() for word in words)


def test_shorten_html_cleans_only_what_it_keeps() -> None:
    fragment = "<p>" + "Wort " * 100_000 + "</p>"
    shortened = shorten_html(fragment, 1_000)
    assert shortened.startswith("<p>Wort Wort") and shortened.endswith("Wort…</p>")
    assert len(shortened) <= 1_000
