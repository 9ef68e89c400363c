"""Accounts in the browser (admins only): list, create with a one-time password, grant and
revoke alliances, disable and enable, a new one-time password — the same rules and code
as ``widget-service users``, and every step in the audit log."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.office_support import PASSWORD, csrf_of, login, make_user, post
from widget_service import accounts
from widget_service.models import AuditEntry, Role, User

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
_ONE_TIME = re.compile(r'id="new-password" type="text" readonly value="([^"]+)"')


def _admin(client: FlaskClient, session: Session) -> User:
    user = make_user(session, "buero@example.org")
    login(client, "buero@example.org")
    return user


def _one_time_password(html: str) -> str:
    found = _ONE_TIME.search(html)
    assert found is not None, "no one-time password shown"
    return found.group(1)


def test_an_admin_creates_an_editor_who_logs_in_with_the_one_time_password(
    app: object, client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    page = client.get("/admin/accounts/")
    assert page.status_code == 200 and "buero@example.org" in page.get_data(as_text=True)
    response = post(
        client,
        "/admin/accounts/",
        {"email": "Redaktion@Example.org", "role": "editor", "alliances": [PA]},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    plain = _one_time_password(html)
    assert len(plain) >= accounts.MIN_PASSWORD_LENGTH
    created = accounts.find_user(demo, "redaktion@example.org")
    assert created is not None and created.role == Role.EDITOR
    assert [a.slug for a in created.alliances] == [PA]
    assert plain not in created.password_hash
    # shown once: the list does not show it again
    assert plain not in client.get("/admin/accounts/").get_data(as_text=True)
    newcomer = FlaskClient(client.application)
    assert login(newcomer, "redaktion@example.org", plain).status_code == 303
    # a one-time password opens nothing but the page to choose one's own
    for path in ("/admin/", "/admin/projects/"):
        held = newcomer.get(path)
        assert held.status_code == 302 and held.headers["Location"] == "/admin/password"
    assert "Einmalpasswort" in newcomer.get("/admin/password").get_data(as_text=True)
    changed = post(
        newcomer,
        "/admin/password",
        {"current": plain, "new": "mein-eigenes-passwort", "repeat": "mein-eigenes-passwort"},
    )
    assert changed.status_code == 303
    assert newcomer.get("/admin/projects/").status_code == 200
    logged = demo.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "user", AuditEntry.action == "create")
    ).all()
    assert any(
        e.label == "redaktion@example.org" and e.actor == "buero@example.org" for e in logged
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "role": "editor"}, "email", "Bitte füllen Sie dieses Feld aus."),
        ({"email": "kein-at", "role": "editor"}, "email", "name@example.org"),
        ({"email": "buero@example.org", "role": "editor"}, "email", "gibt es schon"),
        ({"email": "p@example.org", "role": "partner"}, "partner", "Partner"),
        (
            {"email": "e@example.org", "role": "editor", "partner": "stadt-peine"},
            "partner",
            "Nur ein Partnerzugang",
        ),
        ({"email": "e@example.org", "role": "kaiser"}, "role", "Liste"),
        ({"email": "e@example.org", "role": "editor", "alliances": ["nirgends"]}, "alliances", ""),
    ],
)
def test_a_bad_new_account_is_refused_beside_its_field(
    client: FlaskClient, demo: Session, data: dict[str, object], field: str, message: str
) -> None:
    _admin(client, demo)
    response = post(client, "/admin/accounts/", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="e-{field}"' in html and f'href="#f-{field}"' in html
    assert message in html
    assert 'id="new-password"' not in html
    assert len(accounts.all_users(demo)) == 1


def test_the_browser_and_the_shell_say_the_same_about_the_same_mistake(
    runner: FlaskCliRunner, demo: Session
) -> None:
    make_user(demo, "buero@example.org")
    shell = runner.invoke(args=["users", "create", "buero@example.org", "--password", PASSWORD])
    assert shell.exit_code == 1
    with pytest.raises(accounts.AccountInvalid) as raised:
        accounts.create_user(demo, "buero@example.org", PASSWORD, Role.EDITOR)
    assert raised.value.found[0].code == "account_exists"
    assert str(raised.value.found[0]) in shell.output


def test_grant_revoke_disable_enable_and_reset(client: FlaskClient, demo: Session) -> None:
    admin = _admin(client, demo)
    editor = make_user(demo, "redaktion@example.org", Role.EDITOR, alliances=(PA,))
    url = f"/admin/accounts/{editor.id}"
    assert post(client, f"{url}/grant", {"alliance": HZ}, form_page=url).status_code == 303
    demo.expire_all()
    assert {a.slug for a in editor.alliances} == {PA, HZ}
    assert post(client, f"{url}/revoke", {"alliance": PA}, form_page=url).status_code == 303
    demo.expire_all()
    assert [a.slug for a in editor.alliances] == [HZ]
    bad = post(client, f"{url}/grant", {"alliance": "nirgends"}, form_page=url)
    assert bad.status_code == 400 and 'id="e-grant"' in bad.get_data(as_text=True)

    session_of_editor = FlaskClient(client.application)
    login(session_of_editor, "redaktion@example.org")
    assert session_of_editor.get("/admin/").status_code == 200
    assert post(client, f"{url}/disable", {}, form_page=url).status_code == 303
    assert session_of_editor.get("/admin/").status_code == 302  # its session has ended
    assert login(session_of_editor, "redaktion@example.org").status_code == 400
    assert post(client, f"{url}/enable", {}, form_page=url).status_code == 303
    assert login(session_of_editor, "redaktion@example.org").status_code == 303

    reset = post(client, f"{url}/reset", {}, form_page=url)
    assert reset.status_code == 200
    plain = _one_time_password(reset.get_data(as_text=True))
    assert session_of_editor.get("/admin/").status_code == 302
    assert login(session_of_editor, "redaktion@example.org", PASSWORD).status_code == 400
    assert login(session_of_editor, "redaktion@example.org", plain).status_code == 303
    assert session_of_editor.get("/admin/").headers["Location"] == "/admin/password"

    # an admin cannot lock itself out
    own = post(client, f"/admin/accounts/{admin.id}/disable", {}, form_page=url)
    assert own.status_code == 400 and 'id="f-disable"' in own.get_data(as_text=True)
    demo.expire_all()
    assert admin.active

    changes = [
        entry.changes or {}
        for entry in demo.scalars(
            select(AuditEntry).where(
                AuditEntry.record_type == "user", AuditEntry.record_id == editor.id
            )
        )
    ]
    assert any("alliances" in change for change in changes)
    assert any(change.get("active") == [True, False] for change in changes)
    assert any(change.get("active") == [False, True] for change in changes)
    assert any(change.get("password_hash") == ["…", "…"] for change in changes)
    page = client.get(url).get_data(as_text=True)
    assert "buero@example.org" in page  # who did it, on the account's page


ACCOUNT_GETS = ("/admin/accounts/", "/admin/accounts/{id}")
ACCOUNT_POSTS = (
    "/admin/accounts/",
    "/admin/accounts/{id}/grant",
    "/admin/accounts/{id}/revoke",
    "/admin/accounts/{id}/disable",
    "/admin/accounts/{id}/enable",
    "/admin/accounts/{id}/reset",
)


@pytest.mark.parametrize(
    ("role", "reach"),
    [(Role.EDITOR, {"alliances": (PA,)}), (Role.PARTNER, {"partner": "landkreis-peine"})],
)
def test_editors_and_partner_accounts_are_refused(
    client: FlaskClient, demo: Session, role: Role, reach: dict[str, object]
) -> None:
    target = make_user(demo, "ziel@example.org", Role.EDITOR, alliances=(HZ,))
    make_user(demo, "jemand@example.org", role, **reach)  # type: ignore[arg-type]
    login(client, "jemand@example.org")
    for path in ACCOUNT_GETS:
        assert client.get(path.format(id=target.id)).status_code == 403, path
    token = csrf_of(client.get("/admin/"))
    for path in ACCOUNT_POSTS:
        response = client.post(
            path.format(id=target.id),
            data={"csrf_token": token, "alliance": PA, "email": "x@example.org", "role": "admin"},
        )
        assert response.status_code == 403, path
    assert "/admin/accounts/" not in client.get("/admin/").get_data(as_text=True)
    demo.expire_all()
    assert [a.slug for a in target.alliances] == [HZ] and target.active
    assert accounts.find_user(demo, "x@example.org") is None


def test_account_pages_refuse_csrf_less_posts_framing_and_caching(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    target = make_user(demo, "ziel@example.org", Role.EDITOR)
    for path in ACCOUNT_GETS:
        page = client.get(path.format(id=target.id))
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    for path in ACCOUNT_POSTS:
        url = path.format(id=target.id)
        assert client.post(url, data={"alliance": PA}).status_code == 400, url
        assert client.post(url, data={"csrf_token": "forged"}).status_code == 400, url
    demo.expire_all()
    assert target.active and not target.alliances
    assert client.get("/admin/accounts/999999").status_code == 404
