"""The moderation queue: what waits for the office, and its decisions.

Waiting are public suggestions and partners' items (projects, stories and events with
status ``pending``) and applications to become a partner. Each decision moves an item
exactly once: the status changes only where it is still ``pending`` (one conditional
``UPDATE``), so two people deciding at once, or a button pressed twice, cannot publish
and reject the same item, nor send two mails. Decisions are written in the caller's
transaction with their audit line and the mail to the submitter, when an address is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from . import audit, mail
from .errors import NotFound, ValidationError
from .federation import pictures
from .models import (
    Alliance,
    Application,
    ApplicationStatus,
    Channel,
    Event,
    Membership,
    Partner,
    Project,
    Status,
)
from .text import slugify
from .timeutil import today, utcnow

Item = Project | Event
KINDS: dict[str, type[Any]] = {"project": Project, "event": Event, "application": Application}
MAX_REASON = 1000


class AlreadyDecided(ValidationError):
    """The item is no longer waiting: somebody decided it already."""

    def __init__(self, ident: str) -> None:
        super().__init__([f"{ident} has been decided already"])
        self.ident = ident


@dataclass(frozen=True)
class Waiting:
    """One entry of the queue."""

    ident: str  # "project-12", "event-3", "application-5"
    kind: str  # project, story, event, application
    title: str
    alliance: Alliance
    created_at: dt.datetime
    submitter: str  # who sent it, in words
    target: Any

    def line(self) -> str:
        return f"{self.ident}  {self.kind}  {self.title}  ({self.alliance.slug}, {self.submitter})"


def ident_of(target: Any) -> str:
    """The queue's name for an item: ``project-12``."""
    kind = "application" if isinstance(target, Application) else type(target).__name__.lower()
    return f"{kind}-{target.id}"


def _submitter(target: Item | Application) -> str:
    if isinstance(target, Application):
        return target.contact_name
    if target.partner is not None and (
        target.submitted_by_id is not None or target.channel == Channel.API
    ):
        return target.partner.name
    return target.submitter_name or target.channel.value


def queue(session: Session, alliance_ids: list[int] | None = None) -> list[Waiting]:
    """Everything that waits, oldest first (the queue's age is how long the first waits)."""
    found: list[Waiting] = []
    models: tuple[type[Project] | type[Event], ...] = (Project, Event)
    for model in models:
        query: Any = (
            select(model)
            .where(model.status == Status.PENDING)
            .options(selectinload(model.alliance), selectinload(model.partner))
        )
        if alliance_ids is not None:
            query = query.where(model.alliance_id.in_(alliance_ids))
        item: Item
        for item in session.scalars(query):
            kind = item.kind.value if isinstance(item, Project) else "event"
            found.append(
                Waiting(
                    ident_of(item),
                    kind,
                    item.title,
                    item.alliance,
                    item.created_at,
                    _submitter(item),
                    item,
                )
            )
    query_a = (
        select(Application)
        .where(Application.status == ApplicationStatus.PENDING)
        .options(selectinload(Application.alliance))
    )
    if alliance_ids is not None:
        query_a = query_a.where(Application.alliance_id.in_(alliance_ids))
    for application in session.scalars(query_a):
        found.append(
            Waiting(
                ident_of(application),
                "application",
                application.organisation,
                application.alliance,
                application.created_at,
                _submitter(application),
                application,
            )
        )
    found.sort(key=lambda entry: (entry.created_at, entry.ident))
    return found


def find(session: Session, ident: str) -> Any:
    """The project, event or application a queue name (``project-12``) stands for."""
    kind, _, number = ident.strip().partition("-")
    model = KINDS.get(kind)
    if model is None or not number.isdigit() or not 0 < int(number) < 2**31:
        raise NotFound("item", ident)
    target = session.get(model, int(number))
    if target is None:
        raise NotFound(kind, ident)
    return target


def _claim(session: Session, target: Any, values: dict[str, Any]) -> None:
    """Move a pending item on, exactly once: raise :class:`AlreadyDecided` when it was not
    pending any more."""
    model = type(target)
    pending = ApplicationStatus.PENDING if model is Application else Status.PENDING
    result = session.execute(
        update(model)
        .where(model.id == target.id, model.status == pending)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided(ident_of(target))
    session.refresh(target)


def _site_url(endpoint: str, **values: Any) -> str | None:
    """An absolute link for a mail, or None where the instance does not know its address."""
    from .http import external_url

    if not has_request_context() and not current_app.config.get("PUBLIC_URL"):
        return None
    try:
        return external_url(endpoint, **values)
    except RuntimeError:
        return None


def approve(session: Session, item: Item, actor: str) -> None:
    """Publish a pending project, story or event; tell its submitter. The caller commits."""
    session.flush()  # an edit made before approving is written first
    now = utcnow()
    _claim(
        session,
        item,
        {
            "status": Status.PUBLISHED,
            "published_at": item.published_at or now,
            "rejection_reason": None,
            "updated_at": now,
        },
    )
    audit.note(session, item, "approve", {"status": ["pending", "published"]})
    if isinstance(item, Project):
        pictures.copy_preview_soon(session, item.video)
    if item.submitter_email:
        kind = "event" if isinstance(item, Event) else "project"
        link = _site_url(
            f"public.{kind}", alliance=item.alliance.slug, slug=item.slug
        ) or _site_url("public.alliance_page", alliance=item.alliance.slug)
        text = (
            f"Guten Tag,\n\nvielen Dank! Ihr Beitrag „{item.title}“ ist jetzt veröffentlicht"
            f"{':' if link else '.'}\n{link or ''}\n\n"
            f"Hello,\n\nthank you! Your entry “{item.title}” is now published.\n\n"
            f"{item.alliance.name}\n"
        )
        mail.enqueue(session, item.submitter_email, f"Veröffentlicht: {item.title}", text)
    session.info.setdefault("actor", actor)


def reject(session: Session, item: Item | Application, reason: str, actor: str) -> None:
    """Turn down a pending item or application with a reason; tell the submitter when an
    address is known. The caller commits."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(["reason: must not be empty"])
    if len(reason) > MAX_REASON:
        raise ValidationError([f"reason: is longer than {MAX_REASON} characters"])
    session.flush()
    now = utcnow()
    if isinstance(item, Application):
        _claim(
            session,
            item,
            {
                "status": ApplicationStatus.REJECTED,
                "reason": reason,
                "decided_at": now,
                "updated_at": now,
            },
        )
        recipient: str | None = item.contact_email
        title = item.organisation
    else:
        _claim(
            session,
            item,
            {"status": Status.REJECTED, "rejection_reason": reason, "updated_at": now},
        )
        recipient = item.submitter_email
        title = item.title
    audit.note(session, item, "reject", {"status": ["pending", "rejected"], "reason": reason})
    if recipient:
        text = (
            f"Guten Tag,\n\nvielen Dank für Ihre Einsendung „{title}“. Wir können sie leider "
            f"nicht veröffentlichen. Begründung:\n\n{reason}\n\n"
            f"Hello,\n\nthank you for sending “{title}”. We cannot publish it. "
            f"The reason:\n\n{reason}\n\n{item.alliance.name}\n"
        )
        mail.enqueue(session, recipient, f"Ihre Einsendung: {title}", text)


def _partner_slug(session: Session, name: str) -> str:
    base = slugify(name)[:70].strip("-") or "partner"
    slug, number = base, 1
    while session.scalar(select(Partner.id).where(Partner.slug == slug)) is not None:
        number += 1
        slug = f"{base}-{number}"
    return slug


def approve_application(session: Session, application: Application, actor: str) -> Membership:
    """Accept an application: create the partner and its membership (from today, with the
    council decision it names) and mail the contact the badge snippet and verification
    link. The caller commits."""
    from .badges.links import verification_url
    from .operations import save_record

    session.flush()
    now = utcnow()
    _claim(
        session,
        application,
        {"status": ApplicationStatus.APPROVED, "decided_at": now, "updated_at": now},
    )
    session.info.setdefault("actor", actor)
    slug = _partner_slug(session, application.organisation)
    partner = save_record(
        session,
        "partners",
        {
            "slug": slug,
            "name": application.organisation,
            "kind": application.kind.value,
            "place": application.place,
            "region": application.region,
            "website": application.website,
        },
        new=True,
    )
    membership = save_record(
        session,
        "memberships",
        {
            "alliance": application.alliance.slug,
            "partner": slug,
            "since": today().isoformat(),
            "resolution": application.resolution,
        },
        new=True,
    )
    assert isinstance(membership, Membership)
    application.partner_id = partner.id
    audit.note(session, application, "approve", {"status": ["pending", "approved"]})
    session.flush()
    _mail_badge(session, application, membership, verification_url)
    return membership


def _mail_badge(
    session: Session, application: Application, membership: Membership, verify: Any
) -> None:
    alliance = application.alliance
    try:
        link = verify(membership)
        badge = _site_url(
            "badges.badge", alliance=alliance.slug, partner=membership.partner.slug, fmt="svg"
        )
    except RuntimeError:
        link = badge = None
    snippet = (
        f'<a href="{link}"><img src="{badge}" alt="Mitglied im Bündnis „{alliance.name}“"></a>'
        if link and badge
        else None
    )
    parts = [
        "Guten Tag,",
        "",
        f"willkommen im Bündnis „{alliance.name}“! {application.organisation} ist jetzt "
        "Bündnispartner. Mit diesem Abzeichen zeigen Sie es auf Ihrer Website:",
        "",
    ]
    if snippet:
        parts += [snippet, "", f"Nachweis der Mitgliedschaft: {link}", ""]
    else:
        parts += ["Das Abzeichen finden Sie auf der Seite Ihres Bündnisses.", ""]
    parts += [
        f"Welcome to the alliance “{alliance.name}”! {application.organisation} is now a "
        "partner. The snippet above shows your membership badge on your website"
        + (f"; it links to {link}." if link else "."),
        "",
        alliance.name,
    ]
    mail.enqueue(
        session,
        application.contact_email,
        f"Willkommen im Bündnis „{alliance.name}“",
        "\n".join(parts) + "\n",
    )
