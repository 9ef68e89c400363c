"""Records into the plain data that ``feeds`` and ``calendars`` write.

The renderers know neither Flask nor the database; this module knows both sides: it
reads one page of items, names the feed after its alliance and filters in the reader's
language, and turns each record into an entry with absolute links, sanitised HTML and
the ``_alliance`` extension of ``docs/json-feed.md``.

A page is read as ``limit + 1`` rows, so whether there is a next page is known without
counting the archive: the cost of a feed follows ``limit``, not the number of items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from .. import calendars, content
from ..content import Filters, Resolved
from ..errors import NotFound
from ..http import external_url
from ..i18n import current_language, format_span, gettext, requested_language
from ..models import Alliance, Event, Partner, Project, Status
from ..sanitize import clean_html, plain_text
from ..text import ALL
from ..timeutil import UTC
from ..web.helpers import picture_url, preview_url, site_name
from . import render

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
        raise NotFound("page", str(feed.page))
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


def absolute_url(address: str | None) -> str | None:
    """An absolute URL for a stored link or image: as it is, or on this site if a path."""
    if not address:
        return None
    if address.startswith(("https://", "http://")):
        return address
    if address.startswith("/") and not address.startswith("//"):
        return external_url("public.index").rstrip("/") + address
    return None


# --- entries --------------------------------------------------------------------------------


def guid(item: Project | Event) -> str:
    """The item's GUID, which never changes: its own UUID, or the one it came with."""
    return item.remote_guid or f"urn:uuid:{item.uid}"


def item_url(item: Project | Event) -> str:
    """The item's public page on this instance."""
    endpoint = "public.project" if isinstance(item, Project) else "public.event"
    return external_url(endpoint, alliance=item.alliance.slug, slug=item.slug)


def project_entry(project: Project) -> render.Entry:
    """A project as a feed entry."""
    url = item_url(project)
    parts: list[Markup] = []
    if project.summary:
        parts.append(Markup("<p>{}</p>").format(project.summary))
    if project.body:
        parts.append(Markup(project.body))  # noqa: S704 (sanitised on the way in and below)
    parts.append(_provenance(project))
    links = [
        (project.link, gettext("More about the project")),
        (project.video, gettext("Watch the video (external site)")),
    ]
    for href, label in links:
        if absolute_url(href):
            parts.append(Markup('<p><a href="{}">{}</a></p>').format(href, label))
    return _entry(project, url, project.title, project.summary, parts, happening=None)


def event_entry(event: Event) -> render.Entry:
    """An event as a feed entry: when, where and the online link readable in its text."""
    url = item_url(event)
    cancelled = event.status == Status.CANCELLED
    when = format_span(event.starts, event.ends)
    summary_parts = [when, event.location or "", gettext("online") if event.online else ""]
    summary = " · ".join(part for part in summary_parts if part)
    parts: list[Markup] = []
    if cancelled:
        notice = gettext("This event has been cancelled.")
        parts.append(Markup("<p><strong>{}</strong></p>").format(notice))
        summary = f"{notice} {summary}"
    facts = [Markup("<li><strong>{}:</strong> {}</li>").format(gettext("When"), when)]
    if event.location:
        facts.append(
            Markup("<li><strong>{}:</strong> {}</li>").format(gettext("Where"), event.location)
        )
    if absolute_url(event.online):
        facts.append(
            Markup('<li><strong>{}:</strong> <a href="{}">{}</a></li>').format(
                gettext("Online"), event.online, event.online
            )
        )
    if event.partner is not None:
        facts.append(
            Markup("<li><strong>{}:</strong> {}</li>").format(
                gettext("Organised by"), event.partner.name
            )
        )
    parts.append(Markup("<ul>{}</ul>").format(Markup("").join(facts)))
    if event.description:
        parts.append(Markup(event.description))  # noqa: S704 (sanitised on the way in and below)
    parts.append(_provenance(event))
    happening = render.Happening(
        starts=event.starts,
        ends=event.ends,
        timezone=event.timezone,
        location=event.location,
        online=event.online,
        cancelled=cancelled,
    )
    title = gettext("Cancelled: %(title)s", title=event.title) if cancelled else event.title
    return _entry(event, url, title, summary, parts, happening)


def _entry(
    item: Project | Event,
    url: str,
    title: str,
    summary: str,
    parts: list[Markup],
    happening: render.Happening | None,
) -> render.Entry:
    published = item.published_at or item.created_at
    scheme = external_url("public.alliance_page", alliance=item.alliance.slug)
    language = current_language()
    return render.Entry(
        guid=guid(item),
        url=url,
        title=title,
        summary=summary,
        content_html=clean_html("\n".join(part for part in parts if part)),
        published=published,
        updated=max(item.updated_at, published),
        categories=[render.Category(f.slug, f.label(language), scheme) for f in item.fields],
        author=_author(item),
        enclosure=_enclosure(item),
        external_url=None if item.is_local else absolute_url(item.remote_url),
        happening=happening,
        extensions={"_alliance": alliance_extension(item, url)},
    )


def _enclosure(item: Project | Event) -> render.Enclosure | None:
    """The item's picture: the service's copy where there is one, else its address; for a
    story without a picture, the copy of its video's preview."""
    if isinstance(item, Project) and item.picture is not None:
        copy = picture_url(item, absolute=True)
        if copy and item.picture.media_type:
            return render.Enclosure(copy, item.picture.media_type, item.picture.size or 0)
    if isinstance(item, Project) and not item.image and item.video_picture is not None:
        preview = preview_url(item, absolute=True)
        if preview and item.video_picture.media_type:
            stored = item.video_picture
            return render.Enclosure(preview, stored.media_type or "", stored.size or 0)
    return render.enclosure_for(absolute_url(item.image))


def _author(item: Project | Event) -> render.Person | None:
    if item.partner is not None:
        return render.Person(item.partner.name, absolute_url(item.partner.website))
    if item.remote_partner and item.remote_partner.get("name"):
        # a federated item made by a partner this instance does not know
        return render.Person(item.remote_partner["name"], None)
    return None


def _provenance(item: Project | Event) -> Markup:
    if not item.via:
        return Markup("")
    via = escape(gettext("via %(source)s", source=item.via))
    original = absolute_url(item.remote_url)
    if original:
        return Markup('<p>{} · <a href="{}">{}</a></p>').format(via, original, gettext("original"))
    return Markup("<p>{}</p>").format(via)


def alliance_extension(item: Project | Event, url: str) -> dict[str, Any]:
    """The ``_alliance`` object of ``docs/json-feed.md``; keys without a value are left out."""
    data: dict[str, Any] = {
        "about": external_url("feeds.json_feed_about"),
        "kind": "project" if isinstance(item, Project) else "event",
        "alliance": {"slug": item.alliance.slug, "name": item.alliance.name},
    }
    if item.partner is not None:
        partner = item.partner
        data["partner"] = _present(
            {"slug": partner.slug, "name": partner.name, "region": partner.region}
        )
    elif item.remote_partner:
        # passed on unchanged, so a chain of instances keeps the original partner
        data["partner"] = dict(item.remote_partner)
    data["fields"] = [
        {"slug": field.slug, "label": {"de": field.label_de, "en": field.label_en}}
        for field in item.fields
    ]
    origin = url if item.is_local else absolute_url(item.remote_url)
    data.update(
        _present({"place": item.place, "region": item.region, "via": item.via, "origin": origin})
    )
    if isinstance(item, Event):
        zone = ZoneInfo(item.timezone)
        data.update(
            _present(
                {
                    "starts": item.starts.astimezone(zone).isoformat(),
                    "ends": item.ends.astimezone(zone).isoformat() if item.ends else None,
                    "timezone": item.timezone,
                    "location": item.location,
                    "online": item.online,
                    "status": item.status.value,
                }
            )
        )
    return data


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != ""}


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


def calendar_event(event: Event) -> calendars.CalendarEvent:
    """An event as a calendar shows it, its description in plain text."""
    cancelled = event.status == Status.CANCELLED
    url = item_url(event)
    lines = []
    if cancelled:
        lines.append(gettext("This event has been cancelled."))
    if event.description:
        lines.append(plain_text(event.description))
    if event.online:
        label = gettext("Online")
        lines.append(f"{label}: {event.online}")
    if event.partner is not None:
        label = gettext("Organised by")
        lines.append(f"{label}: {event.partner.name}")
    if event.via:
        lines.append(gettext("via %(source)s", source=event.via))
    lines.append(url)
    language = current_language()
    return calendars.CalendarEvent(
        uid=calendars.uid_for(guid(event)),
        title=gettext("Cancelled: %(title)s", title=event.title) if cancelled else event.title,
        starts=event.starts,
        ends=event.ends,
        timezone=event.timezone,
        changed=event.updated_at,
        created=event.created_at,
        url=url,
        description="\n\n".join(lines),
        location=event.location,
        online=event.online,
        online_label=gettext("Join online"),
        categories=[field.label(language) for field in event.fields],
        cancelled=cancelled,
    )


def webcal_url(url: str) -> str:
    """A calendar URL as a ``webcal://`` link, which calendar programs open to subscribe."""
    return "webcal://" + url.split("://", 1)[1]


# --- the feeds page -------------------------------------------------------------------------

FORMAT_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed", "ics": "iCalendar"}
FORMATS_OF = {"projects": ("rss", "atom", "json"), "events": ("rss", "atom", "json", "ics")}


@dataclass(frozen=True)
class Address:
    """One feed's URL as the feeds page lists it."""

    key: str
    kind: str
    fmt: str
    name: str
    url: str


@dataclass(frozen=True)
class Section:
    """The feeds of one alliance (``alliance`` None: of all of them), with the filters chosen."""

    alliance: Alliance | None
    slug: str
    projects: list[Address]
    events: list[Address]
    webcal: str
    page_urls: dict[str, str]


@dataclass(frozen=True)
class FeedsPage:
    """What the feeds page shows: the filters to choose from and each alliance's feeds."""

    filters: Filters
    choice: str
    alliances: list[Alliance]
    regions: list[str]
    partners: list[Partner]
    sections: list[Section]


def feeds_page(session: Session, args: Mapping[str, str]) -> FeedsPage:
    """The feeds of every alliance (or the one chosen) with the filters from ``args``."""
    choice = (args.get("alliance") or "").strip() or ALL
    filters, _ = content.filters_from_args(
        args, choice, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT
    )
    filters = replace(filters, offset=0)
    resolved = content.resolve(session, filters)
    everyone = content.all_alliances(session)
    scopes: list[Alliance | None] = [resolved.alliance] if resolved.alliance else [None, *everyone]
    sections = []
    for alliance in scopes:
        fields = {field.slug for field in alliance.fields} if alliance is not None else set()
        if alliance is not None and filters.field and filters.field not in fields:
            continue  # that alliance has no such field: its feeds would be a 404
        sections.append(_section(alliance, filters, resolved, everyone))
    return FeedsPage(
        filters=filters,
        choice=choice,
        alliances=everyone,
        regions=content.regions(session),
        partners=content.active_partners(session, Filters(limit=500)),
        sections=sections,
    )


def _section(
    alliance: Alliance | None, filters: Filters, resolved: Resolved, everyone: list[Alliance]
) -> Section:
    slug = alliance.slug if alliance is not None else ALL
    scoped = replace(filters, alliance=alliance.slug if alliance is not None else None)
    scope = replace(resolved, filters=scoped, alliance=alliance)
    addresses: dict[str, list[Address]] = {}
    pages = {}
    for kind in KINDS:
        feed = FeedRequest(kind, slug, scoped, 1, scope, [alliance] if alliance else everyone)
        addresses[kind] = [
            Address(f"{slug}-{kind}-{fmt}", kind, fmt, FORMAT_NAMES[fmt], feed_url(feed, fmt))
            for fmt in FORMATS_OF[kind]
        ]
        pages[kind] = page_url(feed)
    calendar = next(address for address in addresses["events"] if address.fmt == "ics")
    return Section(
        alliance=alliance,
        slug=slug,
        projects=addresses["projects"],
        events=addresses["events"],
        webcal=webcal_url(calendar.url),
        page_urls=pages,
    )
