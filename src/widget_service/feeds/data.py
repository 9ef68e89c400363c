"""Records into the plain data that ``feeds`` and ``calendars`` write.

The renderers know neither Flask nor the database; this module knows both sides: it
reads one page of items, names the feed after its alliance and filters in the reader's
language, and has each record turned into an entry (``entries``). The feeds page that
lists them all is ``page``.

A page is read as ``limit + 1`` rows, so whether there is a next page is known without
counting the archive: the cost of a feed follows ``limit``, not the number of items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from sqlalchemy.orm import Session

from .. import calendars, content
from ..content import Filters, Resolved
from ..errors import NotFound
from ..http import external_url
from ..i18n import current_language, gettext, requested_language
from ..models import Alliance, Event, Project
from ..timeutil import UTC
from ..web.helpers import site_name
from . import render
from .entries import absolute_url, calendar_event, event_entry, project_entry

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
TTL_MINUTES = 60
CALENDAR_REFRESH = dt.timedelta(hours=1)
KINDS = ("projects", "events")
# the Last-Modified of a feed on an instance without any alliance yet
EPOCH = dt.datetime(2020, 1, 1, tzinfo=UTC)
Item = TypeVar("Item", Project, Event)


@dataclass(frozen=True)
class FeedRequest:
    """What a feed URL asks for: projects or events, of an alliance or ``all``, filtered."""

    kind: str
    alliance_slug: str
    filters: Filters
    page: int
    resolved: Resolved
    # the alliance named, or every alliance of the instance for ``all``
    alliances: Sequence[Alliance]

    @property
    def alliance(self) -> Alliance | None:
        return self.resolved.alliance


@dataclass(frozen=True)
class Document:
    """A rendered feed or calendar and the newest change it shows."""

    body: bytes
    last_modified: dt.datetime


def read_request(
    session: Session, kind: str, alliance: str, args: Mapping[str, str]
) -> FeedRequest:
    """Check a feed's parameters; raises ``InvalidParameter`` or ``NotFound``."""
    filters, page = content.filters_from_args(
        args, alliance, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT
    )
    resolved = content.resolve(session, filters)
    alliances = [resolved.alliance] if resolved.alliance else content.all_alliances(session)
    return FeedRequest(kind, alliance, filters, page, resolved, alliances)


# --- feeds ----------------------------------------------------------------------------------


def project_feed(session: Session, feed: FeedRequest, fmt: str) -> Document:
    """One page of a project feed in ``fmt`` (rss, atom, json)."""
    rows = content.published_projects(session, _one_more(feed.resolved))
    projects, more = _page_of(feed, rows)
    entries = [project_entry(project) for project in projects]
    return _document(feed, fmt, entries, projects, more)


def event_feed(session: Session, feed: FeedRequest, fmt: str) -> Document:
    """One page of an event feed in ``fmt``: every visible event, newest start first."""
    rows = content.listed_events(session, _one_more(feed.resolved))
    events, more = _page_of(feed, rows)
    entries = [event_entry(event) for event in events]
    return _document(feed, fmt, entries, events, more)


def _one_more(resolved: Resolved) -> Resolved:
    # one item beyond the page says whether there is a next page
    return replace(resolved, filters=replace(resolved.filters, limit=resolved.filters.limit + 1))


def _page_of(feed: FeedRequest, rows: list[Item]) -> tuple[list[Item], bool]:
    if not rows and feed.page > 1:
        raise NotFound("feed_page", str(feed.page))
    return rows[: feed.filters.limit], len(rows) > feed.filters.limit


def _document(
    feed: FeedRequest,
    fmt: str,
    entries: list[render.Entry],
    items: Sequence[Project] | Sequence[Event],
    more: bool,
) -> Document:
    changed = _changed(feed, items)
    channel = _channel(feed, fmt, changed, more)
    return Document(render.render(fmt, channel, entries), changed)


def _changed(feed: FeedRequest, items: Sequence[Project] | Sequence[Event]) -> dt.datetime:
    """The newest change among what the feed shows: items, their partners, the alliance."""
    stamps = [item.updated_at for item in items]
    stamps += [item.partner.updated_at for item in items if item.partner is not None]
    stamps += [alliance.updated_at for alliance in feed.alliances]
    return max(stamps, default=EPOCH)


def feed_url(feed: FeedRequest, fmt: str, page: int = 1, *, language: bool = True) -> str:
    """The absolute URL of a page of this feed in ``fmt``, with its filters."""
    query = _filter_query(feed.filters)
    if feed.filters.limit != DEFAULT_LIMIT:
        query["limit"] = str(feed.filters.limit)
    if page > 1:
        query["page"] = str(page)
    if language and requested_language():
        query["lang"] = str(requested_language())
    return external_url(f"feeds.{feed.kind}", alliance=feed.alliance_slug, fmt=fmt, **query)


def _filter_query(filters: Filters) -> dict[str, str]:
    named = {
        "partner": filters.partner,
        "region": filters.region,
        "field": filters.field,
        "kind": filters.kind,
    }
    return {name: value for name, value in named.items() if value}


def page_url(feed: FeedRequest) -> str:
    """The HTML listing that shows what the feed shows."""
    query = _filter_query(feed.filters)
    if requested_language():
        query["lang"] = str(requested_language())
    return external_url(f"public.{feed.kind}", alliance=feed.alliance_slug, **query)


def _channel(feed: FeedRequest, fmt: str, updated: dt.datetime, more: bool) -> render.Channel:
    title, subtitle = names(feed)
    alliance = feed.alliance
    if alliance is not None:
        author = render.Person(
            alliance.name,
            alliance.website or external_url("public.alliance_page", alliance=alliance.slug),
        )
    else:
        author = render.Person(site_name(), external_url("public.index"))
    return render.Channel(
        # permanent: the first page, in no particular language
        id=feed_url(feed, fmt, language=False),
        title=title,
        subtitle=subtitle,
        self_url=feed_url(feed, fmt, feed.page),
        alternate_url=page_url(feed),
        language=current_language(),
        updated=updated,
        author=author,
        icon=external_url("static", filename="favicon.svg"),
        logo=absolute_url(alliance.logo) if alliance is not None else None,
        ttl_minutes=TTL_MINUTES,
        first_url=feed_url(feed, fmt) if feed.page > 1 or more else None,
        previous_url=feed_url(feed, fmt, feed.page - 1) if feed.page > 1 else None,
        next_url=feed_url(feed, fmt, feed.page + 1) if more else None,
    )


def names(feed: FeedRequest) -> tuple[str, str]:
    """A feed's title and subtitle, naming its alliance and filters."""
    alliance = feed.alliance
    if feed.kind == "projects":
        if alliance is not None:
            title = gettext("Projects of %(alliance)s", alliance=alliance.name)
            about = gettext("Projects and success stories of %(alliance)s.", alliance=alliance.name)
        else:
            title = gettext("Projects of all alliances")
            about = gettext("Projects and success stories of all alliances.")
    elif alliance is not None:
        title = gettext("Events of %(alliance)s", alliance=alliance.name)
        about = gettext(
            "Conferences, talks, discussions and meetings of %(alliance)s.", alliance=alliance.name
        )
    else:
        title = gettext("Events of all alliances")
        about = gettext("Conferences, talks, discussions and meetings of all alliances.")
    chosen = filter_labels(feed)
    if chosen:
        title = f"{title} – {', '.join(value for _, value in chosen)}"
        described = "; ".join(f"{name}: {value}" for name, value in chosen)
        filtered = gettext("Filtered by %(filters)s.", filters=described)
        about = f"{about} {filtered}"
    return title, about


def filter_labels(feed: FeedRequest) -> list[tuple[str, str]]:
    """The filters in use as (what, which) in the reader's language."""
    chosen = []
    if feed.filters.field:
        chosen.append((gettext("Action field"), _field_label(feed.alliances, feed.filters.field)))
    if feed.filters.region:
        chosen.append((gettext("Region"), feed.filters.region))
    if feed.resolved.partner is not None:
        chosen.append((gettext("Partner"), feed.resolved.partner.name))
    return chosen


def _field_label(alliances: Sequence[Alliance], slug: str) -> str:
    language = current_language()
    for alliance in alliances:
        for field in alliance.fields:
            if field.slug == slug:
                return field.label(language)
    return slug


# --- calendars ------------------------------------------------------------------------------


def event_calendar(session: Session, feed: FeedRequest) -> Document:
    """The calendar subscription: the next ``limit`` events and the ``limit`` latest past ones."""
    first_page = replace(feed.resolved, filters=replace(feed.filters, offset=0))
    events = content.past_events(session, first_page) + content.upcoming_events(session, first_page)
    events.sort(key=lambda event: (event.starts, event.id))
    title, subtitle = names(feed)
    info = calendars.CalendarInfo(
        name=title,
        description=subtitle,
        url=page_url(feed),
        source=feed_url(feed, "ics"),
        refresh=CALENDAR_REFRESH,
    )
    body = calendars.subscription(info, [calendar_event(event) for event in events])
    return Document(body, _changed(feed, events))


def single_event_calendar(session: Session, alliance: str, slug: str) -> Document:
    """One event as an iCalendar file, for "add to calendar"."""
    event = content.visible_event(session, alliance, slug)
    stamps = [event.updated_at, event.alliance.updated_at]
    if event.partner is not None:
        stamps.append(event.partner.updated_at)
    return Document(calendars.single_event(calendar_event(event)), max(stamps))


def webcal_url(url: str) -> str:
    """A calendar URL as a ``webcal://`` link, which calendar programs open to subscribe."""
    return "webcal://" + url.split("://", 1)[1]
