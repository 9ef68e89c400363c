"""The office in real Chromium: a new admin's way from the shell to a published project,
and no axe violation on any office page, also on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.office_support import PASSWORD, make_user
from widget_service import reach
from widget_service.models import Alliance, Channel, Partner, Project, Status
from widget_service.timeutil import today

from .conftest import LiveServer
from .test_widgets_in_chromium import axe_violations

pytestmark = pytest.mark.browser
PA = "niedersachsen-packt-an"


def _log_in(page: Page, base: str, email: str = "buero@example.org") -> None:
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschäftsstelle")


def test_a_new_admin_publishes_a_project_from_login_to_widget_and_feed(
    app: Flask, live_server: LiveServer, page: Page, demo: Session
) -> None:
    created = app.test_cli_runner().invoke(
        args=["users", "create", "buero@example.org", "--role", "admin", "--password", PASSWORD]
    )
    assert created.exit_code == 0, created.output
    base = live_server.url
    _log_in(page, base)
    # a new project, entered as waiting, so it passes through the moderation queue
    page.get_by_role("link", name="Projekte", exact=True).click()
    page.get_by_role("link", name=re.compile("^Neu")).click()
    page.get_by_label("Bündnis").select_option(PA)
    page.get_by_label("Titel").fill("Patenschaften für Azubis")
    page.get_by_label("Kurzbeschreibung (einfacher Text)").fill(
        "Ehrenamtliche begleiten Auszubildende."
    )
    page.get_by_label("Status").select_option("pending")
    page.get_by_label("Partner", exact=True).select_option("stadt-sehnde")
    page.get_by_label("Arbeitsmarktintegration").check()
    page.get_by_label("Link", exact=True).fill("kein link")
    page.get_by_role("button", name="Speichern", exact=True).click()
    # the error summary leads to the field
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Link", exact=True)).to_be_focused()
    page.get_by_label("Link", exact=True).fill("https://www.sehnde.de/azubis")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Gespeichert")
    assert (
        "Patenschaften für Azubis"
        not in page.request.get(f"{base}/fragment/projects?alliance={PA}").text()
    )
    # the queue previews it as the widget will show it, then publishes it
    page.get_by_role("link", name="Freigaben").click()
    page.get_by_role("link", name="Patenschaften für Azubis").click()
    expect(page.locator(".preview .aw-item-title")).to_have_text("Patenschaften für Azubis")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_role("status")).to_contain_text("Veröffentlicht")
    # visible in the widget and the feed
    page.goto(f"{base}/embed/projects?alliance={PA}")
    expect(page.get_by_role("link", name="Patenschaften für Azubis")).to_be_visible()
    feed = page.request.get(f"{base}/feeds/{PA}/projects.rss").text()
    assert "Patenschaften für Azubis" in feed
    stored = demo.scalar(select(Project).where(Project.title == "Patenschaften für Azubis"))
    assert stored is not None and stored.status == Status.PUBLISHED
    assert [field.slug for field in stored.fields] == ["arbeitsmarktintegration"]
    # a member's site shows the call's banner; the statistics say where
    banner = f"{base}/banner/niedersachsen-packt-an/zusammen-mehr.svg"
    page_html = f'<!doctype html><title>Sehnde</title><img src="{banner}" alt="Aufruf">'.encode()

    def member_site(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page_html]

    with LiveServer(member_site) as member, page.expect_response(banner):  # type: ignore[arg-type]
        page.goto(f"{member.url}/leben/buendnis")
    reach.counter(app).flush()
    page.goto(f"{base}/admin/statistics")
    expect(page.get_by_role("row", name=re.compile("zusammen-mehr"))).to_contain_text(member.url)


def _office_data(demo: Session) -> dict[str, Any]:
    alliance = demo.scalar(select(Alliance).where(Alliance.slug == PA))
    waiting = Project(
        alliance=alliance,
        slug="vorschlag",
        title="Ein Vorschlag",
        summary="Bitte prüfen.",
        status=Status.PENDING,
        channel=Channel.SUBMISSION,
        submitter_name="E. Muster",
    )
    demo.add(waiting)
    archived = demo.scalar(select(Partner).where(Partner.slug == "stadt-peine"))
    assert archived is not None
    archived.archived_on = today()
    demo.commit()
    me = make_user(demo, "buero@example.org")
    return {"waiting": waiting.id, "archived": archived.id, "me": me.id}


@pytest.mark.parametrize("width", [1280, 375])
def test_office_pages_have_no_axe_violations(
    live_server: LiveServer, page: Page, demo: Session, width: int
) -> None:
    data = _office_data(demo)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/admin/login")
    assert axe_violations(page) == [], "/admin/login"
    _log_in(page, live_server.url)
    project = demo.scalar(select(Project).where(Project.status == Status.PUBLISHED))
    assert project is not None
    paths = [
        "/admin/",
        "/admin/queue/",
        f"/admin/queue/project-{data['waiting']}",
        "/admin/projects/?q=sprach",
        f"/admin/projects/{project.id}",
        "/admin/events/new",
        "/admin/memberships/",
        "/admin/memberships/1",
        "/admin/alliances/1",
        "/admin/tokens/",
        "/admin/sources/state",
        "/admin/statistics",
        "/admin/audit",
        "/admin/accounts/",
        f"/admin/accounts/{data['me']}",
        f"/admin/partners/{data['archived']}",
        "/admin/partners/?status=archived",
        "/admin/password",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
        # nothing but a wide table scrolls sideways on a phone
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    # a form with its errors shown
    page.goto(f"{live_server.url}/admin/projects/new")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == [], "form with errors"
    page.goto(f"{live_server.url}/admin/accounts/")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == [], "account form with errors"


def test_an_admin_creates_an_account_and_archives_a_partner_in_the_browser(
    live_server: LiveServer, page: Page, browser: Any, demo: Session
) -> None:
    make_user(demo, "buero@example.org")
    base = live_server.url
    _log_in(page, base)
    page.get_by_role("link", name="Konten").click()
    page.get_by_label("E-Mail-Adresse").fill("kein-at")
    page.get_by_label("Redaktion: die freigegebenen Bündnisse").check()
    page.get_by_label("Niedersachsen packt an").check()
    page.get_by_role("button", name="Konto anlegen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("E-Mail-Adresse")).to_be_focused()
    page.get_by_label("E-Mail-Adresse").fill("redaktion@example.org")
    page.get_by_role("button", name="Konto anlegen").click()
    one_time = page.get_by_label("Einmalpasswort für redaktion@example.org")
    plain = one_time.input_value()
    assert len(plain) >= 12
    assert axe_violations(page) == [], "the one-time password shown"
    # the new editor logs in with it, in a browser of its own
    other = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    newcomer = other.new_page()
    newcomer.goto(f"{base}/admin/")
    newcomer.get_by_label("E-Mail-Adresse").fill("redaktion@example.org")
    newcomer.get_by_label("Passwort").fill(plain)
    newcomer.get_by_role("button", name="Anmelden").click()
    # the one-time password opens only the page to choose one's own
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Passwort ändern")
    newcomer.locator("#f-current").fill(plain)
    newcomer.locator("#f-new").fill("mein-eigenes-passwort")
    newcomer.locator("#f-repeat").fill("mein-eigenes-passwort")
    newcomer.get_by_role("button", name="Passwort ändern").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Geschäftsstelle")
    expect(newcomer.get_by_role("link", name="Konten")).to_have_count(0)
    other.close()
    # archive a partner: it leaves the partner widget, its badge says former member
    partners = f"{base}/fragment/partners?alliance={PA}&limit=50"
    assert "Stadt Peine" in page.request.get(partners).text()
    page.goto(f"{base}/admin/partners/?q=stadt+peine")
    page.get_by_role("link", name="Stadt Peine", exact=True).click()
    page.get_by_role("button", name="Archivieren").click()
    expect(page.get_by_role("status")).to_contain_text("Archiviert")
    assert axe_violations(page) == [], "an archived partner"
    assert "Stadt Peine" not in page.request.get(partners).text()
    page.goto(f"{base}/badge/{PA}/stadt-peine.svg")
    assert "ehemaliges Mitglied" in (page.locator("svg").get_attribute("aria-label") or "")
    page.goto(f"{base}/admin/partners/?status=archived")
    page.get_by_role("link", name="Stadt Peine", exact=True).click()
    page.get_by_role("button", name="Wiederherstellen").click()
    expect(page.get_by_role("status")).to_contain_text("Wiederhergestellt")
    assert "Stadt Peine" in page.request.get(partners).text()
