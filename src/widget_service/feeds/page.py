"""The feeds page (``/feeds``): every feed and calendar subscription, by section, with the
addresses to copy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from .. import content
from ..content import Filters, Resolved
from ..models import Alliance, Partner
from ..text import ALL
from .data import DEFAULT_LIMIT, KINDS, MAX_LIMIT, FeedRequest, feed_url, page_url, webcal_url

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
