"""Polling sources and storing what they hold: one transaction per source.

Sources are fetched and parsed in parallel by a bounded pool of threads (no database
work there); each result is then written in the calling thread, one transaction per
source, so a source that fails — to download, to parse or to store — leaves its last
good items published, records its error on the source, and never stops the others.

Rules (docs/federation.md says them for the office):

- An item is known by its source and GUID: a new GUID is created, a known one updated
  when anything in it changed. A GUID that is one of our own items (``urn:uuid:<uid>``)
  or that another source brought already is skipped: that is what keeps two instances
  subscribed to each other from looping or duplicating.
- Federated items are published (they passed their own office), keep their provenance
  (``via``, the original page, the original partner) and get a slug from their title,
  unique in the alliance and never changed afterwards.
- Their text is held to the import's limits (``record_schema``): what is longer is cut at
  a word boundary with "…", never refused, so one long item cannot fail its source.
- Feeds are windows, not archives: an item that is missing from the feed although it is
  newer than the oldest item the feed still shows was removed there, and is archived
  here; an older one merely scrolled out of the window and stays. An archived item that
  comes back is published again. Items the office rejected are left alone.
- An unchanged source costs a 304 and no parsing.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import (
    ETAG_LENGTH,
    LAST_MODIFIED_LENGTH,
    ActionField,
    Channel,
    Event,
    Project,
    Source,
    SourceKind,
    Status,
)
from ..record_schema import fit_values
from ..text import RESERVED_SLUGS, fitting, slugify
from ..timeutil import local, utcnow
from .fetch import Fetched, Fetcher, FetchError
from .parse import parse_feed
from .remote import ParsedFeed, ParseError, RemoteItem

log = logging.getLogger(__name__)

UUID_URN = "urn:uuid:"
SLUG_BASE_LENGTH = 70  # room for "-<n>" within the 80 characters of a slug


@dataclass(frozen=True)
class Job:
    """What a worker needs to know of a source (no ORM objects cross threads)."""

    source_id: int
    url: str
    kind: SourceKind
    etag: str | None
    last_modified: str | None
    healthy: bool

    @classmethod
    def of(cls, source: Source) -> Job:
        return cls(
            source_id=source.id,
            url=source.url,
            kind=source.kind,
            etag=source.etag,
            last_modified=source.last_modified,
            healthy=source.last_success_at is not None and source.last_error is None,
        )


@dataclass(frozen=True)
class Outcome:
    """What a worker brings back: a download and its items, or an error."""

    job: Job
    fetched: Fetched | None = None
    parsed: ParsedFeed | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.parsed is None and self.error is None


@dataclass
class SourceReport:
    """What one source's poll did."""

    source_id: int
    url: str
    new: int = 0
    updated: int = 0
    archived: int = 0
    skipped: int = 0
    error: str | None = None
    not_modified: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.archived)


@dataclass
class PollSummary:
    """The totals of a poll, and each failed source with its error."""

    sources: int = 0
    unchanged: int = 0
    changed: int = 0
    failed: int = 0
    new: int = 0
    updated: int = 0
    archived: int = 0
    skipped: int = 0
    failures: list[SourceReport] = field(default_factory=list)

    def add(self, report: SourceReport) -> None:
        self.sources += 1
        if report.error is not None:
            self.failed += 1
            self.failures.append(report)
        elif report.changed:
            self.changed += 1
        else:
            self.unchanged += 1
        self.new += report.new
        self.updated += report.updated
        self.archived += report.archived
        self.skipped += report.skipped

    def line(self) -> str:
        return (
            f"{self.sources} sources polled: {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed; items: {self.new} new, {self.updated} updated, "
            f"{self.archived} archived, {self.skipped} skipped as known"
        )


# --- choosing and polling sources ---------------------------------------------------------


def due_sources(
    session: Session, *, everything: bool = False, now: dt.datetime | None = None
) -> list[Source]:
    """Active sources whose interval has passed (every active source with ``everything``)."""
    moment = now or utcnow()
    active = session.scalars(select(Source).where(Source.active.is_(True)).order_by(Source.id))
    return [source for source in active if everything or source.is_due(moment)]


def poll_sources(
    session: Session,
    fetcher: Fetcher,
    sources: Sequence[Source],
    *,
    workers: int = 8,
    max_items: int = 1000,
    progress: Callable[[SourceReport], None] | None = None,
) -> PollSummary:
    """Fetch and parse ``sources`` in parallel, store each one's items; return the totals."""
    summary = PollSummary()
    jobs = [Job.of(source) for source in sources]
    if not jobs:
        return summary
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        futures = [pool.submit(fetch_and_parse, fetcher, job, max_items) for job in jobs]
        for future in as_completed(futures):
            report = store(session, future.result())
            summary.add(report)
            if progress is not None:
                progress(report)
    return summary


def fetch_and_parse(fetcher: Fetcher, job: Job, max_items: int = 1000) -> Outcome:
    """Download and read one source (runs in a worker thread; touches no database)."""
    try:
        fetched = fetcher.fetch(job.url)
    except FetchError as error:
        return Outcome(job, error=str(error))
    except Exception as error:  # one source's surprise must not end the poll
        log.exception("fetching %s failed unexpectedly", job.url)
        return Outcome(job, error=f"the download failed ({type(error).__name__})")
    synced = (fetched.etag, fetched.last_modified) == (job.etag, job.last_modified)
    if fetched.not_modified and job.healthy and synced:
        return Outcome(job, fetched)
    if fetched.not_modified and not fetched.body:
        return Outcome(job, fetched, error="the source answered 304 but no copy of it is cached")
    try:
        parsed = parse_feed(
            fetched.body,
            url=fetched.url,
            kind=job.kind,
            content_type=fetched.content_type,
            max_items=max_items,
            deadline=fetched.deadline,
        )
    except ParseError as error:
        return Outcome(job, fetched, error=str(error))
    except Exception as error:  # a parser bug on hostile input fails this source only
        log.exception("reading %s failed unexpectedly", job.url)
        return Outcome(job, fetched, error=f"the feed could not be read ({type(error).__name__})")
    return Outcome(job, fetched, parsed)


# --- storing one source's outcome ---------------------------------------------------------


def store(session: Session, outcome: Outcome, now: dt.datetime | None = None) -> SourceReport:
    """Write one source's outcome in one transaction; a failure is recorded on the source."""
    moment = now or utcnow()
    job = outcome.job
    report = SourceReport(job.source_id, job.url, not_modified=outcome.not_modified)
    try:
        source = session.get(Source, job.source_id)
        if source is None:  # deleted while it was being fetched
            session.rollback()
            report.error = "the source was deleted during the poll"
            return report
        source.last_fetched_at = moment
        if outcome.fetched is not None:
            source.last_status = outcome.fetched.status
        if outcome.error is not None:
            _failed(source, outcome.error)
            report.error = outcome.error
        else:
            if outcome.parsed is not None and outcome.fetched is not None:
                _store_items(session, source, outcome.parsed, moment, report)
                source.etag = fitting(outcome.fetched.etag, ETAG_LENGTH)
                source.last_modified = fitting(outcome.fetched.last_modified, LAST_MODIFIED_LENGTH)
                if not source.title and outcome.parsed.title:
                    source.title = outcome.parsed.title
            source.last_success_at = moment
            source.last_error = None
            source.failures = 0
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        log.exception("storing the items of %s failed", job.url)
        detail = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0]
        report = SourceReport(
            job.source_id, job.url, error=f"the items could not be stored: {detail}"
        )
        _record_failure(session, job.source_id, report.error or "", moment)
    return report


def _failed(source: Source, error: str) -> None:
    source.last_error = error
    source.failures = (source.failures or 0) + 1


def _record_failure(session: Session, source_id: int, error: str, moment: dt.datetime) -> None:
    try:
        source = session.get(Source, source_id)
        if source is not None:
            source.last_fetched_at = moment
            _failed(source, error)
            session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("recording the failure of source %s failed", source_id)


# --- items --------------------------------------------------------------------------------

Item = Project | Event


def _store_items(
    session: Session, source: Source, feed: ParsedFeed, now: dt.datetime, report: SourceReport
) -> None:
    model: type[Project] | type[Event] = Event if source.kind is SourceKind.EVENTS else Project
    guids = [item.guid for item in feed.items]
    rows = session.scalars(
        select(model)
        .where(model.source_id == source.id, model.remote_guid.is_not(None))
        .options(selectinload(model.fields))
    )
    existing: dict[str, Any] = {str(row.remote_guid): row for row in cast("list[Item]", rows)}
    known_elsewhere = _known_elsewhere(session, model, source.id, guids)
    fields = {action_field.slug: action_field for action_field in source.alliance.fields}
    via = _via(source, feed)
    fresh = [item.title for item in feed.items if item.guid not in existing]
    slugs = _Slugs(session, model, source.alliance_id, fresh)
    for item in feed.items:
        if item.guid in known_elsewhere:
            report.skipped += 1
            continue
        row = existing.get(item.guid)
        values = _values(source, item, fields, via, model)
        if row is None:
            row = model(
                alliance=source.alliance,
                slug=slugs.free(item.title),
                channel=Channel.SOURCE,
                source_id=source.id,
                remote_guid=item.guid,
            )
            _apply(row, values)
            row.published_at = item.published or now
            session.add(row)
            report.new += 1
        elif row.status is not Status.REJECTED and _apply(row, values, item.published):
            report.updated += 1
    report.archived += _archive_missing(model, existing, feed)


def _known_elsewhere(
    session: Session, model: type[Project] | type[Event], source_id: int, guids: list[str]
) -> set[str]:
    """GUIDs that are our own items or came through another source already."""
    if not guids:
        return set()
    known = set(
        session.scalars(
            select(model.remote_guid).where(
                model.remote_guid.in_(guids),
                or_(model.source_id != source_id, model.source_id.is_(None)),
            )
        )
    )
    uids = {guid[len(UUID_URN) :].lower(): guid for guid in guids if _is_uuid_urn(guid)}
    if uids:
        own = session.scalars(select(model.uid).where(model.uid.in_(list(uids))))
        known.update(uids[uid] for uid in own)
    return {guid for guid in known if guid is not None}


def _is_uuid_urn(guid: str) -> bool:
    return guid[: len(UUID_URN)].lower() == UUID_URN and len(guid) == len(UUID_URN) + 36


def _via(source: Source, feed: ParsedFeed) -> str:
    """Whom items came through when they do not say: the source's partner, title, or host."""
    if source.partner is not None:
        return source.partner.name
    return source.title or feed.title or (urlsplit(source.url).hostname or source.url)


def _values(
    source: Source,
    item: RemoteItem,
    fields: dict[str, ActionField],
    via: str,
    model: type[Project] | type[Event],
) -> dict[str, Any]:
    local = source.partner
    if local is not None and item.partner is not None and item.partner.slug != local.slug:
        local = None  # the item names another partner than the one the source stands for
    values: dict[str, Any] = {
        "title": item.title,
        "place": item.place or (local.place if local else None),
        "region": item.region or (local.region if local else None),
        "partner": local,
        "remote_partner": item.partner.as_dict() if item.partner and local is None else None,
        "remote_url": item.url,
        "image": item.image,
        "via": item.via or via,
        "fields": [fields[slug] for slug in item.fields if slug in fields],
    }
    if model is Project:
        values.update(summary=item.summary, body=item.body, status=Status.PUBLISHED)
    else:
        values.update(
            description=item.body or _paragraph(item.summary),
            starts=item.starts,
            ends=item.ends,
            timezone=item.timezone,
            location=item.location,
            online=item.online,
            status=Status.CANCELLED if item.cancelled else Status.PUBLISHED,
        )
    # another site's text is cut to the import's limits, not refused: one long item must
    # not fail its whole source
    return fit_values("projects" if model is Project else "events", values)


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>" if text else ""


def _apply(row: Item, values: dict[str, Any], published: dt.datetime | None = None) -> bool:
    """Set ``values`` on ``row``; True if anything changed."""
    changed = False
    if published is not None and row.published_at != published:
        row.published_at = published
        changed = True
    for name, value in values.items():
        current = getattr(row, name)
        if name == "fields":
            if [f.id for f in current] != [f.id for f in value]:
                row.fields = value
                changed = True
        elif current != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Slugs:
    """Free slugs from titles, unique in the alliance (``-2``, ``-3`` … when needed).

    One query finds which of a source's new base slugs are taken; only those need a
    second look for the numbers already used.
    """

    def __init__(
        self,
        session: Session,
        model: type[Project] | type[Event],
        alliance_id: int,
        titles: Iterable[str],
    ) -> None:
        self.session, self.model, self.alliance_id = session, model, alliance_id
        self.fallback = "projekt" if model is Project else "termin"
        bases = sorted({self._base(title) for title in titles})
        # a title such as "All" must not take a slug that addresses give a meaning
        self.taken: set[str] = set(RESERVED_SLUGS)
        for start in range(0, len(bases), 500):
            chunk = bases[start : start + 500]
            self.taken.update(
                session.scalars(
                    select(model.slug).where(
                        model.alliance_id == alliance_id, model.slug.in_(chunk)
                    )
                )
            )
        self.looked_up: set[str] = set()

    def _base(self, title: str) -> str:
        return slugify(title)[:SLUG_BASE_LENGTH].strip("-") or self.fallback

    def free(self, title: str) -> str:
        base = self._base(title)
        if base in self.taken and base not in self.looked_up:
            self.looked_up.add(base)
            numbered = select(self.model.slug).where(
                self.model.alliance_id == self.alliance_id,
                self.model.slug.startswith(base + "-", autoescape=True),
            )
            self.taken.update(self.session.scalars(numbered))
        slug = base
        number = 2
        while slug in self.taken:
            slug = f"{base}-{number}"
            number += 1
        self.taken.add(slug)
        return slug


def _archive_missing(
    model: type[Project] | type[Event], existing: dict[str, Any], feed: ParsedFeed
) -> int:
    """Archive this source's items that were removed from it (see the module's rules)."""
    present = {item.guid for item in feed.items}
    if model is Project:
        shown = [item.published for item in feed.items if item.published is not None]
    else:
        shown = [item.starts for item in feed.items if item.starts is not None]
    oldest = min(shown) if shown else None
    if oldest is not None and feed.complete_from is not None:
        # occurrences of repeating events that fell out of the calendar's window stay
        oldest = max(oldest, feed.complete_from)
    archived = 0
    for guid, row in existing.items():
        if guid in present or row.status in (Status.ARCHIVED, Status.REJECTED):
            continue
        key = row.published_at if model is Project else row.starts
        if not feed.items or (oldest is not None and key is not None and key >= oldest):
            row.status = Status.ARCHIVED
            archived += 1
    return archived


# --- what the office sees -----------------------------------------------------------------


def source_state(source: Source) -> str:
    """One word for where a source stands: inactive, new, ok or failing."""
    if not source.active:
        return "inactive"
    if source.last_error:
        return "failing"
    if source.last_success_at is None:
        return "new"
    return "ok"


def source_states(session: Session) -> list[str]:
    """Each source and its state as lines of text, for the command line."""
    query = (
        select(Source)
        .options(joinedload(Source.alliance), joinedload(Source.partner))
        .order_by(Source.id)
    )
    lines = []
    for source in session.scalars(query):
        partner = f", partner {source.partner.slug}" if source.partner else ""
        lines.append(
            f"#{source.id} {source.alliance.slug} {source.kind.value}{partner}: {source.url}"
        )
        state = source_state(source)
        detail = f"  {state}; every {source.interval_minutes} min"
        detail += f"; last success {_when(source.last_success_at)}"
        detail += f"; last fetched {_when(source.last_fetched_at)}"
        if source.last_error:
            detail += f"; {source.failures} failure(s) in a row: {source.last_error}"
        lines.append(detail)
    return lines


def _when(moment: dt.datetime | None) -> str:
    return "never" if moment is None else local(moment).strftime("%Y-%m-%d %H:%M")
