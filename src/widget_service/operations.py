"""Writes: import and export, office accounts, partner tokens — one transaction each.

An import is all or nothing: every record is checked first (``records``), then applied
in one transaction that is rolled back if any reference cannot be resolved, so a file
with one bad record changes nothing and the error names the record and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import generate_password_hash

from .errors import NotFound, ValidationError
from .models import (
    ActionField,
    Alliance,
    Call,
    Channel,
    Event,
    Membership,
    Partner,
    PartnerKind,
    PartnerToken,
    Project,
    Role,
    Source,
    SourceKind,
    Status,
    User,
)
from .records import REQUIRED_NEW, SECTIONS, Problems, Record, check_document, email
from .timeutil import BERLIN, today, utcnow

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "wst_"  # noqa: S105 (marks tokens in logs and scanners)


@dataclass
class ImportReport:
    """What an import created and updated, counted per section."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = []
        for section in SECTIONS:
            new, changed = self.created[section], self.updated[section]
            if new or changed:
                parts.append(f"{section}: {new} new, {changed} updated")
        return "; ".join(parts) or "nothing to import"


def import_document(
    session: Session, data: dict[str, Any], channel: Channel = Channel.IMPORT
) -> ImportReport:
    """Check and store an import document in one transaction; raise :class:`ValidationError`."""
    problems = Problems()
    records = check_document(data, problems)
    if problems:
        raise ValidationError(problems.items)
    importer = _Importer(session, channel, problems)
    try:
        for record in records:
            importer.apply(record)
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise ValidationError([f"the data conflicts with stored records: {error.orig}"]) from None
    except DataError as error:
        # the checks should have caught it; say what the database refused, store nothing
        session.rollback()
        reason = str(error.orig).splitlines()[0]
        raise ValidationError([f"a value does not fit the database: {reason}"]) from None
    except BaseException:
        session.rollback()
        raise
    if problems:
        session.rollback()
        raise ValidationError(problems.items)
    session.commit()
    return importer.report


class _Importer:
    """Applies checked records, resolving slugs against the database and earlier records."""

    def __init__(self, session: Session, channel: Channel, problems: Problems) -> None:
        self.session = session
        self.channel = channel
        self.problems = problems
        self.report = ImportReport()
        self.alliances = {a.slug: a for a in session.scalars(select(Alliance))}
        self.partners = {p.slug: p for p in session.scalars(select(Partner))}
        self.fields: dict[tuple[int, str], ActionField] = {
            (f.alliance_id, f.slug): f for f in session.scalars(select(ActionField))
        }
        self._cache: dict[str, dict[tuple[Any, ...], Any]] = {}

    def apply(self, record: Record) -> None:
        handler = getattr(self, "_" + record.section)
        handler(record, record.values)

    # --- helpers ----------------------------------------------------------------------

    def _problem(self, record: Record, name: str, message: str) -> None:
        self.problems.add(f"{record.where}.{name}", message, record.line)

    def _missing(self, record: Record) -> bool:
        absent = [name for name in REQUIRED_NEW[record.section] if record.values.get(name) is None]
        for name in absent:
            self._problem(record, name, "is required for a new record")
        return bool(absent)

    def _alliance(self, record: Record) -> Alliance | None:
        found = self.alliances.get(record.values["alliance"])
        if found is None:
            self._problem(record, "alliance", f"no alliance {record.values['alliance']!r}")
        return found

    def _partner(self, record: Record, name: str = "partner") -> Partner | None:
        found = self.partners.get(record.values[name])
        if found is None:
            self._problem(record, name, f"no partner {record.values[name]!r}")
        return found

    def _existing(self, kind: type[Any], key: tuple[Any, ...], *columns: Any) -> Any:
        cache = self._cache.get(kind.__name__)
        if cache is None:
            rows = self.session.scalars(select(kind))
            cache = {tuple(getattr(row, column) for column in columns): row for row in rows}
            self._cache[kind.__name__] = cache
        return cache.get(key)

    def _remember(self, kind: type[Any], key: tuple[Any, ...], row: Any) -> None:
        self._cache.setdefault(kind.__name__, {})[key] = row

    def _count(self, record: Record, created: bool) -> None:
        (self.report.created if created else self.report.updated)[record.section] += 1

    def _fields(self, record: Record, alliance: Alliance) -> list[ActionField] | None:
        chosen = []
        for slug in record.values["fields"]:
            found = self.fields.get((alliance.id, slug))
            if found is None:
                self._problem(record, "fields", f"{alliance.slug!r} has no action field {slug!r}")
                return None
            chosen.append(found)
        return chosen

    # --- sections ---------------------------------------------------------------------

    def _alliances(self, record: Record, values: dict[str, Any]) -> None:
        alliance = self.alliances.get(values["slug"])
        created = alliance is None
        if alliance is None:
            if self._missing(record):
                return
            alliance = Alliance(slug=values["slug"])
            self.session.add(alliance)
            self.alliances[alliance.slug] = alliance
        _assign(alliance, values, ("name", "description", "website", "logo", "color"))
        _assign(alliance, values, ("contact_email",))
        for item in values.get("fields") or []:
            self.session.flush()
            key = (alliance.id, item["slug"])
            action_field = self.fields.get(key)
            if action_field is None:
                action_field = ActionField(alliance=alliance, slug=item["slug"])
                self.session.add(action_field)
                self.fields[key] = action_field
            action_field.label_de = item["label"]["de"]
            action_field.label_en = item["label"]["en"]
            action_field.position = item["position"]
        self._count(record, created)

    def _partners(self, record: Record, values: dict[str, Any]) -> None:
        partner = self.partners.get(values["slug"])
        created = partner is None
        if partner is None:
            if self._missing(record):
                return
            partner = Partner(slug=values["slug"])
            self.session.add(partner)
            self.partners[partner.slug] = partner
        if "kind" in values:
            values = {**values, "kind": PartnerKind(values["kind"])}
        _assign(
            partner,
            values,
            ("name", "kind", "place", "region", "ags", "website", "logo", "description"),
        )
        self._count(record, created)

    def _memberships(self, record: Record, values: dict[str, Any]) -> None:
        alliance, partner = self._alliance(record), self._partner(record)
        if alliance is None or partner is None:
            return
        self.session.flush()
        key = (alliance.id, partner.id)
        membership = self._existing(Membership, key, "alliance_id", "partner_id")
        created = membership is None
        if membership is None:
            if self._missing(record):
                return
            membership = Membership(alliance=alliance, partner=partner, public=True)
            self.session.add(membership)
            self._remember(Membership, key, membership)
        _assign(membership, values, ("since", "until", "resolution", "public"))
        if membership.until is not None and membership.until < membership.since:
            self._problem(record, "until", "is before since")
        self._count(record, created)

    def _item(self, record: Record, model: type[Project] | type[Event]) -> Any:
        values = record.values
        alliance = self._alliance(record)
        if alliance is None:
            return None
        # resolve every reference before touching the session, so a bad one adds nothing
        partner = self._partner(record) if values.get("partner") is not None else None
        chosen = self._fields(record, alliance) if values.get("fields") is not None else None
        if (partner is None and values.get("partner") is not None) or (
            chosen is None and values.get("fields") is not None
        ):
            return None
        self.session.flush()
        key = (alliance.id, values["slug"])
        item = self._existing(model, key, "alliance_id", "slug")
        created = item is None
        if item is None:
            if self._missing(record):
                return None
            item = model(alliance=alliance, slug=values["slug"], channel=self.channel)
            item.status = Status.PUBLISHED
            self.session.add(item)
            self._remember(model, key, item)
        elif item.remote_guid is not None:
            self._problem(record, "slug", "belongs to an item federated from a source")
            return None
        if "partner" in values:
            item.partner = partner
        if chosen is not None:
            item.fields = chosen
        if "status" in values:
            item.status = Status(values["status"])
        if "published" in values:
            item.published_at = values["published"]
        if item.status == Status.PUBLISHED and item.published_at is None:
            item.published_at = utcnow()
        if created and partner is not None:
            # a project without a place of its own is where its partner is
            item.place = values.get("place") or partner.place
            item.region = values.get("region") or partner.region
        self._count(record, created)
        return item

    def _projects(self, record: Record, values: dict[str, Any]) -> None:
        project = self._item(record, Project)
        if project is not None:
            _assign(
                project,
                values,
                ("title", "summary", "body", "place", "region", "link", "image", "video"),
            )

    def _events(self, record: Record, values: dict[str, Any]) -> None:
        event = self._item(record, Event)
        if event is None:
            return
        _assign(
            event,
            values,
            ("title", "description", "starts", "ends", "timezone", "location", "online"),
        )
        _assign(event, values, ("place", "region", "link", "image"))
        if event.ends is not None and event.ends < event.starts:
            self._problem(record, "ends", "is before starts")

    def _calls(self, record: Record, values: dict[str, Any]) -> None:
        alliance = self._alliance(record)
        if alliance is None:
            return
        self.session.flush()
        key = (alliance.id, values["slug"])
        call = self._existing(Call, key, "alliance_id", "slug")
        created = call is None
        if call is None:
            if self._missing(record):
                return
            call = Call(alliance=alliance, slug=values["slug"], starts=today())
            self.session.add(call)
            self._remember(Call, key, call)
        renamed = {**values}
        if "button" in renamed:
            renamed["button_label"] = renamed.pop("button")
        if "link" in renamed:
            renamed["button_link"] = renamed.pop("link")
        _assign(
            call,
            renamed,
            ("title", "tagline", "text", "button_label", "button_link", "starts", "ends"),
        )
        _assign(call, renamed, ("background", "foreground"))
        if call.ends is not None and call.ends < call.starts:
            self._problem(record, "ends", "is before starts")
        self._count(record, created)

    def _sources(self, record: Record, values: dict[str, Any]) -> None:
        alliance = self._alliance(record)
        if alliance is None:
            return
        partner = None
        if values.get("partner") is not None:
            partner = self._partner(record)
            if partner is None:
                return
        self.session.flush()
        kind = SourceKind(values["kind"])
        key = (alliance.id, kind, values["url"])
        source = self._existing(Source, key, "alliance_id", "kind", "url")
        created = source is None
        if source is None:
            source = Source(alliance=alliance, kind=kind, url=values["url"])
            self.session.add(source)
            self._remember(Source, key, source)
        if "partner" in values:
            source.partner = partner
        _assign(source, values, ("title", "interval_minutes", "active"))
        self._count(record, created)


def _assign(target: Any, values: dict[str, Any], names: Iterable[str]) -> None:
    """Set the attributes given in ``values``; null resets a required column to its default."""
    for name in names:
        if name not in values:
            continue
        value = values[name]
        column = target.__table__.columns[name]
        if value is None and not column.nullable:
            default = column.default
            value = default.arg if default is not None and default.is_scalar else ""
        setattr(target, name, value)


# --- export -------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BERLIN).isoformat()


def _day(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _without_empty(record: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    kept = set(keep)
    return {k: v for k, v in record.items() if k in kept or v not in (None, "", [])}


def export_document(session: Session) -> dict[str, Any]:
    """All content of the instance in the import format (federated items stay with sources)."""
    alliances = session.scalars(
        select(Alliance).options(selectinload(Alliance.fields)).order_by(Alliance.slug)
    ).all()
    partners = session.scalars(select(Partner).order_by(Partner.slug)).all()
    memberships = session.scalars(
        select(Membership)
        .join(Membership.alliance)
        .join(Membership.partner)
        .order_by(Alliance.slug, Partner.slug)
    ).all()
    projects = session.scalars(
        select(Project)
        .join(Project.alliance)
        .where(Project.remote_guid.is_(None))
        .options(selectinload(Project.fields), selectinload(Project.partner))
        .order_by(Alliance.slug, Project.slug)
    ).all()
    events = session.scalars(
        select(Event)
        .join(Event.alliance)
        .where(Event.remote_guid.is_(None))
        .options(selectinload(Event.fields), selectinload(Event.partner))
        .order_by(Alliance.slug, Event.slug)
    ).all()
    calls = session.scalars(
        select(Call).join(Call.alliance).order_by(Alliance.slug, Call.slug)
    ).all()
    sources = session.scalars(
        select(Source).join(Source.alliance).order_by(Alliance.slug, Source.kind, Source.url)
    ).all()
    return {
        "alliances": [
            _without_empty(
                {
                    "slug": a.slug,
                    "name": a.name,
                    "description": a.description,
                    "website": a.website,
                    "logo": a.logo,
                    "color": a.color,
                    "contact_email": a.contact_email,
                    "fields": [
                        {"slug": f.slug, "label": {"de": f.label_de, "en": f.label_en}}
                        for f in a.fields
                    ],
                }
            )
            for a in alliances
        ],
        "partners": [
            _without_empty(
                {
                    "slug": p.slug,
                    "name": p.name,
                    "kind": p.kind.value,
                    "place": p.place,
                    "region": p.region,
                    "ags": p.ags,
                    "website": p.website,
                    "logo": p.logo,
                    "description": p.description,
                }
            )
            for p in partners
        ],
        "memberships": [
            _without_empty(
                {
                    "alliance": m.alliance.slug,
                    "partner": m.partner.slug,
                    "since": _day(m.since),
                    "until": _day(m.until),
                    "resolution": m.resolution,
                    "public": m.public,
                },
                keep=("until",),
            )
            for m in memberships
        ],
        "projects": [
            _without_empty(
                {
                    "alliance": p.alliance.slug,
                    "slug": p.slug,
                    "title": p.title,
                    "summary": p.summary,
                    "body": p.body,
                    "fields": [f.slug for f in p.fields],
                    "partner": p.partner.slug if p.partner else None,
                    "place": p.place,
                    "region": p.region,
                    "link": p.link,
                    "image": p.image,
                    "video": p.video,
                    "status": p.status.value,
                    "published": _iso(p.published_at),
                }
            )
            for p in projects
        ],
        "events": [
            _without_empty(
                {
                    "alliance": e.alliance.slug,
                    "slug": e.slug,
                    "title": e.title,
                    "description": e.description,
                    "starts": _iso(e.starts),
                    "ends": _iso(e.ends),
                    "timezone": e.timezone,
                    "location": e.location,
                    "online": e.online,
                    "partner": e.partner.slug if e.partner else None,
                    "fields": [f.slug for f in e.fields],
                    "place": e.place,
                    "region": e.region,
                    "link": e.link,
                    "image": e.image,
                    "status": e.status.value,
                    "published": _iso(e.published_at),
                }
            )
            for e in events
        ],
        "calls": [
            _without_empty(
                {
                    "alliance": c.alliance.slug,
                    "slug": c.slug,
                    "title": c.title,
                    "tagline": c.tagline,
                    "text": c.text,
                    "button": c.button_label,
                    "link": c.button_link,
                    "starts": _day(c.starts),
                    "ends": _day(c.ends),
                    "background": c.background,
                    "foreground": c.foreground,
                },
                keep=("ends",),
            )
            for c in calls
        ],
        "sources": [
            _without_empty(
                {
                    "alliance": s.alliance.slug,
                    "partner": s.partner.slug if s.partner else None,
                    "url": s.url,
                    "kind": s.kind.value,
                    "title": s.title,
                    "interval_minutes": s.interval_minutes,
                    "active": s.active,
                }
            )
            for s in sources
        ],
    }


# --- office accounts and partner tokens ---------------------------------------------------


def create_user(session: Session, address: str, password: str, role: Role) -> User:
    """Create an office account; raise :class:`ValidationError` for a bad address or password."""
    problems = []
    try:
        checked = email(address)
    except ValueError as error:
        problems.append(f"email: {error}")
        checked = None
    if not checked and not problems:
        problems.append("email: must not be empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"password: must have at least {MIN_PASSWORD_LENGTH} characters")
    if checked and session.scalar(select(User).where(User.email == checked.lower())):
        problems.append(f"email: an account for {checked} exists already")
    if problems:
        raise ValidationError(problems)
    assert checked is not None
    user = User(email=checked.lower(), password_hash=generate_password_hash(password), role=role)
    session.add(user)
    session.commit()
    return user


def token_digest(token: str) -> str:
    """The stored form of an API token (tokens are random, so one SHA-256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, alliance: str, partner: str, label: str | None = None
) -> tuple[PartnerToken, str]:
    """A new API token for a member partner; the plain token is returned once, never stored."""
    found_alliance = session.scalar(select(Alliance).where(Alliance.slug == alliance))
    if found_alliance is None:
        raise NotFound("alliance", alliance)
    found_partner = session.scalar(select(Partner).where(Partner.slug == partner))
    if found_partner is None:
        raise NotFound("partner", partner)
    member = session.scalar(
        select(Membership).where(
            Membership.alliance_id == found_alliance.id, Membership.partner_id == found_partner.id
        )
    )
    if member is None or not member.is_active():
        raise ValidationError([f"partner {partner!r} is not an active member of {alliance!r}"])
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PartnerToken(
        alliance=found_alliance, partner=found_partner, digest=token_digest(plain), label=label
    )
    session.add(token)
    session.commit()
    return token, plain
