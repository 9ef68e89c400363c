"""The office's gate: login, sessions, CSRF, throttling, headers, and who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.office_support import PASSWORD, csrf_of, login, make_user, post
from widget_service import accounts
from widget_service.models import Event, Project, Role, Status

OFFICE_PAGES = (
    "/admin/",
    "/admin/queue/",
    "/admin/projects/",
    "/admin/projects/new",
    "/admin/events/",
    "/admin/partners/",
    "/admin/memberships/",
    "/admin/calls/",
    "/admin/alliances/",
    "/admin/sources/state",
    "/admin/tokens/",
    "/admin/statistics",
    "/admin/audit",
    "/admin/accounts/",
    "/admin/accounts/{me}",
    "/admin/partners/?status=archived",
    "/admin/password",
)


def test_an_office_page_without_a_session_leads_to_the_login(client: FlaskClient) -> None:
    response = client.get("/admin/projects/?q=peine")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/projects/?q%3Dpeine"
    assert response.headers["Cache-Control"] == "no-store"


def test_login_then_every_office_page_answers_private_and_unframed(
    client: FlaskClient, demo: Session
) -> None:
    me = make_user(demo, "buero@example.org")
    response = login(client, "Buero@Example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    for path in ("/admin/login", *(page.format(me=me.id) for page in OFFICE_PAGES)):
        page = client.get(path, follow_redirects=path == "/admin/login")
        assert page.status_code == 200, path
        assert page.headers["Cache-Control"] == "no-store", path
        assert page.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"], path


def test_the_session_cookie_is_limited_to_the_office(
    make_app: Any, config: dict[str, Any], demo: Session
) -> None:
    app: Flask = make_app({**config, "ENV": "production"})
    client = app.test_client()
    make_user(demo, "buero@example.org")
    assert client.get("/").headers.get("Set-Cookie") is None
    page = client.get("/admin/login")
    cookie = page.headers["Set-Cookie"]
    response = client.post(
        "/admin/login",
        data={"email": "buero@example.org", "password": PASSWORD, "csrf_token": csrf_of(page)},
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("widgets_office=")
    flags = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")}
    assert "httponly" in flags and "secure" in flags
    assert flags["path"].strip() == "Path=/admin"
    assert flags["samesite"].strip() == "SameSite=Lax"
    # the public pages still set no cookie, whoever visits them
    for path in ("/", "/p/niedersachsen-packt-an", "/widgets"):
        assert client.get(path).headers.get("Set-Cookie") is None, path


def test_a_wrong_password_is_refused_and_says_nothing_about_the_account(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "buero@example.org")
    wrong = login(client, "buero@example.org", "falsches-passwort-99")
    unknown = login(client, "niemand@example.org", "falsches-passwort-99")
    assert wrong.status_code == unknown.status_code == 400
    assert "nicht richtig" in wrong.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_a_post_without_a_valid_csrf_token_is_refused(client: FlaskClient, demo: Session) -> None:
    make_user(demo, "buero@example.org")
    assert (
        client.post(
            "/admin/login", data={"email": "buero@example.org", "password": PASSWORD}
        ).status_code
        == 400
    )
    login(client, "buero@example.org")
    project = demo.scalar(select(Project).where(Project.status == Status.PUBLISHED))
    assert project is not None
    url = f"/admin/projects/{project.id}/archive"
    assert client.post(url).status_code == 400
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 400
    demo.expire_all()
    assert demo.get(Project, project.id).status == Status.PUBLISHED  # type: ignore[union-attr]
    assert post(client, url, {}, form_page=f"/admin/projects/{project.id}").status_code == 303
    demo.expire_all()
    assert demo.get(Project, project.id).status == Status.ARCHIVED  # type: ignore[union-attr]


def test_repeated_wrong_passwords_are_throttled_per_account(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "buero@example.org")
    statuses = [
        login(client, "buero@example.org", "falsch-falsch-falsch").status_code for _ in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    refused = login(client, "buero@example.org")  # even the right password waits now
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    # another account from the same address is not locked out by this one
    make_user(session, "zweite@example.org")
    assert login(client, "zweite@example.org").status_code == 303


def test_changing_the_password_ends_other_sessions(app: Flask, session: Session) -> None:
    make_user(session, "buero@example.org")
    first, second = app.test_client(), app.test_client()
    login(first, "buero@example.org")
    login(second, "buero@example.org")
    changed = post(
        first,
        "/admin/password",
        {"current": PASSWORD, "new": "ein-neues-passwort-2", "repeat": "ein-neues-passwort-2"},
    )
    assert changed.status_code == 303
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 302
    assert login(second, "buero@example.org", "ein-neues-passwort-2").status_code == 303


def test_a_disabled_account_is_logged_out_at_once(client: FlaskClient, session: Session) -> None:
    make_user(session, "buero@example.org")
    login(client, "buero@example.org")
    assert client.get("/admin/").status_code == 200
    accounts.disable(session, "buero@example.org")
    assert client.get("/admin/").status_code == 302
    assert login(client, "buero@example.org").status_code == 400


def _record_id(session: Session, model: Any, alliance: str) -> int:
    from widget_service.models import Alliance

    found = session.scalar(
        select(model)
        .join(Alliance, model.alliance_id == Alliance.id)
        .where(Alliance.slug == alliance)
    )
    assert found is not None
    return int(found.id)


def test_an_editor_of_one_alliance_cannot_read_or_change_another(
    client: FlaskClient, demo: Session
) -> None:
    make_user(demo, "peine@example.org", Role.EDITOR, alliances=("niedersachsen-packt-an",))
    login(client, "peine@example.org")
    own = _record_id(demo, Project, "niedersachsen-packt-an")
    other = _record_id(demo, Project, "niedersachsen-haelt-zusammen")
    other_event = _record_id(demo, Event, "niedersachsen-haelt-zusammen")
    assert client.get(f"/admin/projects/{own}").status_code == 200
    assert client.get(f"/admin/projects/{other}").status_code == 403
    assert client.get(f"/admin/events/{other_event}").status_code == 403
    listing = client.get("/admin/projects/").get_data(as_text=True)
    title = demo.get(Project, other).title  # type: ignore[union-attr]
    assert title not in listing
    token = csrf_of(client.get(f"/admin/projects/{own}"))
    changed = client.post(
        f"/admin/projects/{other}", data={"title": "Gekapert", "csrf_token": token}
    )
    assert changed.status_code == 403
    archived = client.post(f"/admin/projects/{other}/archive", data={"csrf_token": token})
    assert archived.status_code == 403
    # by form: a new record for the other alliance is refused
    created = client.post(
        "/admin/projects/new",
        data={"alliance": "niedersachsen-haelt-zusammen", "title": "Fremd", "csrf_token": token},
    )
    assert created.status_code == 403
    demo.expire_all()
    assert demo.get(Project, other).title == title  # type: ignore[union-attr]
    assert demo.get(Project, other).status == Status.PUBLISHED  # type: ignore[union-attr]
    assert client.get("/admin/audit").status_code == 403  # the whole log is the admins'


def test_a_partner_account_reaches_only_its_own_items(client: FlaskClient, demo: Session) -> None:
    make_user(demo, "peine@example.org", Role.PARTNER, partner="landkreis-peine")
    login(client, "peine@example.org")
    own = demo.scalar(select(Project).where(Project.partner.has(slug="landkreis-peine")))
    other = demo.scalar(select(Project).where(~Project.partner.has(slug="landkreis-peine")))
    assert own is not None and other is not None
    assert client.get(f"/admin/projects/{own.id}").status_code == 200
    assert client.get(f"/admin/projects/{other.id}").status_code == 403
    for path in (
        "/admin/partners/",
        "/admin/memberships/",
        "/admin/queue/",
        "/admin/tokens/",
        "/admin/statistics",
    ):
        assert client.get(path).status_code == 403, path
    listing = client.get("/admin/projects/").get_data(as_text=True)
    assert own.title in listing and other.title not in listing
    # a new project is the partner's own and waits for the office
    response = post(
        client,
        "/admin/projects/new",
        {
            "alliance": "niedersachsen-packt-an",
            "title": "Sprachcafé in Peine",
            "partner": "stadt-sehnde",
            "status": "published",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    created = demo.scalar(select(Project).where(Project.title == "Sprachcafé in Peine"))
    assert created is not None
    assert created.partner is not None and created.partner.slug == "landkreis-peine"
    assert created.status == Status.PENDING


@pytest.mark.parametrize(
    "path", ["/admin/projects/999999", "/admin/projects/0", "/admin/queue/project-abc"]
)
def test_unknown_records_are_not_found(client: FlaskClient, session: Session, path: str) -> None:
    make_user(session, "buero@example.org")
    login(client, "buero@example.org")
    assert client.get(path).status_code == 404
