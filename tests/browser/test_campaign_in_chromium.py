"""The campaign kit in a real browser: the call page, the newsletter block, banners at size."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from .conftest import LiveServer
from .test_widgets_in_chromium import axe_violations

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"
CALL = f"/p/{PA}/calls/zusammen-mehr"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_call_page_loads_only_from_its_own_origin_and_is_accessible(
    live_server: LiveServer, page: Page, context: BrowserContext, lang: str
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    response = page.goto(f"{live_server.url}{CALL}?lang={lang}")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "ZUSAMMEN. MEHR."
    banner = page.locator(".call-banner img")
    assert banner.evaluate("image => image.complete && image.naturalWidth") == 1200
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert errors == []
    assert context.cookies() == []
    assert axe_violations(page) == []


@pytest.mark.usefixtures("demo")
def test_the_copy_button_copies_the_newsletter_block(
    live_server: LiveServer, page: Page, context: BrowserContext
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + CALL)
    page.click('button[data-copy="newsletter-html"]')
    page.get_by_role("status").filter(has_text="Kopiert").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith('<table role="presentation" width="600"')
    assert "ZUSAMMEN. MEHR." in copied


@pytest.mark.usefixtures("demo")
def test_the_newsletter_block_renders_as_a_mail_program_would_show_it(
    live_server: LiveServer, page: Page
) -> None:
    # the block on its own, as a mail program shows it: no stylesheet of ours around it
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/newsletter/{PA}/zusammen-mehr.html")
    page.wait_for_load_state("load")
    assert errors == []  # the inline styles are allowed, nothing is blocked
    table = page.locator("body > table").bounding_box()
    assert table is not None and table["width"] == 600
    image = page.locator("img")
    assert image.evaluate("image => image.complete && image.naturalWidth") == 1200
    box = image.bounding_box()
    assert box is not None and (box["width"], box["height"]) == (600, 315)
    heading = page.locator("h2")
    assert heading.inner_text() == "ZUSAMMEN. MEHR."
    button = page.locator("td[bgcolor] a")
    assert button.inner_text() == "Geschichte erzählen"
    assert button.evaluate("a => getComputedStyle(a).color") == "rgb(255, 255, 255)"
    # the whole block fits its 600 pixels: nothing sticks out
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('body *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 600 + 8  # the body's default margin


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("size", ["728x90", "300x250", "160x600", "1200x630", "1080x1080"])
def test_the_banner_widget_is_exactly_its_nominal_size(
    live_server: LiveServer, page: Page, size: str
) -> None:
    width, height = (int(part) for part in size.split("x"))
    page.set_viewport_size({"width": 1400, "height": 1200})
    page.goto(f"{live_server.url}/embed/banner?alliance={PA}&call=zusammen-mehr&size={size}")
    box = page.locator(".aw-banner-link").bounding_box()
    assert box is not None
    assert (box["width"], box["height"]) == (width, height)
    # its link is the call's button link, and the banner has a name
    link = page.locator("a.aw-banner-link")
    assert link.get_attribute("href") == "https://www.niedersachsen-packt-an.de/zusammen-mehr"
    assert "ZUSAMMEN. MEHR." in (link.locator("svg[role=img]").get_attribute("aria-label") or "")
