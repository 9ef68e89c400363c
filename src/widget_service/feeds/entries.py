"""One record as one entry of a feed or a calendar: absolute links, sanitised HTML, the
author and picture, and the ``_alliance`` extension of ``docs/json-feed.md``."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from .. import calendars
from ..http import external_url
from ..i18n import current_language, format_span, gettext
from ..models import Event, Project, Status
from ..sanitize import clean_html, plain_text
from ..web.helpers import picture_url, preview_url
from . import render


def absolute_url(address: str | None) -> str | None:
    """An absolute URL for a stored link or image: as it is, or on this site if a path."""
    if not address:
        return None
    if address.startswith(("https://", "http://")):
        return address
    if address.startswith("/") and not address.startswith("//"):
        return external_url("public.index").rstrip("/") + address
    return None


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
