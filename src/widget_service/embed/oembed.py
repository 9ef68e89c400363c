"""oEmbed 1.0: which widget stands for one of our public pages, and the discovery link."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import SplitResult, parse_qs, urlsplit

from flask import current_app, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from .. import content, db
from ..errors import InvalidParameter, NotFound
from ..http import external_url
from ..text import whole_number
from ..widget_schema import Settings
from .catalogue import settings_from
from .readers import filters_of
from .snippets import service_base

# the narrowest banner is 160 px wide and the shortest 90 px tall: a smaller frame has no
# room for a line of text and a button, so a smaller maxwidth/maxheight gets these instead
MIN_WIDTH = 160
MIN_HEIGHT = 90
DEFAULT_PORTS = {"http": 80, "https": 443}

# the widget that embeds each kind of public page (an alliance page shows its projects)
PAGE_WIDGETS = {
    "public.alliance_page": "projects",
    "public.project": "projects",
    "public.event": "events",
    "public.partner": "badge",
    "campaign.call_page": "banner",
}
# listing pages and the widget that shows the same list, with the page filters it takes
LISTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "public.projects": ("projects", ("partner", "region", "field")),
    "public.events": ("events", ("partner", "region", "field")),
    "public.partners": ("partners", ("region", "kind")),
}
LISTING_FILTERS = ("partner", "region", "field", "kind")


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


def _listing_target(endpoint: str, args: dict[str, str], query: str) -> Target:
    """The list widget for a listing page (``/p/<alliance>/projects?region=…``), and its title."""
    name, names = LISTINGS[endpoint]
    given = parse_qs(query)
    args = {**args, **{key: given[key][0] for key in names if given.get(key)}}
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
    lang = "en" if parse_qs(parts.query).get("lang") == ["en"] else "de"
    session = db.session()
    alliance = str(values.get("alliance", ""))
    slug = str(values.get("slug", ""))
    args = {"alliance": alliance, "lang": lang}
    if endpoint == "public.alliance_page" and alliance != "all":
        title = content.alliance_by_slug(session, alliance).name
        return PAGE_WIDGETS[endpoint], args, title
    if endpoint == "public.project":
        title = content.published_project(session, alliance, slug).title
        return PAGE_WIDGETS[endpoint], {**args, "item": slug}, title
    if endpoint == "public.event":
        title = content.visible_event(session, alliance, slug).title
        return PAGE_WIDGETS[endpoint], {**args, "item": slug}, title
    if endpoint == "public.partner":
        found = content.membership(session, alliance, slug)
        return PAGE_WIDGETS[endpoint], {**args, "partner": slug}, found.partner.name
    if endpoint == "campaign.call_page":
        call = str(values.get("call", ""))
        title = content.call_by_slug(session, alliance, call).title
        return PAGE_WIDGETS[endpoint], {**args, "call": call}, title
    if endpoint in LISTINGS:
        return _listing_target(endpoint, args, parts.query)
    # /p/all is no page of its own (it redirects to the landing page): nothing to embed
    raise NotFound("page", url)


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
