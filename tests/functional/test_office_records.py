"""The office's records, moderation queue and audit log, through the browser's forms."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.functional.test_badge_routes import label_of
from tests.office_support import login, make_user, post
from widget_service import mail
from widget_service.models import (
    Alliance,
    Application,
    ApplicationStatus,
    AuditEntry,
    Channel,
    Membership,
    OutgoingMail,
    Partner,
    PartnerKind,
    Project,
    Status,
)
from widget_service.timeutil import today

PA = "niedersachsen-packt-an"


def _admin(client: FlaskClient, session: Session) -> None:
    make_user(session, "buero@example.org")
    login(client, "buero@example.org")


def _pending_suggestion(session: Session, title: str = "Nähcafé für alle") -> Project:
    alliance = session.scalar(select(Alliance).where(Alliance.slug == PA))
    project = Project(
        alliance=alliance,
        slug="naehcafe-fuer-alle",
        title=title,
        summary="Wir nähen zusammen.",
        status=Status.PENDING,
        channel=Channel.SUBMISSION,
        submitter_name="Erika Muster",
        submitter_email="erika@example.org",
    )
    session.add(project)
    session.commit()
    return project


def test_creating_a_project_validates_beside_each_field_then_publishes(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    bad = post(
        client,
        "/admin/projects/new",
        {"alliance": PA, "title": "", "link": "ftp://x", "status": "published"},
    )
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert 'href="#f-title"' in page and 'href="#f-link"' in page  # the error summary
    assert 'id="e-link"' in page and 'aria-invalid="true"' in page
    good = post(
        client,
        "/admin/projects/new",
        {
            "alliance": PA,
            "title": "Lesepaten in Sehnde",
            "summary": "Ehrenamtliche lesen vor.",
            "body": "<p>Jeden Dienstag.</p><script>alert(1)</script>",
            "partner": "stadt-sehnde",
            "fields": ["sprachfoerderung"],
            "status": "published",
            "kind": "project",
        },
        form_page="/admin/projects/new",
    )
    assert good.status_code == 303, good.get_data(as_text=True)
    project = demo.scalar(select(Project).where(Project.slug == "lesepaten-in-sehnde"))
    assert project is not None
    assert project.status == Status.PUBLISHED and project.channel == Channel.OFFICE
    assert "<script>" not in project.body and "<p>Jeden Dienstag.</p>" in project.body
    assert [f.slug for f in project.fields] == ["sprachfoerderung"]
    # it is public at once: widget and feed
    assert "Lesepaten in Sehnde" in client.get(f"/fragment/projects?alliance={PA}").get_data(
        as_text=True
    )
    assert "Lesepaten in Sehnde" in client.get(f"/feeds/{PA}/projects.rss").get_data(as_text=True)
    # and the audit log on its page names who did it
    record = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "buero@example.org" in record and "create" in record


def test_search_and_filter_the_records(client: FlaskClient, demo: Session) -> None:
    _admin(client, demo)
    _pending_suggestion(demo)
    found = client.get("/admin/projects/?q=n%C3%A4hcaf%C3%A9&status=pending").get_data(as_text=True)
    assert "Nähcafé für alle" in found
    none = client.get("/admin/projects/?q=nähcafé&status=published").get_data(as_text=True)
    assert "Nähcafé für alle" not in none
    partners = client.get("/admin/partners/?q=peine").get_data(as_text=True)
    assert "Landkreis Peine" in partners and "Stadt Sehnde" not in partners


def test_ending_a_membership_ends_badge_and_verification_at_once(
    client: FlaskClient, demo: Session
) -> None:
    from widget_service.badges.links import verification_token

    _admin(client, demo)
    membership = demo.scalar(
        select(Membership).where(
            Membership.partner.has(slug="stadt-sehnde"), Membership.alliance.has(slug=PA)
        )
    )
    assert membership is not None and membership.is_active()
    resolution = membership.resolution
    before = client.get(f"/badge/{PA}/stadt-sehnde.svg").data
    assert "ehemaliges" not in label_of(before)
    with client.application.test_request_context():
        token = verification_token(membership)
    response = post(
        client,
        f"/admin/memberships/{membership.id}/end",
        {"until": today().isoformat()},
        form_page=f"/admin/memberships/{membership.id}",
    )
    assert response.status_code == 303
    demo.expire_all()
    ended = demo.get(Membership, membership.id)
    assert ended is not None and ended.until == today() and ended.resolution == resolution
    assert "ehemaliges Mitglied" in label_of(client.get(f"/badge/{PA}/stadt-sehnde.svg").data)
    verify = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "nicht mehr Mitglied" in verify or "no longer a member" in verify


def test_moderation_publishes_an_item_exactly_once_and_tells_the_submitter(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    project = _pending_suggestion(demo)
    queue = client.get("/admin/queue/").get_data(as_text=True)
    assert "Nähcafé für alle" in queue
    item_page = client.get(f"/admin/queue/project-{project.id}").get_data(as_text=True)
    assert 'class="aw-item-title"' in item_page  # previewed in its widget's markup
    assert "Nähcafé für alle" not in client.get(f"/fragment/projects?alliance={PA}").get_data(
        as_text=True
    )
    first = post(
        client,
        f"/admin/queue/project-{project.id}/approve",
        {},
        form_page=f"/admin/queue/project-{project.id}",
    )
    assert first.status_code == 303
    again = post(
        client,
        f"/admin/queue/project-{project.id}/reject",
        {"reason": "zu spät"},
        form_page="/admin/queue/",
    )
    assert again.status_code in (303, 404)
    demo.expire_all()
    stored = demo.get(Project, project.id)
    assert (
        stored is not None and stored.status == Status.PUBLISHED and stored.rejection_reason is None
    )
    assert "Nähcafé für alle" in client.get(f"/fragment/projects?alliance={PA}").get_data(
        as_text=True
    )
    sent = demo.scalars(
        select(OutgoingMail).where(OutgoingMail.recipient == "erika@example.org")
    ).all()
    assert len(sent) == 1 and "veröffentlicht" in sent[0].text
    decisions = demo.scalars(
        select(AuditEntry).where(
            AuditEntry.record_id == project.id, AuditEntry.action.in_(["approve", "reject"])
        )
    ).all()
    assert [entry.action for entry in decisions] == ["approve"]


def test_rejecting_needs_a_reason_which_the_submitter_is_told(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    project = _pending_suggestion(demo)
    url = f"/admin/queue/project-{project.id}"
    empty = post(client, url + "/reject", {"reason": "  "}, form_page=url)
    assert empty.status_code == 400 and 'id="e-reason"' in empty.get_data(as_text=True)
    done = post(client, url + "/reject", {"reason": "Das ist Werbung."}, form_page=url)
    assert done.status_code == 303
    demo.expire_all()
    stored = demo.get(Project, project.id)
    assert stored is not None and stored.status == Status.REJECTED
    assert stored.rejection_reason == "Das ist Werbung."
    told = demo.scalar(select(OutgoingMail).where(OutgoingMail.recipient == "erika@example.org"))
    assert told is not None and "Das ist Werbung." in told.text


def test_edit_then_approve(client: FlaskClient, demo: Session) -> None:
    _admin(client, demo)
    project = _pending_suggestion(demo)
    response = post(
        client,
        f"/admin/projects/{project.id}",
        {
            "title": "Nähcafé im Gemeindehaus",
            "summary": "Korrigiert.",
            "status": "pending",
            "kind": "project",
            "then": "approve",
        },
    )
    assert response.status_code == 303
    demo.expire_all()
    stored = demo.get(Project, project.id)
    assert stored is not None
    assert (stored.title, stored.status) == ("Nähcafé im Gemeindehaus", Status.PUBLISHED)


def test_approving_an_application_creates_partner_membership_and_mails_the_badge(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    alliance = demo.scalar(select(Alliance).where(Alliance.slug == PA))
    application = Application(
        alliance=alliance,
        organisation="Gemeinde Lehrte",
        kind=PartnerKind.MUNICIPALITY,
        place="Lehrte",
        region="Region Hannover",
        contact_name="Max Muster",
        contact_email="max@lehrte.example",
        resolution="Rat, Beschluss 2026/12, 01.11.2026",
    )
    demo.add(application)
    demo.commit()
    url = f"/admin/queue/application-{application.id}"
    assert "Gemeinde Lehrte" in client.get(url).get_data(as_text=True)
    assert post(client, url + "/approve", {}, form_page=url).status_code == 303
    partner = demo.scalar(select(Partner).where(Partner.slug == "gemeinde-lehrte"))
    assert partner is not None and partner.region == "Region Hannover"
    membership = demo.scalar(select(Membership).where(Membership.partner_id == partner.id))
    assert membership is not None and membership.since == today()
    assert membership.resolution == "Rat, Beschluss 2026/12, 01.11.2026"
    demo.expire_all()
    assert demo.get(Application, application.id).status == ApplicationStatus.APPROVED  # type: ignore[union-attr]
    welcome = demo.scalar(
        select(OutgoingMail).where(OutgoingMail.recipient == "max@lehrte.example")
    )
    assert welcome is not None
    assert "/verify/" in welcome.text and f"/badge/{PA}/gemeinde-lehrte.svg" in welcome.text
    assert client.get(f"/badge/{PA}/gemeinde-lehrte.svg").status_code == 200


def test_every_write_leaves_an_audit_line_in_its_transaction(
    client: FlaskClient, demo: Session
) -> None:
    _admin(client, demo)
    project = demo.scalar(select(Project).where(Project.slug.is_not(None)))
    assert project is not None
    post(
        client,
        f"/admin/projects/{project.id}",
        {"title": "Neuer Titel", "kind": project.kind.value, "status": "published"},
    )
    entry = demo.scalars(
        select(AuditEntry)
        .where(AuditEntry.record_type == "project", AuditEntry.record_id == project.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert (entry.actor, entry.action) == ("buero@example.org", "update")
    assert entry.user_id is not None
    assert entry.changes is not None and entry.changes["title"][1] == "Neuer Titel"
    # a write that fails leaves no line either
    count = len(demo.scalars(select(AuditEntry)).all())
    post(
        client,
        f"/admin/projects/{project.id}",
        {"title": "", "kind": "project", "status": "published"},
    )
    assert len(demo.scalars(select(AuditEntry)).all()) == count
    assert "Neuer Titel" in client.get("/admin/audit").get_data(as_text=True)


def test_mail_from_the_office_waits_in_the_queue(demo: Session) -> None:
    assert mail.waiting(demo) == []
