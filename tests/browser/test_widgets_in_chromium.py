"""Widgets pasted into a page of another origin, in real Chromium.

The host pages are served by a second local server (another port: another origin); their
snippets come from the builder of the running service, as a webmaster would copy them.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response
from PIL import Image as PillowImage
from playwright.sync_api import BrowserContext, Frame, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from widget_service.images import prepare
from widget_service.models import Project, StoredImage

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"
AXE = (Path(__file__).resolve().parents[1] / "fixtures" / "axe.min.js").read_text(encoding="utf-8")
EXPECTED = {
    "projects": (f"alliance={PA}", "Sprachcafé im Rathaus Sehnde"),
    "events": (f"alliance={PA}", "Online-Fachtag Sprachförderung"),
    "partners": (f"alliance={PA}", "DGB Niedersachsen – Bremen – Sachsen-Anhalt"),
    "banner": (f"alliance={PA}", "Projekt vorschlagen"),
    # a badge names its partner: the builder asks for one rather than taking the first
    "badge": (f"alliance={PA}&partner=landkreis-peine", "Mitglied seit 2020"),
    "submit": (f"alliance={PA}", "Eine Erfolgsgeschichte erzählen"),
}
HOSTILE_CSS = """
body { font-family: Georgia, serif; color: #333; font-size: 19px; line-height: 2.2; }
h2, h3 { text-transform: uppercase; color: green; letter-spacing: 0.3em; margin: 3em 0; }
a { color: orange; font-weight: 900; text-decoration: none; }
ul { list-style: square; padding-left: 4em; margin: 2em; }
li, p { margin: 2em; padding: 1em; border: 3px dotted red; text-align: center; }
div { background: yellow; padding: 2em; }
"""
# class rules reach into a server-side include (no Shadow DOM there), so only the
# loader and the iframe are tested against them
HOSTILE_CLASSES = ".aw-title, .aw-item, .aw-items, .aw { display: none !important; }"


@dataclass
class Host:
    """A site of another origin whose pages the test writes."""

    server: LiveServer
    pages: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def page(
        self, path: str, body: str, css: str = "", headers: dict[str, str] | None = None
    ) -> str:
        style = f"<style>{css}</style>" if css else ""
        self.pages[path] = (
            '<!doctype html><html lang="de"><head><meta charset="utf-8">'
            f"<title>Gemeinde Musterstadt</title>{style}</head><body>"
            '<header><p>Gemeinde Musterstadt</p><a href="/kontakt">Kontakt</a></header>'
            f"<main><h1>Aus dem Bündnis</h1>{body}</main>"
            "<footer><ul><li>Impressum</li></ul></footer></body></html>",
            headers or {},
        )
        return self.url + path


@pytest.fixture
def host() -> Iterator[Host]:
    site = Flask("host_site")
    holder: dict[str, Host] = {}

    @site.get("/favicon.ico")
    def favicon() -> Response:
        return Response(b"", status=204)

    @site.get("/<path:path>")
    def serve(path: str) -> Response:
        found = holder["host"].pages.get("/" + path)
        if found is None:
            return Response("not found", status=404)
        body, headers = found
        return Response(body, mimetype="text/html", headers=headers)

    with LiveServer(site) as server:
        holder["host"] = Host(server)
        yield holder["host"]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # the local test server
        return str(response.read().decode("utf-8"))


def builder_snippets(live_server: LiveServer, widget: str, query: str) -> dict[str, str]:
    markup = fetch(f"{live_server.url}/widgets?widget={widget}&{query}")
    return {
        name: htmllib.unescape(text).strip()
        for name, text in re.findall(
            r'<textarea id="snippet-([a-z]+)"[^>]*>(.*?)</textarea>', markup, flags=re.DOTALL
        )
    }


class Watch:
    """What a page asked for, what failed, what it logged as an error."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failures.append(request.url))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def only_from(self, *origins: str) -> bool:
        return all(url.startswith(origins) for url in self.requests)


def shadow_text(page: Page, selector: str = "[data-widget]") -> str:
    return str(page.eval_on_selector(selector, "e => e.shadowRoot ? e.shadowRoot.textContent : ''"))


def wait_ready(page: Page, count: int = 1) -> None:
    # a locator assertion: it works under host policies that forbid eval
    expect(page.locator("[data-widget-state=ready]")).to_have_count(count)


def poll(page: Page, check: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        page.wait_for_timeout(50)  # lets the driver deliver events (new frames) meanwhile


def service_frame(page: Page) -> Frame:
    frame: list[Frame] = []

    def found() -> bool:
        frame[:] = [f for f in page.frames if "/embed/" in f.url]
        return bool(frame)

    poll(page, found, "the service's frame is on the page")
    frame[0].wait_for_load_state()
    return frame[0]


def wait_sized(page: Page, selector: str = "iframe") -> float:
    """Wait until the host's iframe is as tall as the document inside it; return the height."""
    frame = service_frame(page)

    def sized() -> bool:
        inner = frame.evaluate("document.documentElement.getBoundingClientRect().height")
        outer = page.eval_on_selector(selector, "e => e.getBoundingClientRect().height")
        return bool(inner > 0 and abs(outer - inner) < 2)

    poll(page, sized, "the iframe has the height of its content")
    return float(page.eval_on_selector(selector, "e => e.getBoundingClientRect().height"))


# --- every widget, every form, from another origin -----------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("form", ["loader", "iframe", "fragment"])
@pytest.mark.parametrize("widget", sorted(EXPECTED))
def test_builder_snippets_work_on_another_origin(
    live_server: LiveServer,
    host: Host,
    page: Page,
    context: BrowserContext,
    widget: str,
    form: str,
) -> None:
    query, expected = EXPECTED[widget]
    snippets = builder_snippets(live_server, widget, query)
    # a server-side include: the host's server fetches the fragment and inserts it
    body = fetch(snippets["fragment"]) if form == "fragment" else snippets[form]
    watch = Watch(page)
    page.goto(host.page(f"/{widget}-{form}", body))
    if form == "loader" and widget != "submit":
        wait_ready(page)
        text = shadow_text(page)
    elif form == "fragment":
        text = page.locator(".aw").inner_text()
    else:
        frame = service_frame(page)
        text = frame.locator("main").inner_text()
    assert expected in text
    assert watch.only_from(host.url, live_server.url), watch.requests
    assert any(url.startswith(live_server.url) for url in watch.requests) == (form != "fragment")
    assert watch.failures == []
    assert watch.errors == []  # nothing blocked by a Content-Security-Policy
    assert context.cookies() == []


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("widget", ["projects", "events", "badge"])
def test_the_iframe_takes_the_height_of_its_content(
    live_server: LiveServer, host: Host, page: Page, widget: str
) -> None:
    query, _ = EXPECTED[widget]
    snippet = builder_snippets(live_server, widget, query + "&limit=2")["iframe"]
    snippet = re.sub(r'height="\d+"', 'height="900"', snippet)  # a wrong first guess
    page.set_viewport_size({"width": 900, "height": 1200})
    page.goto(host.page("/sized", snippet))
    height = wait_sized(page)
    assert 80 < height < 900
    # and it follows a narrower layout
    page.set_viewport_size({"width": 320, "height": 1200})
    narrow = wait_sized(page)
    assert narrow > height if widget != "badge" else narrow == height


@pytest.mark.usefixtures("demo")
def test_the_submit_widget_is_mounted_as_a_sized_iframe_by_the_loader(
    live_server: LiveServer, host: Host, page: Page
) -> None:
    snippet = builder_snippets(live_server, "submit", f"alliance={PA}")["loader"]
    page.goto(host.page("/submit", snippet))
    wait_ready(page)
    inside = "document.querySelector('[data-widget]').shadowRoot.querySelector('iframe')"
    assert page.evaluate(f"{inside}.title") == "Projekt vorschlagen"
    frame = service_frame(page)
    assert "Absenden" in frame.locator("main").inner_text()
    content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    poll(
        page,
        lambda: abs(page.evaluate(f"{inside}.getBoundingClientRect().height") - content) < 2,
        "the loader's iframe has the height of its content",
    )


# --- the loader -----------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_loading_the_loader_twice_renders_each_widget_once(
    live_server: LiveServer, host: Host, page: Page
) -> None:
    script = f'<script async src="{live_server.url}/embed.js"></script>'
    body = (
        f'<div data-widget="projects" data-alliance="{PA}" data-limit="2"></div>{script}'
        f'<div data-widget="events" data-alliance="{PA}" data-limit="2"></div>{script}{script}'
    )
    watch = Watch(page)
    page.goto(host.page("/twice", body))
    wait_ready(page, 2)
    page.wait_for_timeout(300)
    fragments = [url for url in watch.requests if "/fragment/" in url]
    assert len(fragments) == 2, fragments
    counts = page.eval_on_selector_all(
        "[data-widget]", "all => all.map(e => e.shadowRoot.querySelectorAll('.aw').length)"
    )
    assert counts == [1, 1]
    assert page.evaluate("document.documentElement.dataset.allianceWidgets") == live_server.url
    # no globals: the window has the same own properties as a page without the loader
    with_loader = set(page.evaluate("Object.keys(window)"))
    page.goto(host.page("/bare", "<p>nichts</p>"))
    assert with_loader == set(page.evaluate("Object.keys(window)"))


@pytest.mark.usefixtures("demo")
def test_a_bad_parameter_shows_the_message_in_the_widget(
    live_server: LiveServer, host: Host, page: Page
) -> None:
    body = (
        f'<div data-widget="projects" data-limit="500"></div>'
        f'<script async src="{live_server.url}/embed.js"></script>'
    )
    page.goto(host.page("/bad", body))
    wait_ready(page)
    assert "„limit“ ist ungültig" in shadow_text(page)


def computed(page: Page | Frame, script: str) -> Any:
    return page.evaluate(
        """(script) => {
            const props = ['font-family', 'font-size', 'color', 'background-color', 'display',
                'margin-top', 'padding-left', 'text-transform', 'letter-spacing', 'font-weight',
                'list-style-type', 'border-top-style', 'text-align', 'line-height'];
            const elements = (new Function('return ' + script))();
            return elements.map(e => { const s = getComputedStyle(e);
                return props.map(p => s.getPropertyValue(p)).join('|'); });
        }""",
        script,
    )


WIDGET_PARTS = {
    "loader": (
        "[...document.querySelector('[data-widget]').shadowRoot.querySelectorAll('.aw, .aw *')]"
    ),
    "iframe": "[...document.querySelectorAll('.aw, .aw *')]",  # evaluated in the frame
    "fragment": "[...document.querySelectorAll('.aw, .aw *')]",
}
HOST_PARTS = "[...document.querySelectorAll('header, header *, h1, footer, footer *')]"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("form", ["loader", "iframe", "fragment"])
def test_host_styles_do_not_leak_in_and_widget_styles_do_not_leak_out(
    live_server: LiveServer, host: Host, page: Page, form: str
) -> None:
    snippets = builder_snippets(live_server, "projects", f"alliance={PA}&limit=2&layout=list")
    body = fetch(snippets["fragment"]) if form == "fragment" else snippets[form]
    hostile = HOSTILE_CSS if form == "fragment" else HOSTILE_CSS + HOSTILE_CLASSES

    def render(path: str, css: str, content: str) -> None:
        page.goto(host.page(path, content, css=css))
        if form == "loader" and content:
            wait_ready(page)
        if form == "iframe" and content:
            page.locator("iframe").scroll_into_view_if_needed()  # it loads lazily
            wait_sized(page)

    def widget_parts() -> Any:
        where = service_frame(page) if form == "iframe" else page
        return computed(where, WIDGET_PARTS[form])

    render("/plain", "", body)
    plain = widget_parts()
    render("/hostile", hostile, body)
    assert widget_parts() == plain
    assert len(plain) > 10
    host_with_widget = computed(page, HOST_PARTS)
    render("/alone", hostile, "")
    assert computed(page, HOST_PARTS) == host_with_widget


@pytest.mark.usefixtures("demo")
def test_host_custom_properties_style_the_widget(
    live_server: LiveServer, host: Host, page: Page
) -> None:
    snippet = builder_snippets(live_server, "projects", f"alliance={PA}")["loader"]
    css = "[data-widget] { --aw-link: #6b006b; --aw-bg: #fffbe6; }"
    page.goto(host.page("/themed", snippet, css=css))
    wait_ready(page)
    root = "document.querySelector('[data-widget]').shadowRoot"
    assert page.evaluate(f"getComputedStyle({root}.querySelector('.aw a')).color") == (
        "rgb(107, 0, 107)"
    )
    assert page.evaluate(f"getComputedStyle({root}.querySelector('.aw')).backgroundColor") == (
        "rgb(255, 251, 230)"
    )


@pytest.mark.usefixtures("demo")
def test_the_loader_works_under_a_strict_host_content_security_policy(
    live_server: LiveServer, host: Host, page: Page
) -> None:
    snippet = builder_snippets(live_server, "events", f"alliance={PA}&theme=dark")["loader"]
    policy = (
        f"default-src 'self'; script-src {live_server.url}; connect-src {live_server.url}; "
        f"frame-src {live_server.url}; style-src 'self'"
    )
    watch = Watch(page)
    page.goto(host.page("/strict", snippet, headers={"Content-Security-Policy": policy}))
    wait_ready(page)
    root = "document.querySelector('[data-widget]').shadowRoot"
    background = page.evaluate(f"getComputedStyle({root}.querySelector('.aw')).backgroundColor")
    assert background == "rgb(21, 25, 29)"  # the dark theme applied, though style-src is 'self'
    assert watch.errors == []


@pytest.mark.usefixtures("demo")
def test_widgets_work_by_keyboard(live_server: LiveServer, host: Host, page: Page) -> None:
    snippet = builder_snippets(live_server, "projects", f"alliance={PA}&limit=2")["loader"]
    page.goto(host.page("/keys", snippet))
    wait_ready(page)
    page.keyboard.press("Tab")  # the host's own link
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement.shadowRoot && document.activeElement.shadowRoot.activeElement"
        " ? document.activeElement.shadowRoot.activeElement.textContent : ''"
    )
    assert focused == "Sprachcafé im Rathaus Sehnde"
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.shadowRoot.activeElement).outlineStyle"
    )
    assert outline == "solid"


# --- resizing messages ----------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_a_forged_resize_message_from_another_window_is_ignored(
    live_server: LiveServer, host: Host, page: Page
) -> None:
    snippet = builder_snippets(live_server, "badge", EXPECTED["badge"][0])["iframe"]
    message = json.dumps({"type": "alliance-widget:resize", "height": 1234})
    forger = (
        f'<iframe title="Werbung" srcdoc="<script>parent.postMessage({htmllib.escape(message)}, '
        "'*')</script>\"></iframe>"
    )
    page.goto(host.page("/forged", snippet))
    service = f'iframe[src^="{live_server.url}"]'
    wait_sized(page, service)
    page.wait_for_timeout(300)  # a late reflow (a font, the seal's wrapping) resizes it once more
    before = wait_sized(page, service)
    # from the host page itself, and from a frame of the host's origin
    page.evaluate(f"window.postMessage({message}, '*')")
    page.evaluate(
        "(markup) => document.querySelector('main').insertAdjacentHTML('beforeend', markup)",
        forger,
    )
    page.wait_for_timeout(500)
    after = page.eval_on_selector(service, "e => e.getBoundingClientRect().height")
    assert after == before != 1234


# --- accessibility --------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE)  # evaluated by the driver, so no page policy blocks it
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": item["id"], "nodes": [node["target"] for node in item["nodes"]]}
        for item in result["violations"]
    ]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("widget", sorted(EXPECTED))
def test_every_widget_in_both_themes_has_no_axe_violations(
    live_server: LiveServer, page: Page, widget: str, theme: str
) -> None:
    query, _ = EXPECTED[widget]
    extra = "&call=partner-werden" if widget == "banner" else ""
    page.goto(f"{live_server.url}/embed/{widget}?{query}{extra}&theme={theme}")
    assert page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.lang") == "de"
    assert axe_violations(page) == []


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/p/{PA}",
        f"/p/{PA}/projects/sprachcafe-sehnde",
        "/widgets",
        "/widgets?widget=banner",
        "/widgets?widget=projects&limit=99",
    ],
)
def test_public_pages_and_the_builder_have_no_axe_violations(
    live_server: LiveServer, page: Page, path: str
) -> None:
    page.goto(live_server.url + path)
    assert axe_violations(page) == []


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_loader_widgets_in_the_shadow_dom_have_no_axe_violations(
    live_server: LiveServer, host: Host, page: Page, theme: str
) -> None:
    body = "".join(
        builder_snippets(live_server, widget, f"{EXPECTED[widget][0]}&theme={theme}")["loader"]
        for widget in ("projects", "events", "partners", "banner", "badge")
    )
    page.goto(host.page(f"/all-{theme}", body))
    wait_ready(page, 5)
    assert axe_violations(page) == []


# --- the builder ----------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_the_builder_updates_preview_and_snippets_live(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/widgets")
    page.select_option("#b-widget", "banner")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile('data-widget="banner"'))
    assert page.locator("#b-call").is_visible() and not page.locator("#b-limit").is_visible()
    assert "/widgets?widget=banner" in page.url
    page.select_option("#b-size", "728x90")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile('data-size="728x90"'))
    expect(page.locator("iframe.preview")).to_have_attribute("src", re.compile("size=728x90"))
    page.select_option("#b-lang", "en")
    expect(page.locator("#snippet-iframe")).to_have_value(re.compile("lang=en"))
    assert page.evaluate("document.documentElement.lang") == "de"
    # the preview is sized like any embedded iframe
    wait_sized(page, "iframe.preview")


def test_the_axe_check_finds_a_planted_violation(host: Host, page: Page) -> None:
    page.goto(host.page("/broken", '<img src="/favicon.ico"><a href="/x"></a>'))
    found = {item["id"] for item in axe_violations(page)}
    assert {"image-alt", "link-name"} <= found


# --- project pictures ------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["loader", "iframe", "fragment"])
def test_a_project_picture_shows_from_the_service_on_another_origin(
    demo: Session,
    live_server: LiveServer,
    host: Host,
    page: Page,
    context: BrowserContext,
    form: str,
) -> None:
    # a copy as `widget-service images fetch` leaves it (the fetching has its own tests)
    out = io.BytesIO()
    PillowImage.new("RGB", (640, 360), (0, 90, 160)).save(out, "JPEG")
    prepared = prepare(out.getvalue())
    url = "https://www.sehnde.de/bilder/sprachcafe.jpg"
    demo.add(
        StoredImage(
            url=url,
            digest=prepared.digest,
            media_type=prepared.media_type,
            width=prepared.width,
            height=prepared.height,
            data=prepared.data,
        )
    )
    project = demo.scalar(select(Project).where(Project.slug == "sprachcafe-sehnde"))
    assert project is not None
    project.image = url
    demo.commit()

    snippets = builder_snippets(live_server, "projects", f"alliance={PA}&layout=cards")
    body = fetch(snippets["fragment"]) if form == "fragment" else snippets[form]
    watch = Watch(page)
    page.goto(host.page(f"/bilder-{form}", body))
    if form == "loader":
        wait_ready(page)
    # Playwright's CSS locators pierce the Shadow DOM
    scope = service_frame(page) if form == "iframe" else page
    picture = scope.locator("img.aw-picture")
    expect(picture).to_have_count(1)
    picture.scroll_into_view_if_needed()
    poll(page, lambda: bool(picture.evaluate("i => i.complete && i.naturalWidth > 0")), "it loads")
    assert picture.evaluate("i => i.naturalWidth") == 640
    assert picture.get_attribute("alt") == ""  # the title beside it says what it shows
    assert f"/images/{prepared.digest}.jpg" in str(picture.get_attribute("src"))
    assert watch.only_from(host.url, live_server.url), watch.requests
    assert not any(url in request for request in watch.requests)
    assert watch.failures == [] and watch.errors == []
    assert context.cookies() == []


# --- the badge widget looks like the badge images ---------------------------------------------


def svg_fills(svg: str) -> set[str]:
    return {value.lower() for value in re.findall(r'fill="(#[0-9a-fA-F]{6})"', svg)}


def rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[index : index + 2], 16) for index in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("style", ["flat", "seal"])
def test_the_badge_widget_has_the_colours_and_words_of_its_image(
    live_server: LiveServer, page: Page, style: str, theme: str
) -> None:
    query = f"style={style}&theme={theme}"
    image = fetch(f"{live_server.url}/badge/{PA}/stadt-sehnde.svg?{query}")
    fills = {rgb(colour) for colour in svg_fills(image)}
    page.goto(f"{live_server.url}/embed/badge?alliance={PA}&partner=stadt-sehnde&{query}")
    alliance = page.locator(".aw-badge-alliance")
    status = page.locator(".aw-badge-status")
    assert alliance.inner_text() == "Niedersachsen packt an" and "Niedersachsen" in image
    assert status.inner_text() == "Mitglied seit 2020" and "Mitglied seit 2020" in image
    coloured = status if style == "flat" else alliance  # the part in the alliance's colour
    background = coloured.evaluate("e => getComputedStyle(e).backgroundColor")
    text = coloured.evaluate("e => getComputedStyle(e).color")
    assert background == rgb("#00589c")  # the alliance's colour, in both themes
    assert {background, text} <= fills
    if style == "flat":
        label = alliance.evaluate("e => getComputedStyle(e).backgroundColor")
        assert label in fills  # the grey part of the image
        top = [part.bounding_box()["y"] for part in (alliance, status)]  # type: ignore[index]
        assert top[0] == top[1]  # one line, side by side
    else:
        boxes = [
            part.bounding_box()["y"]  # type: ignore[index]
            for part in (alliance, page.locator(".aw-badge-partner"), status)
        ]
        assert boxes == sorted(boxes)  # band, name, state: top to bottom
    assert axe_violations(page) == []


@pytest.mark.usefixtures("demo")
def test_the_seal_keeps_a_legal_form_together_and_gives_long_names_room(
    live_server: LiveServer, page: Page
) -> None:
    page.set_viewport_size({"width": 600, "height": 800})
    page.goto(
        f"{live_server.url}/embed/badge?alliance=niedersachsen-haelt-zusammen"
        "&partner=landessportbund-niedersachsen"
    )
    name = page.locator(".aw-badge-partner")
    lines = name.evaluate(
        """e => { const text = e.firstChild; const at = text.data.indexOf('e.\u00a0V.');
            const range = document.createRange(); range.setStart(text, at);
            range.setEnd(text, at + 5); return range.getClientRects().length; }"""
    )
    assert lines == 1
    seal = page.locator(".aw-badge-seal")
    assert seal.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing spills
    assert seal.evaluate("e => e.getBoundingClientRect().width") >= 180
    long_name = page.locator(".aw-badge-partner").evaluate("e => e.getClientRects()[0].height")
    assert long_name > 30  # it wraps onto more lines rather than being cut or squeezed


# --- the dark theme on a dark page ----------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("widget", ["projects", "badge", "submit"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_dark_iframe_shows_no_light_corner_or_hairline_on_a_dark_page(
    live_server: LiveServer, host: Host, page: Page, widget: str, scheme: str
) -> None:
    query = f"alliance={PA}&theme=dark&limit=2" + (
        "&partner=stadt-sehnde" if widget == "badge" else ""
    )
    snippet = builder_snippets(live_server, widget, query)["iframe"]
    # the host page declares either colour scheme: Chromium paints an iframe's backdrop
    # after the scheme of the page around it where the two differ
    css = f"html {{ color-scheme: {scheme}; }} body {{ background: #000; margin: 40px; }}"
    page.set_viewport_size({"width": 700, "height": 1600})  # the whole frame in view
    page.goto(host.page(f"/dunkel-{widget}-{scheme}", snippet, css=css))
    page.locator("iframe").scroll_into_view_if_needed()
    wait_sized(page)
    box = page.locator("iframe").bounding_box()
    assert box is not None
    shot = PillowImage.open(io.BytesIO(page.screenshot(clip=box))).convert("RGB")
    width, height = shot.size
    edge = [(x, y) for x in range(width) for y in (0, 1, height - 2, height - 1)]
    edge += [(x, y) for y in range(height) for x in (0, 1, width - 2, width - 1)]
    # light: what shows white or pale grey on the black page (the alliance's blue border of
    # a seal is no corner of another colour)
    light = [(x, y, shot.getpixel((x, y))) for x, y in edge if min(shot.getpixel((x, y))) > 90]  # type: ignore[arg-type]
    assert light == [], light[:10]


# --- a server-side include among a content management system's styles -----------------------

# what themes of WordPress, TYPO3 and Drupal set on the content column: class rules, an id
# rule, bullets drawn with ::before, a box-sizing of their own
CMS_CSS = """
*, *::before, *::after { box-sizing: content-box; }
.entry-content { text-transform: uppercase; letter-spacing: 0.1em; font-family: Georgia, serif; }
.entry-content p { margin: 0 0 2em; padding: 0.5em; line-height: 2.4; text-align: justify; }
.entry-content ul, .ce-bodytext ol { margin: 0 0 2em 3em; padding-left: 2em; list-style: disc; }
.entry-content ul li { margin-bottom: 1em; padding-left: 1.5em; position: relative; }
.entry-content ul li::before { content: "■"; position: absolute; left: 0; color: hotpink; }
.entry-content a, .entry-content a:visited { color: darkorange; font-weight: 900;
  text-decoration: none; border-bottom: 3px dotted darkorange; box-shadow: inset 0 -4px 0 gold; }
#content .entry-content h2, .entry-content h3 { font-size: 3em; margin: 2em 0; color: green; }
.entry-content div { padding: 2em; border: 4px solid red; background: yellow; }
"""
CMS_PARTS = """(() => {
    const props = ['box-sizing', 'margin-top', 'margin-bottom', 'margin-left', 'padding-left',
        'list-style-type', 'color', 'font-weight', 'font-family', 'text-transform',
        'letter-spacing', 'text-decoration-line', 'border-bottom-style', 'box-shadow',
        'line-height', 'text-align', 'font-size', 'background-color', 'border-top-style'];
    return [...document.querySelectorAll('.aw, .aw *')].filter(e => e.tagName !== 'STYLE')
      .map(e => e.tagName + ' ' + props.map(p => getComputedStyle(e).getPropertyValue(p))
        .join('|') + ' ' + getComputedStyle(e, '::before').getPropertyValue('content'));
})()"""


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("widget", "query"),
    [
        ("projects", f"alliance={PA}&limit=2&layout=list"),
        ("events", f"alliance={PA}&limit=2&theme=dark"),
        ("partners", f"alliance={PA}&limit=4"),
        ("badge", f"alliance={PA}&partner=stadt-sehnde"),
    ],
)
def test_a_fragment_keeps_its_look_among_a_cms_s_styles(
    live_server: LiveServer, host: Host, page: Page, widget: str, query: str
) -> None:
    fragment = fetch(builder_snippets(live_server, widget, query)["fragment"])
    body = f'<div id="content"><div class="entry-content">{fragment}</div></div>'
    page.goto(host.page(f"/ohne-{widget}", body))
    plain = page.evaluate(CMS_PARTS)
    page.goto(host.page(f"/cms-{widget}", body, css=CMS_CSS))
    assert page.evaluate(CMS_PARTS) == plain
    assert len(plain) > 3
    # the same as the widget alone, and as the widget's own rules say
    assert all(part.endswith(" none") for part in plain if part.startswith("LI "))
    assert page.evaluate("getComputedStyle(document.querySelector('.aw')).boxSizing") == (
        "border-box"
    )
