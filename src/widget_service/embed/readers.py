"""What each widget reads, by the name its ``widget.toml`` gives under ``reads``, and the
helpers its template calls (links, initials). A new kind of widget content is a reader
here; a new widget over known content is a folder under ``widgets/`` and no code."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from .. import content
from ..badges.compose import call_banner, call_target
from ..badges.links import verification_url
from ..content import Filters
from ..errors import InvalidParameter
from ..http import external_url
from ..models import Event, Membership, Partner, Project
from ..widget_schema import Settings
from .theming import readable_pair

Reader = Callable[[Session, Settings], dict[str, Any]]


def filters_of(settings: Settings) -> Filters:
    """The content filters a widget's parameters name."""
    return Filters(
        alliance=settings.alliance,
        partner=settings.text("partner"),
        region=settings.text("region"),
        field=settings.text("field"),
        kind=settings.text("kind"),
        limit=settings.number("limit") if "limit" in settings.values else 20,
    )


def item_url(endpoint: str, settings: Settings, **values: Any) -> str:
    """An absolute URL of a public page, in the widget's language."""
    return external_url(endpoint, lang="en" if settings.lang == "en" else None, **values)


def listing_url(endpoint: str, settings: Settings, *names: str) -> str:
    """The public listing page a widget's "all …" link leads to, with the same filters."""
    values = {name: settings.text(name) for name in names if settings.text(name)}
    return item_url(endpoint, settings, alliance=settings.text("alliance") or "all", **values)


def one_alliance(settings: Settings) -> str:
    """The one alliance a widget names; ``all`` is a bad parameter here."""
    if settings.alliance is None:
        raise InvalidParameter("alliance", "one_alliance")
    return settings.alliance


def _alliance_color(
    session: Session, settings: Settings, items: Sequence[Project | Event] = ()
) -> str | None:
    if settings.alliance is None:
        return None
    if items:  # loaded with the items already
        return items[0].alliance.color
    return content.alliance_by_slug(session, settings.alliance).color


def _read_projects(session: Session, settings: Settings) -> dict[str, Any]:
    item = settings.text("item")
    if item:
        items = [content.published_project(session, one_alliance(settings), item)]
    else:
        items = content.published_projects(session, filters_of(settings))
    return {
        "items": items,
        "accent": _alliance_color(session, settings, items),
        "last_modified": content.changed_at(items),
        "more_url": listing_url("public.projects", settings, "partner", "region", "field"),
    }


def _read_events(session: Session, settings: Settings) -> dict[str, Any]:
    item = settings.text("item")
    if item:
        items = [content.visible_event(session, one_alliance(settings), item)]
    else:
        items = content.upcoming_events(session, filters_of(settings))
    # no Last-Modified: the list changes as events pass, without any record changing
    return {
        "items": items,
        "accent": _alliance_color(session, settings, items),
        "more_url": listing_url("public.events", settings, "partner", "region", "field"),
    }


def _read_partners(session: Session, settings: Settings) -> dict[str, Any]:
    items = content.active_partners(session, filters_of(settings))
    return {
        "items": items,
        "accent": _alliance_color(session, settings),
        "more_url": listing_url("public.partners", settings, "region", "kind"),
    }


def _read_call(session: Session, settings: Settings) -> dict[str, Any]:
    call = content.call_by_slug(session, one_alliance(settings), settings.text("call") or "")
    background = settings.text("accent") or call.background or call.alliance.color
    foreground = call.foreground if not settings.text("accent") else None
    background, foreground = readable_pair(background, foreground)
    # the banner is drawn as in its images, so it is exactly its size in every form
    drawn = call_banner(
        call,
        settings.text("size") or "300x250",
        title=settings.text("title"),
        background=settings.text("accent"),
        linked=False,
    )
    return {
        "call": call,
        "banner_svg": Markup(drawn),  # noqa: S704 (drawn by the banner renderer, text escaped)
        "banner_link": call_target(call),
        "accent": call.alliance.color,
        "extra_css": f"--_call-bg:{background};--_call-fg:{foreground}",
        "last_modified": call.updated_at,
    }


def _read_membership(session: Session, settings: Settings) -> dict[str, Any]:
    found = content.membership(session, one_alliance(settings), settings.text("partner") or "")
    # no Last-Modified: a membership ends on a date, without the record changing
    return {"membership": found, "accent": found.alliance.color}


def _read_alliance(session: Session, settings: Settings) -> dict[str, Any]:
    found = content.alliance_by_slug(session, one_alliance(settings))
    return {"alliance": found, "accent": found.color, "last_modified": found.updated_at}


READERS: dict[str, Reader] = {
    "projects": _read_projects,
    "events": _read_events,
    "partners": _read_partners,
    "call": _read_call,
    "membership": _read_membership,
    "alliance": _read_alliance,
}


def read(session: Session, settings: Settings) -> dict[str, Any]:
    """What the widget shows, by its ``reads``: unknown slugs raise :class:`NotFound`."""
    return READERS[settings.widget.reads](session, settings)


# --- helpers the widget templates call ----------------------------------------------------


def badge_link(membership: Membership) -> str:
    """Where a badge widget leads: the membership's verification page (``/verify/<token>``)."""
    return verification_url(membership)


def calendar_url(event: Event) -> str:
    """The event's iCalendar file, ``/p/<alliance>/events/<slug>.ics``."""
    return external_url("public.event", alliance=event.alliance.slug, slug=event.slug) + ".ics"


def monogram(name: str) -> str:
    """Up to two initials for a partner tile (logos live on other hosts, so none is shown)."""
    words = [word for word in re.split(r"[\s\-–]+", name) if word[:1].isalpha()]
    return "".join(word[0].upper() for word in words[:2]) or "?"


def partner_url(settings: Settings) -> Callable[[Partner], str]:
    """A partner's page in the widget's alliance (or its first active one)."""

    def url(partner: Partner) -> str:
        alliance = settings.alliance
        if alliance is None:
            active = [m for m in partner.memberships if m.public and m.is_active()]
            alliance = active[0].alliance.slug if active else None
        if alliance is None:
            return listing_url("public.partners", settings)
        return item_url("public.partner", settings, alliance=alliance, slug=partner.slug)

    return url
