"""Reads: the filtered listings that widgets, pages, feeds and the API all use.

Every listing resolves its slugs once (an unknown one raises :class:`NotFound`), then
runs one query for the rows plus one per eager-loaded relation, never one per row; the
orderings are stable (ties broken by id) and served by the indexes in ``models``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload, undefer

from .errors import InvalidParameter, NotFound
from .models import (
    VISIBLE_EVENT_STATUSES,
    ActionField,
    Alliance,
    Call,
    Event,
    Membership,
    Partner,
    PartnerKind,
    Project,
    ProjectKind,
    Status,
    StoredImage,
    event_field,
    project_field,
)
from .text import ALL, is_slug, whole_number
from .timeutil import today, utcnow

PROJECT_KINDS = frozenset(member.value for member in ProjectKind)


@dataclass(frozen=True)
class Filters:
    """What a listing asks for, by slug: ``alliance=None`` means every alliance."""

    alliance: str | None = None
    partner: str | None = None
    region: str | None = None
    field: str | None = None
    kind: str | None = None
    limit: int = 20
    offset: int = 0

    def page(self, number: int) -> Filters:
        """The same filters, moved to page ``number`` (1-based) of ``limit`` items."""
        return replace(self, offset=(number - 1) * self.limit)


@dataclass(frozen=True)
class Resolved:
    """Filters with slugs turned into ids (an empty ``field_ids`` with a field never matches)."""

    filters: Filters
    alliance: Alliance | None
    partner: Partner | None
    field_ids: tuple[int, ...] | None


def _integer(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    number = whole_number(raw)
    if number is None or not low <= number <= high:
        raise InvalidParameter(name, "range", low=low, high=high)
    return number


def _slug_arg(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not is_slug(value):
        raise InvalidParameter(name, "slug")
    return value


def filters_from_args(
    args: Mapping[str, str],
    alliance: str | None,
    *,
    default_limit: int = 20,
    max_limit: int = 100,
) -> tuple[Filters, int]:
    """Read ``partner``, ``region``, ``field``, ``kind``, ``limit`` and ``page`` from a query.

    Returns the filters and the 1-based page number; raises :class:`InvalidParameter`.
    """
    if alliance is not None and alliance != ALL and not is_slug(alliance):
        raise NotFound("alliance", alliance)
    region = (args.get("region") or "").strip() or None
    if region is not None and len(region) > 200:
        raise InvalidParameter("region", "too_long")
    kind = (args.get("kind") or "").strip() or None
    # a partner's kind for partner listings, a project's (project or story) for projects
    kinds = [*PartnerKind, *ProjectKind]
    if kind is not None and kind not in {member.value for member in kinds}:
        raise InvalidParameter("kind", "choice", options=", ".join(kinds))
    limit = _integer(args, "limit", default_limit, 1, max_limit)
    page = _integer(args, "page", 1, 1, 100_000)
    filters = Filters(
        alliance=None if alliance in (None, ALL) else alliance,
        partner=_slug_arg(args, "partner"),
        region=region,
        field=_slug_arg(args, "field"),
        kind=kind,
        limit=limit,
    )
    return filters.page(page), page


def _live_alliances() -> Select[int]:
    """The ids of the alliances in use: an archived one is shown nowhere."""
    return select(Alliance.id).where(Alliance.archived_on.is_(None))


def _resolved(session: Session, wanted: Filters | Resolved) -> Resolved:
    # a caller that already resolved its filters (for a heading, say) saves the lookups
    return wanted if isinstance(wanted, Resolved) else resolve(session, wanted)


def resolve(session: Session, filters: Filters) -> Resolved:
    """Look the filter's slugs up; raise :class:`NotFound` for any that names nothing."""
    alliance = alliance_by_slug(session, filters.alliance) if filters.alliance else None
    partner = None
    if filters.partner:
        partner = session.scalar(
            select(Partner).where(Partner.slug == filters.partner, Partner.archived_on.is_(None))
        )
        if partner is None:
            raise NotFound("partner", filters.partner)
    field_ids: tuple[int, ...] | None = None
    if filters.field:
        query = select(ActionField.id).where(ActionField.slug == filters.field)
        if alliance is not None:
            query = query.where(ActionField.alliance_id == alliance.id)
        field_ids = tuple(session.scalars(query))
        if not field_ids:
            raise NotFound("field", filters.field)
    return Resolved(filters, alliance, partner, field_ids)


# --- alliances ----------------------------------------------------------------------------


def all_alliances(session: Session) -> list[Alliance]:
    """Every alliance of the instance in use (not archived), by name."""
    query = (
        select(Alliance)
        .options(selectinload(Alliance.fields))
        .where(Alliance.archived_on.is_(None))
        .order_by(Alliance.name)
    )
    return list(session.scalars(query))


def alliance_by_slug(session: Session, slug: str) -> Alliance:
    """The alliance with ``slug``, its action fields loaded; raises :class:`NotFound`, also
    for an archived one."""
    query = (
        select(Alliance)
        .options(selectinload(Alliance.fields))
        .where(Alliance.slug == slug, Alliance.archived_on.is_(None))
    )
    alliance = session.scalar(query)
    if alliance is None:
        raise NotFound("alliance", slug)
    return alliance


# --- projects -----------------------------------------------------------------------------


def _project_query(resolved: Resolved) -> Select[Project]:
    query = select(Project).where(Project.status == Status.PUBLISHED)
    if resolved.alliance is not None:
        query = query.where(Project.alliance_id == resolved.alliance.id)
    else:
        query = query.where(Project.alliance_id.in_(_live_alliances()))
    if resolved.partner is not None:
        query = query.where(Project.partner_id == resolved.partner.id)
    if resolved.filters.region:
        query = query.where(Project.region == resolved.filters.region)
    if resolved.filters.kind in PROJECT_KINDS:
        query = query.where(Project.kind == resolved.filters.kind)
    if resolved.field_ids is not None:
        tagged = select(project_field.c.project_id).where(
            project_field.c.project_id == Project.id,
            project_field.c.field_id.in_(resolved.field_ids),
        )
        query = query.where(tagged.exists())
    return query


def _with_project_relations(query: Select[Project]) -> Select[Project]:
    return query.options(
        joinedload(Project.alliance),
        selectinload(Project.partner),
        selectinload(Project.fields),
        joinedload(Project.picture),  # many-to-one: in the same query
        joinedload(Project.video_picture),  # the preview of a story's video, likewise
    )


def published_projects(session: Session, wanted: Filters | Resolved) -> list[Project]:
    """Published projects, newest first, one page of ``filters.limit`` from ``offset``."""
    resolved = _resolved(session, wanted)
    filters = resolved.filters
    query = (
        _with_project_relations(_project_query(resolved))
        .order_by(Project.published_at.desc(), Project.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(session.scalars(query))


def count_published_projects(session: Session, wanted: Filters | Resolved) -> int:
    """How many published projects match (for paging)."""
    resolved = _resolved(session, wanted)
    subquery = _project_query(resolved).with_only_columns(Project.id).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def published_project(session: Session, alliance: str, slug: str) -> Project:
    """One published project of an alliance; raises :class:`NotFound`."""
    found = alliance_by_slug(session, alliance)
    query = _with_project_relations(
        select(Project).where(
            Project.alliance_id == found.id,
            Project.slug == slug,
            Project.status == Status.PUBLISHED,
        )
    )
    project = session.scalar(query)
    if project is None:
        raise NotFound("project", slug)
    return project


_DIGEST = re.compile(r"[0-9a-f]{64}")


def stored_picture(session: Session, digest: str) -> StoredImage:
    """The copy of a picture named by its digest, with its bytes; raises :class:`NotFound`."""
    query = (
        select(StoredImage)
        .options(undefer(StoredImage.data))
        .where(StoredImage.digest == digest, StoredImage.data.is_not(None))
        .limit(1)
    )
    found = session.scalar(query) if _DIGEST.fullmatch(digest) else None
    if found is None:
        raise NotFound("picture", digest[:64])
    return found


# --- events -------------------------------------------------------------------------------


def _event_query(resolved: Resolved) -> Select[Event]:
    query = select(Event).where(Event.status.in_(VISIBLE_EVENT_STATUSES))
    if resolved.alliance is not None:
        query = query.where(Event.alliance_id == resolved.alliance.id)
    else:
        query = query.where(Event.alliance_id.in_(_live_alliances()))
    if resolved.partner is not None:
        query = query.where(Event.partner_id == resolved.partner.id)
    if resolved.filters.region:
        query = query.where(Event.region == resolved.filters.region)
    if resolved.field_ids is not None:
        tagged = select(event_field.c.event_id).where(
            event_field.c.event_id == Event.id,
            event_field.c.field_id.in_(resolved.field_ids),
        )
        query = query.where(tagged.exists())
    return query


def _with_event_relations(query: Select[Event]) -> Select[Event]:
    return query.options(
        joinedload(Event.alliance),
        selectinload(Event.partner),
        selectinload(Event.fields),
    )


def _not_over(now: dt.datetime) -> object:
    return or_(Event.ends >= now, and_(Event.ends.is_(None), Event.starts >= now))


def upcoming_events(
    session: Session, wanted: Filters | Resolved, now: dt.datetime | None = None
) -> list[Event]:
    """Events not yet over (running ones included), soonest first."""
    moment = now or utcnow()
    resolved = _resolved(session, wanted)
    filters = resolved.filters
    query = (
        _with_event_relations(_event_query(resolved))
        .where(_not_over(moment))  # type: ignore[arg-type]
        .order_by(Event.starts.asc(), Event.id.asc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(session.scalars(query))


def past_events(
    session: Session, wanted: Filters | Resolved, now: dt.datetime | None = None
) -> list[Event]:
    """Events that are over, most recent first."""
    moment = now or utcnow()
    resolved = _resolved(session, wanted)
    filters = resolved.filters
    over = or_(Event.ends < moment, and_(Event.ends.is_(None), Event.starts < moment))
    query = (
        _with_event_relations(_event_query(resolved))
        .where(over)
        .order_by(Event.starts.desc(), Event.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(session.scalars(query))


def listed_events(session: Session, wanted: Filters | Resolved) -> list[Event]:
    """Every visible event, newest start first: the order feeds page through."""
    resolved = _resolved(session, wanted)
    filters = resolved.filters
    query = (
        _with_event_relations(_event_query(resolved))
        .order_by(Event.starts.desc(), Event.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(session.scalars(query))


def visible_event(session: Session, alliance: str, slug: str) -> Event:
    """One published or cancelled event of an alliance; raises :class:`NotFound`."""
    found = alliance_by_slug(session, alliance)
    query = _with_event_relations(
        select(Event).where(
            Event.alliance_id == found.id,
            Event.slug == slug,
            Event.status.in_(VISIBLE_EVENT_STATUSES),
        )
    )
    event = session.scalar(query)
    if event is None:
        raise NotFound("event", slug)
    return event


# --- calls --------------------------------------------------------------------------------


def current_calls(session: Session, alliance: str | None, on: dt.date | None = None) -> list[Call]:
    """Calls running on ``on`` (today in Berlin), newest first; ``None`` for every alliance.
    Archived calls, and the calls of archived alliances, are not among them."""
    day = on or today()
    query = (
        select(Call)
        .options(joinedload(Call.alliance))
        .where(
            Call.starts <= day,
            or_(Call.ends.is_(None), Call.ends >= day),
            Call.archived_on.is_(None),
        )
        .order_by(Call.starts.desc(), Call.id.desc())
    )
    if alliance is not None:
        query = query.where(Call.alliance_id == alliance_by_slug(session, alliance).id)
    else:
        query = query.where(Call.alliance_id.in_(_live_alliances()))
    return list(session.scalars(query))


def call_by_slug(session: Session, alliance: str, slug: str) -> Call:
    """A call of an alliance whether running or not (a banner says when it has ended);
    an archived call is not found."""
    found = alliance_by_slug(session, alliance)
    query = (
        select(Call)
        .options(joinedload(Call.alliance))
        .where(Call.alliance_id == found.id, Call.slug == slug, Call.archived_on.is_(None))
    )
    call = session.scalar(query)
    if call is None:
        raise NotFound("call", slug)
    return call


# --- partners and memberships -------------------------------------------------------------


def _active_membership(day: dt.date) -> object:
    return and_(
        Membership.public.is_(True),
        Membership.since <= day,
        or_(Membership.until.is_(None), Membership.until > day),
    )


def active_partners(
    session: Session, wanted: Filters | Resolved, on: dt.date | None = None
) -> list[Partner]:
    """Partners with an active public membership in the alliance (or any), by name; an
    archived partner, or a membership of an archived alliance, does not count."""
    day = on or today()
    resolved = _resolved(session, wanted)
    filters = resolved.filters
    member = select(Membership.partner_id).where(
        Membership.partner_id == Partner.id,
        _active_membership(day),  # type: ignore[arg-type]
        Membership.alliance_id.in_(_live_alliances()),
    )
    if resolved.alliance is not None:
        member = member.where(Membership.alliance_id == resolved.alliance.id)
    query = select(Partner).where(member.exists(), Partner.archived_on.is_(None))
    if resolved.partner is not None:
        query = query.where(Partner.id == resolved.partner.id)
    if filters.region:
        query = query.where(Partner.region == filters.region)
    if filters.kind:
        query = query.where(Partner.kind == filters.kind)
    query = (
        query.options(
            selectinload(Partner.memberships).joinedload(Membership.alliance),
            joinedload(Partner.picture),
        )
        .order_by(Partner.name, Partner.id)
        .limit(filters.limit)
        .offset(filters.offset)
    )
    return list(session.scalars(query))


def membership(session: Session, alliance: str, partner: str) -> Membership:
    """The (public) membership of ``partner`` in ``alliance``, active or ended (also when
    the partner or the alliance has been archived: its badge then says it has ended)."""
    query = (
        select(Membership)
        .join(Membership.alliance)
        .join(Membership.partner)
        .options(joinedload(Membership.alliance), joinedload(Membership.partner))
        .where(Alliance.slug == alliance, Partner.slug == partner, Membership.public.is_(True))
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound("membership", f"{alliance}/{partner}")
    return found


def membership_by_id(session: Session, identifier: int) -> Membership:
    """A public membership by its id, with alliance and partner; raises :class:`NotFound`."""
    query = (
        select(Membership)
        .options(joinedload(Membership.alliance), joinedload(Membership.partner))
        .where(Membership.id == identifier, Membership.public.is_(True))
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound("membership", str(identifier))
    return found


def regions(session: Session, alliance: Alliance | None = None) -> list[str]:
    """The regions that partners of the alliance (or any) name, sorted."""
    query = (
        select(Partner.region)
        .where(Partner.region.is_not(None), Partner.archived_on.is_(None))
        .distinct()
    )
    if alliance is not None:
        query = query.join(Membership, Membership.partner_id == Partner.id).where(
            Membership.alliance_id == alliance.id
        )
    return sorted(region for region in session.scalars(query) if region)


def changed_at(items: Sequence[Project | Event | Call | Partner]) -> dt.datetime | None:
    """The newest ``updated_at`` among ``items`` (a listing's Last-Modified)."""
    return max((item.updated_at for item in items), default=None)
