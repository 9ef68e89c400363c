"""The public pages in a real browser: they render, reach no other host, set no cookie."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"


@pytest.mark.usefixtures("demo")
def test_pages_load_only_from_their_own_origin(
    live_server: LiveServer, page: Page, context: BrowserContext
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(request.url))
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    for path in ("/", f"/p/{PA}", f"/p/{PA}/events", f"/p/{PA}/partners/landkreis-peine"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200
        assert page.locator("h1").first.is_visible()
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert failures == []
    assert errors == []  # e.g. a style blocked by the Content-Security-Policy
    assert context.cookies() == []


@pytest.mark.usefixtures("demo")
def test_brand_colour_applies_under_the_content_security_policy(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/p/{PA}")
    stripe = page.locator(".site-header").evaluate("e => getComputedStyle(e).borderTopColor")
    assert stripe == "rgb(0, 88, 156)"  # #00589c, the alliance's colour


@pytest.mark.usefixtures("demo")
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    assert page.locator(".skip-link").evaluate("e => e.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
