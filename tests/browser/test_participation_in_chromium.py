"""Taking part from a member's website, in Chromium: the host page is another origin (another
port) that embeds the service; the visitor types, the office decides, the result shows."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from widget_service import moderation
from widget_service.models import Application, OutgoingMail, Project, Status

from .conftest import LiveServer
from .test_widgets_in_chromium import (  # noqa: F401 (host is a fixture)
    Host,
    Watch,
    builder_snippets,
    host,
    poll,
    wait_ready,
)

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "FORM_MIN_SECONDS": 0, "FORM_RATE_LIMIT": "1000 per minute"}


def _frame(page: Page, base: str, part: str) -> Frame:
    found: list[Frame] = []

    def ready() -> bool:
        found[:] = [f for f in page.frames if f.url.startswith(base) and part in f.url]
        return bool(found)

    poll(page, ready, f"a frame of the service showing {part}")
    found[0].wait_for_load_state()
    return found[0]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def _last_links(session: Session, recipient: str) -> list[str]:
    session.expire_all()
    mail = session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.recipient == recipient)
        .order_by(OutgoingMail.id.desc())
    ).first()
    assert mail is not None
    return re.findall(r"https?://[^\s\"'<>]+", mail.text)


@pytest.mark.usefixtures("demo")
def test_a_story_with_a_video_typed_into_the_embedded_form_reaches_the_widget_and_feeds(
    app: Flask,
    live_server: LiveServer,
    host: Host,  # noqa: F811 (the fixture imported above)
    page: Page,
    demo: Session,
) -> None:
    snippet = builder_snippets(live_server, "submit", f"alliance={PA}")["loader"]
    watch = Watch(page)
    page.goto(host.page("/mitmachen", snippet))
    wait_ready(page)
    form = _frame(page, live_server.url, "/embed/submit")
    form.get_by_label("Eine Erfolgsgeschichte erzählen").check()
    form.get_by_label("Titel").fill("Sprachpaten in Sehnde")
    form.get_by_label("In ein, zwei Sätzen").fill("Ehrenamtliche begleiten Familien.")
    form.get_by_label("Beschreibung").fill("Seit 2019 treffen sich Pat:innen.\n\nMit Erfolg.")
    form.get_by_label("Link zum Video (YouTube, Vimeo, PeerTube …)").fill(
        "https://vimeo.com/123456"
    )
    form.get_by_label("Ihr Name").fill("Erika Muster")
    form.get_by_label("Ihre E-Mail-Adresse").fill("erika@example.org")
    form.get_by_label("Ich bin einverstanden", exact=False).check()
    form.get_by_role("button", name="Absenden").click()
    thanks = _frame(page, live_server.url, "/thanks")
    expect(thanks.locator("main")).to_contain_text("Vielen Dank! Ihr Beitrag ist angekommen.")
    # the host page never left, and nothing was asked of any third site
    assert page.url.startswith(host.url)
    assert watch.only_from(host.url, live_server.url), watch.requests
    demo.expire_all()
    story = demo.scalar(select(Project).where(Project.title == "Sprachpaten in Sehnde"))
    assert story is not None and story.status == Status.PENDING
    with app.test_request_context():
        moderation.approve(demo, story, "office")
    demo.commit()
    widget = (
        f'<div data-widget="projects" data-alliance="{PA}" data-kind="story"></div>'
        f'<script async src="{live_server.url}/embed.js"></script>'
    )
    page.goto(host.page("/geschichten", widget))
    wait_ready(page)
    poll(
        page,
        lambda: (
            "Sprachpaten in Sehnde"
            in str(page.eval_on_selector("[data-widget]", "e => e.shadowRoot.textContent"))
        ),
        "the story shows in the widget",
    )
    # its video is a two-click player: nothing from Vimeo until the visitor clicks
    start = page.locator("a[data-aw-video]")
    expect(start).to_have_attribute("href", "https://vimeo.com/123456")
    expect(start).to_have_attribute(
        "data-aw-video", "https://player.vimeo.com/video/123456?dnt=1&autoplay=1"
    )
    expect(page.locator(".aw-video-note")).to_contain_text("player.vimeo.com")
    assert watch.only_from(host.url, live_server.url), watch.requests
    assert "Sprachpaten in Sehnde" in _fetch(f"{live_server.url}/feeds/{PA}/projects.atom")
    stories = _fetch(f"{live_server.url}/feeds/{PA}/projects.atom?kind=story")
    assert "Sprachpaten in Sehnde" in stories and "https://vimeo.com/123456" in stories
    projects = _fetch(f"{live_server.url}/feeds/{PA}/projects.atom?kind=project")
    assert "Sprachpaten in Sehnde" not in projects


@pytest.mark.usefixtures("demo")
def test_a_signature_from_a_framed_form_counts_after_its_confirmation(
    live_server: LiveServer,
    host: Host,  # noqa: F811 (the fixture imported above)
    page: Page,
    demo: Session,
) -> None:
    frame_html = (
        f'<iframe src="{live_server.url}/sign/{PA}/zusammen-mehr" title="Aufruf unterschreiben" '
        'width="100%" height="900"></iframe>'
    )
    page.goto(host.page("/aufruf", frame_html))
    form = _frame(page, live_server.url, "/sign/")
    form.get_by_label("Ihr Name").fill("Max Mustermann")
    form.locator("#pf-organisation").fill("SV Sehnde")
    form.get_by_label("Ihre E-Mail-Adresse").fill("max@example.org")
    form.get_by_label("Ja, meinen Namen (und meine Organisation) öffentlich nennen").check()
    form.get_by_label("Ich bin einverstanden", exact=False).check()
    form.get_by_role("button", name="Unterschreiben").click()
    thanks = _frame(page, live_server.url, "/thanks")
    expect(thanks.locator("main")).to_contain_text("Bitte sehen Sie in Ihr E-Mail-Postfach")
    confirm, _withdraw = _last_links(demo, "max@example.org")
    page.goto(confirm)
    expect(page.locator("main")).to_contain_text("Ihre Unterschrift ist bestätigt")
    page.goto(f"{live_server.url}/sign/{PA}/zusammen-mehr")
    expect(page.locator(".pf-count")).to_have_text("1 Unterstützende")
    expect(page.locator(".pf-signers")).to_contain_text("Max Mustermann, SV Sehnde")


@pytest.mark.usefixtures("demo")
def test_errors_are_beside_the_fields_and_the_first_takes_the_focus(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(f"{live_server.url}/join/{PA}")
    page.locator("#pf-organisation").fill("Gemeinde Ilsede")
    page.get_by_role("button", name="Bewerbung absenden").click()
    expect(page.locator(".pf-summary")).to_be_visible()
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "pf-kind"
    expect(page.locator("#pf-email-error")).to_contain_text("Bitte füllen Sie dieses Feld aus.")
    expect(page.locator("#pf-organisation")).to_have_value("Gemeinde Ilsede")


@pytest.mark.usefixtures("demo")
def test_an_application_becomes_a_partner_with_a_working_badge(
    app: Flask, live_server: LiveServer, page: Page, demo: Session
) -> None:
    page.goto(f"{live_server.url}/join/{PA}")
    page.locator("#pf-organisation").fill("Gemeinde Ilsede")
    page.get_by_label("Art der Organisation").select_option("municipality")
    page.locator("#pf-place").fill("Ilsede")
    page.get_by_label("Ansprechperson", exact=True).fill("Petra Beispiel")
    page.get_by_label("E-Mail-Adresse der Ansprechperson").fill("petra@ilsede.example")
    page.get_by_label("Ich bin einverstanden", exact=False).check()
    page.get_by_role("button", name="Bewerbung absenden").click()
    expect(page.locator("main")).to_contain_text("Ihre Bewerbung ist angekommen")
    demo.expire_all()
    application = demo.scalar(select(Application))
    assert application is not None
    with app.test_request_context():
        membership = moderation.approve_application(demo, application, "office")
    demo.commit()
    badge = _fetch(f"{live_server.url}/badge/{PA}/{membership.partner.slug}.svg")
    assert "Gemeinde Ilsede" in badge
    verify = [link for link in _last_links(demo, "petra@ilsede.example") if "/verify/" in link]
    assert verify
    page.goto(live_server.url + "/verify/" + verify[0].split("/verify/", 1)[1])
    expect(page.locator("main")).to_contain_text("Gemeinde Ilsede")
