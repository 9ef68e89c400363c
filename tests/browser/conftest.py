"""Real Chromium (Debian's, driven by Playwright) against the app served on a local port.

Without /usr/bin/chromium these tests are skipped — except where WIDGETS_REQUIRE_BROWSER
is set (as .ci/run does): there a missing browser fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.servers import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]

try:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
except ImportError:  # pragma: no cover - the [test] extra installs it
    sync_playwright = None


def _require_browser() -> None:
    if CHROMIUM.exists() and sync_playwright is not None:
        return
    message = f"browser tests need Playwright and {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("WIDGETS_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    _require_browser()
    assert sync_playwright is not None
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test: no cookies or storage carried over."""
    fresh = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test's app, served over HTTP (its origin is ``live_server.url``)."""
    _require_browser()
    with LiveServer(app) as server:
        yield server
