"""Badges and banners in a real browser: they draw as images, and their text stays inside."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page

from widget_service.badges.render import BANNER_SIZES

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
IMAGES = [
    f"/badge/{PA}/stadt-sehnde.svg",
    f"/badge/{PA}/stadt-sehnde.svg?style=seal&theme=dark",
    f"/badge/{HZ}/landeskirche-hannovers.svg?style=seal",
    f"/badge/{PA}/gemeinde-edemissen.svg?style=seal&lang=en",
    f"/badge/{PA}/unbekannt.svg",
    *(f"/banner/{PA}/zusammen-mehr.svg?size={size}" for size in BANNER_SIZES),
    *(f"/banner/{HZ}/impfaktion-2021.png?size={size}" for size in BANNER_SIZES),
]


@pytest.mark.usefixtures("demo")
def test_every_image_draws_in_an_img_element(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    sizes = page.evaluate(
        """async (urls) => Promise.all(urls.map((url) => new Promise((done) => {
            const image = new Image();
            image.onload = () => done([image.naturalWidth, image.naturalHeight]);
            image.onerror = () => done([0, 0]);
            image.src = url;
        })))""",
        IMAGES,
    )
    for url, (width, height) in zip(IMAGES, sizes, strict=True):
        assert width > 0 and height > 0, f"{url} is a broken image"
        for size, spec in BANNER_SIZES.items():
            if f"size={size}" in url:
                assert (width, height) == (spec.width, spec.height)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "path",
    [
        f"/badge/{HZ}/landeskirche-hannovers.svg?style=seal",
        f"/badge/{PA}/dgb-niedersachsen.svg",
        *(f"/banner/{PA}/partner-werden.svg?size={size}" for size in BANNER_SIZES),
    ],
)
def test_drawn_text_stays_inside_the_image(live_server: LiveServer, page: Page, path: str) -> None:
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200
    overflow = page.evaluate(
        """() => {
            const svg = document.documentElement;
            const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
            return [...svg.querySelectorAll("text")].map((text) => {
                const box = text.getBBox();
                return [text.textContent, box.x, box.y, box.x + box.width, box.y + box.height,
                        width, height];
            }).filter(([, left, top, right, bottom, w, h]) =>
                left < -0.5 || top < -0.5 || right > w + 0.5 || bottom > h + 0.5);
        }"""
    )
    assert overflow == []


@pytest.mark.usefixtures("demo")
def test_copy_button_copies_the_badge_snippet(
    live_server: LiveServer, page: Page, context: BrowserContext
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/p/{PA}/partners/stadt-sehnde")
    assert page.locator("#badges-heading").is_visible()
    for image in page.locator(".badge-preview img").all():
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    page.get_by_role("button", name="Kopieren – Kleines Mitgliedssiegel, HTML").click()
    page.get_by_role("status").filter(has_text="Kopiert").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#badge-flat-html").input_value()
    assert copied.startswith('<a href="http://127.0.0.1:') and "/verify/" in copied
    assert errors == []
    assert context.cookies() == []
