"""The feeds page in a real browser: it loads only from its origin and its copy buttons work."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"


@pytest.mark.usefixtures("demo")
def test_feeds_page_copies_an_address_and_says_so(
    live_server: LiveServer, page: Page, context: BrowserContext
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.clock.install()
    response = page.goto(f"{live_server.url}/feeds")
    page.clock.pause_at(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))  # "Kopiert" stays shown
    assert response is not None and response.status == 200
    named = page.get_by_role("button", name="Kopieren – Projekte (RSS), Projekte, Alle Bündnisse")
    assert named.get_attribute("data-copy") == "lead-all-projects-rss"
    button = page.locator('button[data-copy="lead-all-projects-rss"]')
    card = page.locator(".feed-cards > li").nth(1)
    below = page.locator("#choose")
    before = (button.bounding_box(), card.bounding_box(), below.bounding_box())
    button.focus()
    page.keyboard.press("Enter")
    # the clipboard answers on its own time; the announcement waits 50 ms on the page's clock
    expect(button).to_have_class(re.compile(r"\bis-copied\b"))
    page.clock.run_for(100)
    page.get_by_role("status").filter(has_text="Kopiert").wait_for()
    # the word changes in place: the button, its card and what follows keep their places
    assert (button.bounding_box(), card.bounding_box(), below.bounding_box()) == before
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/feeds/all/projects.rss"
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert errors == []
    assert context.cookies() == []


@pytest.mark.usefixtures("demo")
def test_filters_on_the_feeds_page_change_the_addresses(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/feeds")
    page.get_by_label("Bündnis", exact=True).select_option(PA)
    page.get_by_label("Region", exact=True).select_option("Landkreis Peine")
    page.get_by_role("button", name="Adressen zeigen").click()
    page.wait_for_url("**/feeds?**")
    field = page.get_by_label("iCalendar – Veranstaltungen, Niedersachsen packt an")
    assert field.input_value() == (
        f"{live_server.url}/feeds/{PA}/events.ics?region=Landkreis+Peine"
    )
    webcal = page.get_by_role(
        "link", name="Im Kalender abonnieren – Veranstaltungen, Niedersachsen packt an"
    ).first
    assert webcal.get_attribute("href") == (
        f"webcal://{live_server.url.split('://')[1]}/feeds/{PA}/events.ics?region=Landkreis+Peine"
    )
