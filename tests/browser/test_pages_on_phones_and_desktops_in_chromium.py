"""Every public page at a phone's and a desktop's width, in German and English: no
horizontal scrolling, no axe violations, German content marked as German on English pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
AXE = (Path(__file__).resolve().parents[1] / "fixtures" / "axe.min.js").read_text(encoding="utf-8")
PAGES = [
    "/",
    "/widgets",
    "/widgets?widget=banner",
    "/feeds",
    f"/feeds?alliance={PA}",
    f"/p/{PA}",
    f"/p/{HZ}",
    f"/p/{PA}/projects",
    f"/p/{PA}/projects?field=sprachfoerderung&region=Landkreis+Peine",
    "/p/all/projects",
    f"/p/{PA}/events",
    "/p/all/events",
    f"/p/{PA}/events?when=past",
    f"/p/{PA}/partners",
    "/p/all/partners",
    f"/p/{PA}/projects/sprachcafe-sehnde",
    f"/p/{HZ}/events/konferenz-zusammenhalt",
    f"/p/{PA}/partners/landkreis-peine",
    "/verify",  # the page a badge links to, found on the partner page
    "/imprint",
    "/privacy",
    "/accessibility",
    "/leichte-sprache",
    "/p/keine-solche-seite",
]
WIDTHS = {"phone": 390, "desktop": 1366}


def _with_lang(url: str, lang: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def _address(live_server: LiveServer, page: Page, path: str, lang: str) -> str:
    if path == "/verify":
        page.goto(f"{live_server.url}/p/{PA}/partners/landkreis-peine")
        html = page.content()
        found = re.search(r"/verify/[A-Za-z0-9._-]+", html)
        assert found, "the partner page links its badge's verification"
        path = found.group(0)
    return _with_lang(live_server.url + path, lang)


def _overflow(page: Page, width: int) -> list[str]:
    """The elements that reach beyond the viewport's right edge (none on a good page)."""
    result: list[str] = page.evaluate(
        """(width) => document.documentElement.scrollWidth <= width ? [] :
        [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > width + 0.5)
          .slice(0, 5)
          .map(e => `${e.tagName.toLowerCase()}.${e.className}`
            + ` (${Math.round(e.getBoundingClientRect().right)} px)`)""",
        width,
    )
    return result


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_no_page_scrolls_sideways(live_server: LiveServer, browser: Browser, device: str) -> None:
    width = WIDTHS[device]
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    wide: dict[str, list[str]] = {}
    try:
        for path in PAGES:
            for lang in ("de", "en"):
                page.goto(_address(live_server, page, path, lang))
                found = _overflow(page, width)
                if found:
                    wide[f"{path} ({lang})"] = found
    finally:
        context.close()
    assert wide == {}


def test_the_overflow_check_finds_a_page_too_wide(live_server: LiveServer, page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.set_content('<main><div style="width:467px">Feeds</div></main>')
    assert _overflow(page, 390)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE)  # evaluated by the driver, so no page policy blocks it
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": item["id"], "nodes": [node["target"] for node in item["nodes"]]}
        for item in result["violations"]
    ]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_both_languages_has_no_axe_violations(
    live_server: LiveServer, page: Page, path: str, lang: str
) -> None:
    page.goto(_address(live_server, page, path, lang))
    assert page.evaluate("document.documentElement.lang") == lang
    assert axe_violations(page) == []
