"""Writes: import and export, office accounts, partner tokens — one transaction each.

An import is all or nothing: every record is checked first (``records``), then applied
in one transaction that is rolled back if any reference cannot be resolved, so a file
with one bad record changes nothing and the error names the record and field.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from . import tokens
from .errors import NotFound, ValidationError
from .models import (
    ActionField,
    Alliance,
    Call,
    Channel,
    Event,
    Membership,
    Partner,
    PartnerToken,
    Project,
    Source,
    Status,
)
from .record_schema import (
    FieldError,
    Problem,
    columns,
    dump_records,
    keys,
    missing_for_new,
    model,
    range_of,
    validate_record,
)
from .records import SECTIONS, Problems, Record, check_document
from .timeutil import today, utcnow

token_digest = tokens.token_digest


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
    session.info.setdefault("actor", channel.value)  # the audit log's "who", unless known
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
        absent = missing_for_new(record.section, record.values)
        for name in absent:
            self._problem(record, name, Problem("required_new"))
        return bool(absent)

    def _assign(self, record: Record, target: Any) -> None:
        """Store the record's plain values, named by the section's schema."""
        _assign(target, record.values, columns(record.section))

    def _check_range(self, record: Record, target: Any) -> None:
        """The stored range, given values and kept ones alike, must not end before it starts."""
        pair = range_of(record.section)
        if pair is None:
            return
        first, last = pair
        start, end = getattr(target, first), getattr(target, last)
        if start is not None and end is not None and end < start:
            self._problem(record, last, Problem("before", other=first))

    def _alliance(self, record: Record) -> Alliance | None:
        found = self.alliances.get(record.values["alliance"])
        if found is None:
            self._problem(
                record,
                "alliance",
                Problem("no_record", kind="alliance", slug=record.values["alliance"]),
            )
        return found

    def _partner(self, record: Record, name: str = "partner") -> Partner | None:
        found = self.partners.get(record.values[name])
        if found is None:
            self._problem(
                record, name, Problem("no_record", kind="partner", slug=record.values[name])
            )
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
                self._problem(
                    record, "fields", Problem("no_action_field", alliance=alliance.slug, slug=slug)
                )
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
        self._assign(record, alliance)
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
        self._assign(record, partner)
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
        self._assign(record, membership)
        self._check_range(record, membership)
        self._count(record, created)

    def _item(self, record: Record, model: type[Project] | type[Event]) -> None:
        values = record.values
        alliance = self._alliance(record)
        if alliance is None:
            return
        # resolve every reference before touching the session, so a bad one adds nothing
        partner = self._partner(record) if values.get("partner") is not None else None
        chosen = self._fields(record, alliance) if values.get("fields") is not None else None
        if (partner is None and values.get("partner") is not None) or (
            chosen is None and values.get("fields") is not None
        ):
            return
        self.session.flush()
        key = (alliance.id, values["slug"])
        item = self._existing(model, key, "alliance_id", "slug")
        created = item is None
        if item is None:
            if self._missing(record):
                return
            item = model(alliance=alliance, slug=values["slug"], channel=self.channel)
            item.status = Status.PUBLISHED
            self.session.add(item)
            self._remember(model, key, item)
        elif item.remote_guid is not None:
            self._problem(record, "slug", Problem("federated"))
            return
        self._assign(record, item)
        if "partner" in values:
            item.partner = partner
        if chosen is not None:
            item.fields = chosen
        if item.status == Status.PUBLISHED and item.published_at is None:
            item.published_at = utcnow()
        if created and partner is not None:
            # an item without a place of its own is where its partner is
            if "place" not in values:
                item.place = partner.place
            if "region" not in values:
                item.region = partner.region
        self._check_range(record, item)
        self._count(record, created)

    def _projects(self, record: Record, values: dict[str, Any]) -> None:
        self._item(record, Project)

    def _events(self, record: Record, values: dict[str, Any]) -> None:
        self._item(record, Event)

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
        self._assign(record, call)
        self._check_range(record, call)
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
        kind = values["kind"]
        key = (alliance.id, kind, values["url"])
        source = self._existing(Source, key, "alliance_id", "kind", "url")
        created = source is None
        if source is None:
            source = Source(alliance=alliance, kind=kind, url=values["url"])
            self.session.add(source)
            self._remember(Source, key, source)
        if "partner" in values:
            source.partner = partner
        self._assign(record, source)
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


def export_document(session: Session) -> dict[str, Any]:
    """All content of the instance in the import format (federated items stay with sources)."""
    rows: dict[str, Any] = {
        "alliances": select(Alliance)
        .options(selectinload(Alliance.fields))
        .order_by(Alliance.slug),
        "partners": select(Partner).order_by(Partner.slug),
        "memberships": select(Membership)
        .join(Membership.alliance)
        .join(Membership.partner)
        .options(selectinload(Membership.alliance), selectinload(Membership.partner))
        .order_by(Alliance.slug, Partner.slug),
        "projects": select(Project)
        .join(Project.alliance)
        .where(Project.remote_guid.is_(None))
        .options(selectinload(Project.fields), selectinload(Project.partner))
        .order_by(Alliance.slug, Project.slug),
        "events": select(Event)
        .join(Event.alliance)
        .where(Event.remote_guid.is_(None))
        .options(selectinload(Event.fields), selectinload(Event.partner))
        .order_by(Alliance.slug, Event.slug),
        "calls": select(Call).join(Call.alliance).order_by(Alliance.slug, Call.slug),
        "sources": select(Source)
        .join(Source.alliance)
        .options(selectinload(Source.partner))
        .order_by(Alliance.slug, Source.kind, Source.url),
    }
    return {
        section: dump_records(section, session.scalars(query).all())
        for section, query in rows.items()
    }


# --- partner tokens (see tokens.py) ------------------------------------------------------


def issue_token(
    session: Session,
    alliance: str,
    partner: str,
    label: str | None = None,
    *,
    trusted: bool = False,
) -> tuple[PartnerToken, str]:
    """A new API token for a member partner, committed; the plain token is returned once."""
    token, plain = tokens.issue(session, alliance, partner, trusted=trusted, label=label)
    session.commit()
    return token, plain


# --- one record at a time: the office's forms (and anything else that writes one) ---------


class RecordInvalid(ValidationError):
    """One record that cannot be stored; ``errors`` name its fields (``FieldError``)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__([f"{error.field}: {error.problem}" for error in errors])
        self.errors = errors


class _FieldProblems(Problems):
    """Problems the importer finds while resolving references, kept by field."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[FieldError] = []

    def add(self, where: str, message: str, line: int | None = None) -> None:
        super().add(where, message, line)
        name = where.split(".", 1)[1] if "." in where else ""
        problem = message if isinstance(message, Problem) else Problem("invalid")
        self.errors.append(FieldError((name,) if name else (), problem))


def save_record(
    session: Session,
    section: str,
    data: dict[str, Any],
    *,
    new: bool,
    channel: Channel = Channel.OFFICE,
) -> Any:
    """Check and store one record in the import format's shape through the importer (the
    same rules, sanitising and messages as an import); flushed, not committed.

    ``new``: the record must not exist yet and needs everything a new record needs; else
    it must exist, and only the fields given change. Raises :class:`RecordInvalid`.
    """
    checked = validate_record(section, data, partial=not new)
    if checked.errors:
        raise RecordInvalid(checked.errors)
    values = checked.values
    target_model = model(section)
    existing = _find(session, section, values)
    if new and existing is not None:
        name = "slug" if "slug" in values else keys(section)[-1]
        raise RecordInvalid([FieldError((name,), Problem("taken"))])
    if not new and existing is None:
        raise NotFound(section.rstrip("s"), str(values.get("slug") or ""))
    if existing is not None:
        _external_id_free(session, target_model, values, existing)
    problems = _FieldProblems()
    importer = _Importer(session, channel, problems)
    importer.apply(Record(section, 0, None, values))
    if problems.errors:
        raise RecordInvalid(problems.errors)
    session.flush()
    found = _find(session, section, values)
    assert isinstance(found, target_model)
    return found


def _external_id_free(
    session: Session, target_model: Any, values: dict[str, Any], existing: Any
) -> None:
    """A partner's own identifier (the API's ``external_id``) names one record of theirs:
    changing a record to an identifier another of their records holds is refused."""
    external_id = values.get("external_id")
    if not external_id or not hasattr(target_model, "external_id"):
        return
    clash = session.scalar(
        select(target_model.id).where(
            target_model.alliance_id == existing.alliance_id,
            target_model.partner_id == existing.partner_id,
            target_model.external_id == external_id,
            target_model.id != existing.id,
        )
    )
    if clash is not None:
        raise RecordInvalid([FieldError(("external_id",), Problem("taken"))])


def _find(session: Session, section: str, values: dict[str, Any]) -> Any:
    """The stored record the values' keys name, or None."""
    target = model(section)
    query = select(target)
    for name in keys(section):
        value = values.get(name)
        if name == "alliance":
            query = query.join(Alliance, target.alliance_id == Alliance.id).where(
                Alliance.slug == value
            )
        elif name == "partner":
            query = query.join(Partner, target.partner_id == Partner.id).where(
                Partner.slug == value
            )
        else:
            column = getattr(target, name)
            query = query.where(column == (value.value if isinstance(value, enum.Enum) else value))
    return session.scalar(query)
