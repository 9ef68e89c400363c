"""What templates call besides ``_()``: names, labels, colours, URLs of the current page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, render_template, request, url_for
from markupsafe import Markup

from ..colors import darken_until, readable_on
from ..http import external_url, inline_style
from ..i18n import current_language, gettext, lazy_gettext, requested_language
from ..images import EXTENSIONS
from ..models import Alliance, Call, Partner, PartnerKind, Project
from ..text import is_hex_color, whole_sentences
from ..videos import link_host, recognise

PARTNER_KINDS = {
    PartnerKind.MUNICIPALITY: lazy_gettext("Municipality"),
    PartnerKind.DISTRICT: lazy_gettext("District"),
    PartnerKind.ASSOCIATION: lazy_gettext("Association"),
    PartnerKind.CHURCH: lazy_gettext("Church"),
    PartnerKind.UNION: lazy_gettext("Union"),
    PartnerKind.COMPANY: lazy_gettext("Company"),
    PartnerKind.INITIATIVE: lazy_gettext("Initiative"),
    PartnerKind.PERSON: lazy_gettext("Person"),
}


def site_name() -> str:
    """The operator's name for the site, or ours."""
    configured = current_app.config.get("SITE_NAME")
    return str(configured) if configured else gettext("Alliances in Lower Saxony")


def lang_de() -> Markup:
    """`` lang="de"`` on an element holding German content (names, texts of the alliances)
    when the page is not German, so screen readers switch voice (WCAG 3.1.2)."""
    return Markup("") if current_language() == "de" else Markup(' lang="de"')


def partner_kinds() -> dict[str, str]:
    return {kind.value: str(label) for kind, label in PARTNER_KINDS.items()}


def partner_kind(kind: PartnerKind) -> str:
    return str(PARTNER_KINDS[kind])


def brand_style(color: str) -> Markup:
    """The alliance's colour as CSS variables, with text colours that keep AA contrast."""
    if not is_hex_color(color):
        return Markup("")
    css = (
        f":root{{--brand:{color};--brand-text:{readable_on(color)};"
        f"--brand-ink:{darken_until(color)}}}"
    )
    return inline_style(css)


def alliance_card_style(alliance: Alliance) -> Markup:
    """An alliance card's stripe in the alliance's own colour."""
    if not is_hex_color(alliance.color):
        return Markup("")
    return inline_style(f".alliance-card-{alliance.id}{{--card-brand:{alliance.color}}}")


def call_style(call: Call) -> Markup:
    """A call box's colours: its own, or its alliance's, with readable text."""
    background = call.background or call.alliance.color
    if not is_hex_color(background):
        return Markup("")
    foreground = call.foreground or readable_on(background)
    css = f".call-{call.id}{{--call-bg:{background};--call-fg:{foreground}}}"
    return inline_style(css)


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """A static file's URL with its content hash, so it can be cached for a long time."""
    folder = current_app.static_folder
    assert folder is not None
    return url_for("static", filename=filename, v=_digest(Path(folder) / filename))


def picture_url(item: Project | Partner, absolute: bool = False) -> str | None:
    """The address of the service's copy of a project's picture or a partner's logo; None
    while there is none."""
    stored = item.picture
    if stored is None or stored.digest is None or stored.media_type not in EXTENSIONS:
        return None
    extension = EXTENSIONS[stored.media_type]
    if absolute:  # widgets on other sites
        return external_url("public.picture", digest=stored.digest, extension=extension)
    return url_for("public.picture", digest=stored.digest, extension=extension)


def picture_tag(
    item: Project | Partner, css_class: str, *, absolute: bool = False, lazy: bool = True
) -> Markup:
    """The ``<img>`` of an item's copied picture or logo, or nothing while there is none.

    Its ``alt`` is empty: the title or name beside it says what it shows.
    """
    src = picture_url(item, absolute)
    if src is None or item.picture is None:
        return Markup("")
    tag = Markup('<img class="{}" src="{}" alt="" width="{}" height="{}"').format(
        css_class, src, item.picture.width, item.picture.height
    )
    return tag + (Markup(' loading="lazy" decoding="async">') if lazy else Markup(">"))


def preview_url(project: Project, absolute: bool = False) -> str | None:
    """The address of the service's copy of a story's video preview; None while there is
    none."""
    stored = project.video_picture
    if stored is None or stored.digest is None or stored.media_type not in EXTENSIONS:
        return None
    digest, extension = stored.digest, EXTENSIONS[stored.media_type]
    if absolute:  # widgets on other sites, feeds
        return external_url("public.picture", digest=digest, extension=extension)
    return url_for("public.picture", digest=digest, extension=extension)


def has_player(project: Project) -> bool:
    """Whether a project's video link is one the two-click player plays (videos.py)."""
    return recognise(project.video) is not None


def video_player(project: Project, *, absolute: bool = False) -> Markup:
    """A story's video as a two-click player (see videos.py), or nothing without a video.

    The player is a link to the video with the preview picture (our copy; a neutral
    placeholder while there is none) and a note naming the host; a script (static/js/
    video.js) turns a click into the player's frame. The frame's origin is collected for
    the response's ``frame-src``. A link to a host we do not know stays a plain link.
    """
    if not project.video:
        return Markup("")
    video = recognise(project.video)
    if video is None:
        host = link_host(project.video)
        if host is None:
            return Markup("")
        return Markup(render_template("video.html", video=None, url=project.video, host=host))  # noqa: S704 (our template)
    origins: set[str] = g.setdefault("frame_sources", set())
    origins.add(video.origin)
    stored = project.video_picture
    html = render_template(
        "video.html",
        video=video,
        picture=preview_url(project, absolute),
        stored=stored,
        title=project.title,
        note_id=f"aw-video-note-{project.id or 0}",
    )
    return Markup(html)  # noqa: S704 (our template)


def page_url(**changes: object) -> str:
    """The current page's URL with some query parameters changed (None removes one)."""
    args = dict(request.args.items())
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    if request.endpoint is None:  # an error page for an address that matched no route
        query = urlencode(args)
        return request.path + ("?" + query if query else "")
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint, **values)


@dataclass(frozen=True)
class CalendarLink:
    """One way to subscribe to a calendar: an app's own link, or the file itself."""

    label: str
    href: str


def calendar_links(ics_url: str, name: str) -> list[CalendarLink]:
    """Links that subscribe to the calendar at ``ics_url`` (absolute) in the usual programs.

    They are plain links: nothing is loaded from those services until a reader follows one.
    """
    webcal = "webcal://" + ics_url.split("://", 1)[1]
    return [
        CalendarLink(gettext("Apple Calendar, Thunderbird, Android apps (webcal)"), webcal),
        CalendarLink(
            gettext("Google Calendar"),
            "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        ),
        CalendarLink(
            gettext("Outlook.com"),
            "https://outlook.live.com/calendar/0/addfromweb?"
            + urlencode({"url": ics_url, "name": name}),
        ),
        CalendarLink(
            gettext("Outlook with Microsoft 365"),
            "https://outlook.office.com/calendar/0/addfromweb?"
            + urlencode({"url": ics_url, "name": name}),
        ),
        CalendarLink(gettext("Download once (.ics file)"), ics_url),
    ]


def event_calendar(alliance: str, name: str, **filters: str | None) -> list[CalendarLink]:
    """Subscription links for an alliance's (or ``all``) event calendar with these filters."""
    query = {key: value for key, value in filters.items() if value}
    if requested_language():
        query["lang"] = str(requested_language())
    url = external_url("feeds.events", alliance=alliance, fmt="ics", **query)
    return calendar_links(url, name)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["sentences"] = whole_sentences
    app.jinja_env.globals.update(
        asset_url=asset_url,
        brand_style=brand_style,
        call_style=call_style,
        alliance_card_style=alliance_card_style,
        calendar_links=calendar_links,
        event_calendar=event_calendar,
        lang_de=lang_de,
        page_url=page_url,
        partner_kind=partner_kind,
        partner_kinds=partner_kinds,
        picture_tag=picture_tag,
        has_player=has_player,
        video_player=video_player,
        requested_language=requested_language,
        site_name=site_name,
    )
