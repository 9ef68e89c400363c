"""A story's video in real Chromium: nothing goes to the video's host before the click,
after it the player's frame points at the privacy-friendly embed address.

The video host is never reached: every request to it is answered by a stub (page.route).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Frame, Page, Route, expect
from sqlalchemy.orm import Session

from widget_service.images import prepare
from widget_service.models import StoredImage
from widget_service.operations import import_document

from .conftest import LiveServer
from .test_widgets_in_chromium import (
    Host,
    axe_violations,
    builder_snippets,
    service_frame,
    wait_ready,
)
from .test_widgets_in_chromium import host as host

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"
SLUG = "amal-in-peine"
YT = "dQw4w9WgXcQ"
VIDEO = f"https://www.youtube.com/watch?v={YT}"
EMBED = f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1"
VIDEO_HOSTS = ("youtube.com", "youtube-nocookie.com", "ytimg.com", "youtu.be", "googlevideo")


@pytest.fixture
def story(demo: Session) -> str:
    """A published story with a YouTube video and the preview's copy, as the poll leaves it."""
    out = io.BytesIO()
    Image.new("RGB", (1280, 720), (200, 40, 40)).save(out, "JPEG")
    prepared = prepare(out.getvalue())
    record = {
        "alliance": PA,
        "slug": SLUG,
        "kind": "story",
        "title": "Wie Amal in Peine ankam",
        "summary": "ZUSAMMEN. MEHR. – eine Erfolgsgeschichte als kurzes Video.",
        "video": VIDEO,
        "status": "published",
    }
    import_document(demo, {"projects": [record]})
    demo.add(
        StoredImage(
            url=VIDEO,
            digest=prepared.digest,
            media_type=prepared.media_type,
            width=prepared.width,
            height=prepared.height,
            data=prepared.data,
        )
    )
    demo.commit()
    return prepared.digest


class Requests:
    """Every request of the browser context (frames included), and the stubbed player."""

    def __init__(self, context: BrowserContext) -> None:
        self.urls: list[str] = []
        self.player: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))
        context.route("https://www.youtube-nocookie.com/**", self._player)

    def _player(self, route: Route) -> None:
        self.player.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Stub player</title><p id=stub>Stub player</p>",
        )

    def to_video_hosts(self) -> list[str]:
        return [url for url in self.urls if any(name in url for name in VIDEO_HOSTS)]


@pytest.mark.parametrize("form", ["page", "loader", "iframe"])
def test_nothing_goes_to_the_video_host_before_the_click(
    story: str,
    live_server: LiveServer,
    host: Host,
    page: Page,
    context: BrowserContext,
    form: str,
) -> None:
    requests = Requests(context)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    if form == "page":
        page.goto(f"{live_server.url}/p/{PA}/projects/{SLUG}")
        scope: Page | Frame = page
    else:
        snippets = builder_snippets(live_server, "projects", f"alliance={PA}&kind=story")
        page.goto(host.page(f"/video-{form}", snippets[form]))
        if form == "loader":
            wait_ready(page)
            scope = page
        else:
            scope = service_frame(page)
    start = scope.locator("a[data-aw-video]")  # Playwright's CSS locators pierce Shadow DOM
    expect(start).to_have_count(1)
    start.scroll_into_view_if_needed()
    picture = scope.locator("img.aw-video-picture")
    expect(picture).to_have_count(1)
    page.wait_for_function("() => document.readyState === 'complete'")
    assert f"/images/{story}.jpg" in str(picture.get_attribute("src"))
    assert picture.evaluate("i => i.complete && i.naturalWidth > 0")
    note = scope.locator(".aw-video-note")
    expect(note).to_contain_text("Beim Abspielen wird das Video von youtube-nocookie.com geladen")
    # the button names what it does and is described by the note
    assert start.get_attribute("href") == VIDEO
    described = start.get_attribute("aria-describedby")
    assert described and note.get_attribute("id") == described
    assert requests.to_video_hosts() == [], requests.urls
    if form != "iframe":  # axe reads the page's document (with the loader's Shadow DOM)
        assert axe_violations(page) == []

    start.click()
    player = scope.locator(".aw-video-frame iframe")
    expect(player).to_have_count(1)
    assert player.get_attribute("src") == EMBED
    assert player.get_attribute("title") == "Video: Wie Amal in Peine ankam"
    expect(scope.locator("a[data-aw-video]")).to_have_count(0)
    stub = scope.frame_locator(".aw-video-frame iframe").locator("#stub")
    expect(stub).to_have_text("Stub player")  # the frame loaded: the CSP allowed it
    assert requests.player == [EMBED]
    assert requests.to_video_hosts() == [EMBED]
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert context.cookies() == []


def test_without_javascript_the_player_is_a_link_to_the_video(
    story: str, live_server: LiveServer, browser_no_js: Page
) -> None:
    page = browser_no_js
    page.goto(f"{live_server.url}/p/{PA}/projects/{SLUG}")
    start = page.locator("a[data-aw-video]")
    expect(start).to_have_attribute("href", VIDEO)
    expect(page.locator("iframe")).to_have_count(0)


@pytest.fixture
def browser_no_js(context: BrowserContext) -> Iterator[Page]:
    browser = context.browser
    assert browser is not None
    plain = browser.new_context(java_script_enabled=False, locale="de-DE")
    yield plain.new_page()
    plain.close()
