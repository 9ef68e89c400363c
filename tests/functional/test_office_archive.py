"""Archiving alliances, partners and calls from the office, and restoring them: an archived
record leaves every public list, widget, feed and the builder; a partner's badge and its
verification say that it is no longer a member; each step is in the audit log."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.functional.test_badge_routes import label_of
from tests.office_support import csrf_of, login, make_user, post
from widget_service import operations
from widget_service.models import (
    Alliance,
    AuditEntry,
    Call,
    Membership,
    Partner,
    Project,
    Role,
    Status,
)
from widget_service.timeutil import today

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"


def _admin(client: FlaskClient, session: Session) -> None:
    make_user(session, "buero@example.org")
    login(client, "buero@example.org")


def _id(session: Session, model: type, **where: str) -> int:
    found = session.scalar(select(model).filter_by(**where))
    assert found is not None
    return int(found.id)


def _call_id(session: Session, slug: str) -> int:
    found = session.scalar(select(Call).where(Call.slug == slug))
    assert found is not None
    return int(found.id)


def _archive(client: FlaskClient, section: str, record_id: int, restore: bool = False) -> int:
    action = "restore" if restore else "archive"
    return post(
        client,
        f"/admin/{section}/{record_id}/{action}",
        {},
        form_page="/admin/",  # the session's token, whichever page it is read from
    ).status_code


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_an_archived_partner_leaves_the_lists_and_its_badge_says_former_member(
    client: FlaskClient, demo: Session
) -> None:
    from widget_service.badges.links import verification_token

    _admin(client, demo)
    partner_id = _id(demo, Partner, slug="stadt-sehnde")
    name = "Stadtverwaltung Sehnde"
    membership = demo.scalar(
        select(Membership).where(
            Membership.partner_id == partner_id, Membership.alliance.has(slug=PA)
        )
    )
    assert membership is not None
    with client.application.test_request_context():
        token = verification_token(membership)
    lists = (
        f"/p/{PA}/partners",
        "/p/all/partners",
        f"/fragment/partners?alliance={PA}&limit=50",
        f"/embed/partners?alliance={PA}&limit=50",
    )
    for path in lists:
        assert name in _text(client, path), path
    assert "ehemaliges" not in label_of(client.get(f"/badge/{PA}/stadt-sehnde.svg").data)

    page = _text(client, f"/admin/partners/{partner_id}")
    assert "Archivieren" in page
    assert _archive(client, "partners", partner_id) == 303
    demo.expire_all()
    assert demo.get(Partner, partner_id).archived_on == today()  # type: ignore[union-attr]
    for path in lists:
        assert name not in _text(client, path), path
    assert client.get(f"/p/{PA}/projects?partner=stadt-sehnde").status_code == 404
    # where a resident meets the partner's badge, it says the membership has ended
    badge = client.get(f"/badge/{PA}/stadt-sehnde.svg")
    assert badge.status_code == 200 and "ehemaliges Mitglied" in label_of(badge.data)
    assert "ehemaliges Mitglied" in label_of(client.get(f"/badge/{HZ}/stadt-sehnde.svg").data)
    verify = _text(client, f"/verify/{token}")
    assert "nicht mehr Mitglied" in verify
    # the membership itself keeps its own dates and its council decision
    kept = demo.get(Membership, membership.id)
    assert kept is not None and kept.until is None and kept.resolution
    logged = demo.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "partner", AuditEntry.record_id == partner_id
        )
    ).all()
    assert any(
        entry.changes and entry.changes.get("archived_on") == [None, today().isoformat()]
        for entry in logged
    )
    assert "Wiederherstellen" in _text(client, f"/admin/partners/{partner_id}")

    assert _archive(client, "partners", partner_id, restore=True) == 303
    for path in lists:
        assert name in _text(client, path), path
    assert "ehemaliges" not in label_of(client.get(f"/badge/{PA}/stadt-sehnde.svg").data)
    assert "nicht mehr Mitglied" not in _text(client, f"/verify/{token}")
    logged_after = demo.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "partner", AuditEntry.record_id == partner_id
        )
    ).all()
    assert any(
        entry.changes and entry.changes.get("archived_on") == [today().isoformat(), None]
        for entry in logged_after
    )


def test_an_archived_call_leaves_pages_banners_and_the_builder(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    call_id = _call_id(demo, "zusammen-mehr")
    title = "ZUSAMMEN. MEHR."
    assert title in _text(client, f"/p/{PA}")
    assert title in _text(client, "/widgets")
    assert client.get(f"/banner/{PA}/zusammen-mehr.svg").status_code == 200
    assert _archive(client, "calls", call_id) == 303
    for path in (f"/p/{PA}", "/", "/widgets", f"/api/v1/{PA}/calls"):
        assert title not in _text(client, path), path
    assert client.get(f"/banner/{PA}/zusammen-mehr.svg").status_code == 404
    assert client.get(f"/p/{PA}/calls/zusammen-mehr").status_code == 404
    assert client.get(f"/c/{call_id}").status_code == 404  # the poster's short address
    listing = _text(client, "/admin/calls/?status=archived")
    assert title in listing
    assert title not in _text(client, "/admin/calls/?status=current")
    assert _archive(client, "calls", call_id, restore=True) == 303
    assert title in _text(client, f"/p/{PA}")
    assert client.get(f"/banner/{PA}/zusammen-mehr.svg").status_code == 200


def test_an_archived_alliance_is_shown_nowhere_and_its_badges_say_ended(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    alliance_id = _id(demo, Alliance, slug=HZ)
    project = demo.scalar(
        select(Project)
        .where(Project.alliance_id == alliance_id, Project.status == Status.PUBLISHED)
        .order_by(Project.published_at.desc())
        .limit(1)
    )
    assert project is not None
    title = str(escape(project.title))
    assert title in _text(client, "/p/all/projects")
    assert _archive(client, "alliances", alliance_id) == 303
    assert "Niedersachsen hält zusammen" not in _text(client, "/")
    assert "Niedersachsen hält zusammen" not in _text(client, "/widgets")
    for path in (f"/p/{HZ}", f"/feeds/{HZ}/projects.rss", f"/fragment/projects?alliance={HZ}"):
        assert client.get(path).status_code == 404, path
    assert title not in _text(client, "/p/all/projects")
    assert title not in _text(client, "/feeds/all/projects.rss?limit=100")
    badge = client.get(f"/badge/{HZ}/landkreis-peine.svg")
    assert "ehemaliges Mitglied" in label_of(badge.data)
    assert client.get(f"/p/{HZ}/partners/landkreis-peine").status_code == 404
    membership = demo.scalar(
        select(Membership).where(
            Membership.alliance_id == alliance_id, Membership.partner.has(slug="landkreis-peine")
        )
    )
    assert membership is not None
    with client.application.test_request_context():
        from widget_service.badges.links import verification_token

        token = verification_token(membership)
    verify = _text(client, f"/verify/{token}")
    assert "nicht mehr Mitglied" in verify and f'href="/p/{HZ}' not in verify
    # its partners that are members elsewhere stay members there
    assert "ehemaliges" not in label_of(client.get(f"/badge/{PA}/landkreis-peine.svg").data)
    assert "Landeshauptstadt Hannover" in _text(client, "/p/all/partners")
    assert "Bistum Hildesheim" not in _text(client, "/p/all/partners")  # only in HZ
    assert _archive(client, "alliances", alliance_id, restore=True) == 303
    assert client.get(f"/p/{HZ}").status_code == 200
    assert "ehemaliges" not in label_of(client.get(f"/badge/{HZ}/landkreis-peine.svg").data)


def test_archived_records_round_trip_through_export_and_import(demo: Session) -> None:
    partner = demo.scalar(select(Partner).where(Partner.slug == "stadt-peine"))
    assert partner is not None
    partner.archived_on = today()
    demo.commit()
    document = operations.export_document(demo)
    exported = next(p for p in document["partners"] if p["slug"] == "stadt-peine")
    assert exported["archived"] == today().isoformat()
    assert all("archived" not in a for a in document["alliances"])
    operations.import_document(demo, {"partners": [{**exported, "archived": None}], "calls": []})
    demo.expire_all()
    assert demo.get(Partner, partner.id).archived_on is None  # type: ignore[union-attr]
    operations.import_document(demo, {"partners": [exported]})
    demo.expire_all()
    assert demo.get(Partner, partner.id).archived_on == today()  # type: ignore[union-attr]


def test_who_may_archive_and_restore(client: FlaskClient, demo: Session) -> None:
    make_user(demo, "pa@example.org", Role.EDITOR, alliances=(PA,))
    login(client, "pa@example.org")
    own_alliance = _id(demo, Alliance, slug=PA)
    other_alliance = _id(demo, Alliance, slug=HZ)
    shared = _id(demo, Partner, slug="stadt-sehnde")  # a member of both alliances
    own_partner = _id(demo, Partner, slug="stadt-peine")  # a member of PA only
    other_partner = _id(demo, Partner, slug="bistum-hildesheim")  # of HZ only
    own_call = _call_id(demo, "zusammen-mehr")
    # archiving an alliance is the admins'; a shared partner needs every alliance it is in
    assert _archive(client, "alliances", own_alliance) == 403
    assert _archive(client, "alliances", other_alliance) == 403
    assert _archive(client, "partners", shared) == 403
    assert _archive(client, "partners", other_partner) == 403
    assert "Archivieren" not in _text(client, f"/admin/partners/{shared}")
    assert _archive(client, "partners", own_partner) == 303
    assert _archive(client, "partners", own_partner, restore=True) == 303
    assert _archive(client, "calls", own_call) == 303
    demo.expire_all()
    assert demo.get(Alliance, own_alliance).archived_on is None  # type: ignore[union-attr]
    assert demo.get(Partner, shared).archived_on is None  # type: ignore[union-attr]
    assert demo.get(Partner, own_partner).archived_on is None  # type: ignore[union-attr]
    assert demo.get(Call, own_call).archived_on == today()  # type: ignore[union-attr]

    # an editor of the other alliance cannot restore it, by form either
    other = FlaskClient(client.application)
    make_user(demo, "hz@example.org", Role.EDITOR, alliances=(HZ,))
    login(other, "hz@example.org")
    token = csrf_of(other.get("/admin/"))
    refused = other.post(f"/admin/calls/{own_call}/restore", data={"csrf_token": token})
    assert refused.status_code == 403
    # without the CSRF token nothing happens
    assert client.post(f"/admin/calls/{own_call}/restore").status_code == 400
    demo.expire_all()
    assert demo.get(Call, own_call).archived_on == today()  # type: ignore[union-attr]


def test_a_partner_account_cannot_archive_and_its_restored_items_wait(
    client: FlaskClient, demo: Session
) -> None:
    make_user(demo, "peine@example.org", Role.PARTNER, partner="landkreis-peine")
    login(client, "peine@example.org")
    partner_id = _id(demo, Partner, slug="landkreis-peine")
    token = csrf_of(client.get("/admin/"))
    for url in (
        f"/admin/partners/{partner_id}/archive",
        f"/admin/calls/{_call_id(demo, 'zusammen-mehr')}/archive",
        f"/admin/alliances/{_id(demo, Alliance, slug=PA)}/restore",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    own = demo.scalar(select(Project).where(Project.partner_id == partner_id))
    assert own is not None
    assert _archive(client, "projects", own.id) == 303
    assert _archive(client, "projects", own.id, restore=True) == 303
    demo.expire_all()
    # restoring does not bypass moderation: an untrusted partner's item waits
    assert demo.get(Project, own.id).status == Status.PENDING  # type: ignore[union-attr]


@pytest.mark.parametrize("section", ["alliances", "partners", "calls"])
def test_archive_pages_refuse_framing_and_caching(
    client: FlaskClient, demo: Session, section: str
) -> None:
    _admin(client, demo)
    model = {"alliances": Alliance, "partners": Partner, "calls": Call}[section]
    record_id = demo.scalar(select(model.id).limit(1))
    token = csrf_of(client.get(f"/admin/{section}/{record_id}"))
    response = client.post(f"/admin/{section}/{record_id}/archive", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    page = client.get(f"/admin/{section}/?status=archived")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
