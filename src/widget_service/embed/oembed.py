"""oEmbed 1.0: which widget stands for one of our public pages, and the discovery link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qs, urlsplit

from flask import current_app, request
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from .. import content, db
from ..errors import InvalidParameter, NotFound
from ..http import external_url
from ..text import ALL, whole_number
from ..widget_schema import Settings
from .catalogue import settings_from
from .readers import filters_of
from .snippets import service_base

# the narrowest banner is 160 px wide and the shortest 90 px tall: a smaller frame has no
# room for a line of text and a button, so a smaller maxwidth/maxheight gets these instead
MIN_WIDTH = 160
MIN_HEIGHT = 90
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class PageWidget:
    """The widget that stands for one kind of public page, and how the page's address fills it.

    ``fills`` names the page's URL variable and the widget parameter it fills (a project's
    ``slug`` is the widget's ``item``); ``title`` reads the page's title from the alliance
    and that value (an unknown one: 404); a listing has none and is titled with the widget's
    label, taking ``filters`` from the page's query. ``for_all`` says whether the page
    stands for something under ``/p/all`` too.
    """

    widget: str
    fills: tuple[str, str] | None = None
    title: Callable[[Session, str, str], str] | None = None
    filters: tuple[str, ...] = ()
    for_all: bool = True


# every public page oEmbed answers for (an alliance page shows its projects)
PAGE_WIDGETS: dict[str, PageWidget] = {
    "public.alliance_page": PageWidget(
        "projects",
        title=lambda session, alliance, _: content.alliance_by_slug(session, alliance).name,
        # /p/all is no page of its own (it redirects to the landing page): nothing to embed
        for_all=False,
    ),
    "public.project": PageWidget(
        "projects",
        fills=("slug", "item"),
        title=lambda session, alliance, slug: (
            content.published_project(session, alliance, slug).title
        ),
    ),
    "public.event": PageWidget(
        "events",
        fills=("slug", "item"),
        title=lambda session, alliance, slug: content.visible_event(session, alliance, slug).title,
    ),
    "public.partner": PageWidget(
        "badge",
        fills=("slug", "partner"),
        title=lambda session, alliance, slug: (
            content.membership(session, alliance, slug).partner.name
        ),
    ),
    "campaign.call_page": PageWidget(
        "banner",
        fills=("call", "call"),
        title=lambda session, alliance, call: content.call_by_slug(session, alliance, call).title,
    ),
    "public.projects": PageWidget("projects", filters=("partner", "region", "field")),
    "public.events": PageWidget("events", filters=("partner", "region", "field")),
    "public.partners": PageWidget("partners", filters=("region", "kind")),
}
# the filters of every listing, which the discovery link passes on
LISTING_FILTERS = tuple(
    dict.fromkeys(name for page in PAGE_WIDGETS.values() for name in page.filters)
)


def bounded(name: str, default: int, least: int) -> int:
    """``maxwidth``/``maxheight``: at least ``least``, at most ``default``."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    number = whole_number(raw)
    if number is None or not 1 <= number <= 10_000:
        raise InvalidParameter(name, "range", low=1, high=10_000)
    return max(least, min(number, default))


def _split(url: str) -> SplitResult | None:
    """``url`` split, or ``None`` when it is no URL at all (``http://[::1``, a bad port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    return parts


def _port(parts: SplitResult) -> int | None:
    """The explicit port, with its scheme's default port counted as none."""
    port = parts.port
    return None if port == DEFAULT_PORTS.get(parts.scheme.lower()) else port


def _same_site(parts: SplitResult, ours: SplitResult) -> bool:
    """Whether ``parts`` names this service: the host in any case, default ports spelled or not.

    Without a port, http and https both count: the same site behind a proxy that adds TLS.
    """
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return False
    same_host = parts.hostname.lower() == (ours.hostname or "").lower()
    return same_host and _port(parts) == _port(ours)


# what an oEmbed request may add to the page's widget: any of its parameters (the builder's
# options), but not these, which are oEmbed's own or the page's
NOT_OPTIONS = ("url", "format", "maxwidth", "maxheight", "lang")

Target = tuple[str, dict[str, str], str]  # a widget's name, the page's parameters, a title


def _listing_target(page: PageWidget, args: dict[str, str], query: str) -> Target:
    """The list widget for a listing page (``/p/<alliance>/projects?region=…``), and its title."""
    name = page.widget
    given = parse_qs(query)
    args = {**args, **{key: given[key][0] for key in page.filters if given.get(key)}}
    settings = settings_from(args, name)
    resolved = content.resolve(db.session(), filters_of(settings))  # unknown slugs: 404
    label = settings.widget.label[settings.lang]
    if resolved.alliance is None:
        return name, args, label
    return name, args, f"{label} – {resolved.alliance.name}"


def oembed_target(url: str, options: Mapping[str, str] | None = None) -> tuple[Settings, str]:
    """The widget (and its title) that stands for one of our public pages.

    ``options`` are the other parameters of the oEmbed request: ``widget`` (another widget
    for the page's alliance, e.g. its ``submit`` form) and the widget's options (``limit``,
    ``theme``, ``title`` …), so an oEmbed URL from the builder gives what its preview shows.
    What the page says (alliance, item, partner, call, a listing's filters, language) wins.
    """
    name, args, title = _page_target(url)
    wanted = {key: value for key, value in (options or {}).items() if key not in NOT_OPTIONS}
    name = wanted.pop("widget", "").strip() or name
    return settings_from({**wanted, **args}, name), title


def _page_target(url: str) -> Target:
    parts = _split(url)
    ours = urlsplit(service_base())
    if parts is None or not _same_site(parts, ours):
        raise NotFound("page", url)
    path = parts.path
    if ours.path and path.startswith(ours.path):
        path = path[len(ours.path) :] or "/"
    try:
        endpoint, values = current_app.url_map.bind(ours.netloc).match(path, method="GET")
    except HTTPException:
        raise NotFound("page", url) from None
    alliance = str(values.get("alliance", ""))
    page = PAGE_WIDGETS.get(endpoint)
    if page is None or (alliance == ALL and not page.for_all):
        raise NotFound("page", url)
    lang = "en" if parse_qs(parts.query).get("lang") == ["en"] else "de"
    args = {"alliance": alliance, "lang": lang}
    if page.title is None:
        return _listing_target(page, args, parts.query)
    variable, parameter = page.fills or ("slug", "")
    value = str(values.get(variable, ""))
    title = page.title(db.session(), alliance, value)
    if parameter:
        args[parameter] = value
    return page.widget, args, title


def oembed_discovery() -> Markup:
    """The oEmbed discovery link for the current page (``head_links``): item, alliance, listing.

    A listing's filters go along, so the embedded list shows what the page shows.
    """
    query = {"lang": "en"} if request.args.get("lang") == "en" else {}
    for name in LISTING_FILTERS:
        value = request.args.get(name, "").strip()
        if value:
            query[name] = value
    page = external_url(request.endpoint or "public.index", **(request.view_args or {}), **query)
    href = external_url("embed.oembed", url=page, format="json")
    return Markup(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="oEmbed">'
    ).format(href)
