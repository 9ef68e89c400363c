"""The widget builder in real Chromium: lists that follow the alliance, a badge that asks
for its partner, the colour picker, a bad value that keeps the last preview, the one live
region, the order of the tab stops, a phone's width, and axe in both languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
AXE = (Path(__file__).resolve().parents[1] / "fixtures" / "axe.min.js").read_text(encoding="utf-8")


def offered(page: Page, field: str) -> list[str]:
    values: list[str] = page.eval_on_selector(
        f"#b-{field}", "s => [...s.options].map(o => o.value).filter(v => v)"
    )
    return values


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": item["id"], "nodes": [node["target"] for node in item["nodes"]]}
        for item in result["violations"]
    ]


def overflow(page: Page, width: int) -> list[str]:
    found: list[str] = page.evaluate(
        """(width) => document.documentElement.scrollWidth <= width ? [] :
        [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > width + 0.5)
          .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}`)""",
        width,
    )
    return found


@pytest.mark.usefixtures("demo")
def test_changing_the_alliance_changes_what_is_offered(live_server: LiveServer, page: Page) -> None:
    page.goto(f"{live_server.url}/widgets")
    page.select_option("#b-widget", "banner")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile('data-widget="banner"'))
    assert "all" not in offered(page, "alliance")  # a banner shows one alliance
    page.select_option("#b-alliance", PA)
    expect(page.locator("#snippet-loader")).to_have_value(re.compile(f'data-alliance="{PA}"'))
    assert set(offered(page, "call")) == {"partner-werden", "projekt-vorschlagen", "zusammen-mehr"}
    page.select_option("#b-call", "partner-werden")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile('data-call="partner-werden"'))
    # to the other alliance: its call is offered and chosen, the snippet works at once
    page.select_option("#b-alliance", HZ)
    expect(page.locator("#snippet-loader")).to_have_value(
        re.compile('data-call="zusammenhalt-zeigen"')
    )
    assert offered(page, "call") == ["zusammenhalt-zeigen"]
    assert page.locator("#b-call-error").is_hidden()
    # the fields and partners of a list widget follow too
    page.select_option("#b-widget", "projects")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile('data-widget="projects"'))
    page.select_option("#b-field", "demokratie-staerken")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile("demokratie-staerken"))
    page.select_option("#b-alliance", PA)
    expect(page.locator("#snippet-loader")).to_have_value(re.compile(f'data-alliance="{PA}"'))
    assert "demokratie-staerken" not in page.locator("#snippet-loader").input_value()
    assert "sprachfoerderung" in offered(page, "field")
    assert "demokratie-staerken" not in offered(page, "field")
    assert "bistum-hildesheim" not in offered(page, "partner")


@pytest.mark.usefixtures("demo")
def test_a_badge_asks_for_its_partner_and_keeps_the_last_preview(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/widgets?widget=projects&alliance={PA}")
    preview = page.locator("iframe.preview").get_attribute("src")
    page.select_option("#b-widget", "badge")
    error = page.locator("#b-partner-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile("^Wählen Sie einen Partner"))
    assert page.locator("#b-partner").get_attribute("aria-invalid") == "true"
    assert page.locator("#b-partner").input_value() == ""  # not the first in silence
    assert page.locator("iframe.preview").get_attribute("src") == preview
    expect(page.locator("#builder-status")).to_have_text(re.compile("Wählen Sie einen Partner"))
    page.select_option("#b-partner", "stadt-sehnde")
    expect(page.locator("#snippet-loader")).to_have_value(re.compile('data-partner="stadt-sehnde"'))
    expect(error).to_be_hidden()
    assert page.locator("#b-partner").get_attribute("aria-invalid") is None


@pytest.mark.usefixtures("demo")
def test_the_colour_picker_and_the_text_field_agree_and_a_bad_colour_is_explained(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/widgets?widget=projects&alliance={PA}")
    picker = page.locator("#b-accent-picker")
    expect(picker).to_be_visible()
    picker.fill("#aa3300")
    expect(page.locator("#b-accent")).to_have_value("#aa3300")
    expect(page.locator("iframe.preview")).to_have_attribute("src", re.compile("accent=%23aa3300"))
    expect(page.locator("#builder-status")).to_have_text("Vorschau aktualisiert: Projekte")
    page.fill("#b-accent", "#1166dd")
    expect(picker).to_have_value("#1166dd")
    expect(page.locator("iframe.preview")).to_have_attribute("src", re.compile("accent=%231166dd"))
    # a bad value: the last preview stays, the message stands beside the field and is heard
    page.fill("#b-accent", "rot")
    error = page.locator("#b-accent-error")
    expect(error).to_have_text(re.compile("„accent“ ist ungültig"))
    assert page.locator("#b-accent").get_attribute("aria-describedby") == (
        "b-accent-hint b-accent-error"
    )
    expect(page.locator("#builder-status")).to_have_text(re.compile("„accent“ ist ungültig"))
    assert "accent=%231166dd" in str(page.locator("iframe.preview").get_attribute("src"))
    assert "#1166dd" in page.locator("#snippet-loader").input_value()
    assert page.locator("[aria-live]").count() == 1


@pytest.mark.usefixtures("demo")
def test_the_snippets_come_before_the_preview_by_keyboard(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/widgets?widget=events&alliance={PA}")
    last = page.locator("#builder-result button.copy").last
    last.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "preview"
    stops = page.eval_on_selector_all(
        "#builder-result textarea, #builder-result button, #builder-result iframe",
        "all => all.map(e => e.tagName.toLowerCase())",
    )
    assert stops[-1] == "iframe" and stops.count("iframe") == 1


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_builder_fits_a_phone_and_has_no_axe_violations(
    live_server: LiveServer, browser: Browser, lang: str
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 800}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/widgets?lang={lang}")
        assert page.evaluate("document.documentElement.lang") == lang
        for name in ("projects", "events", "partners", "banner", "badge", "submit"):
            page.select_option("#b-widget", name)
            expect(page.locator("#b-widget")).to_have_value(name)
            page.wait_for_function(
                "(name) => location.search.includes('widget=' + name) ||"
                " !document.querySelector('#b-partner-error').hidden",
                arg=name,
            )
            assert overflow(page, 390) == [], name
            assert axe_violations(page) == [], name
        # a message beside a field, and the live region, pass axe too
        page.fill("#b-accent", "rot")
        expect(page.locator("#b-accent-error")).to_be_visible()
        assert overflow(page, 390) == []
        assert axe_violations(page) == []
    finally:
        context.close()
