"""The snippets a webmaster copies, with the same parameters in every form: the loader's
``<div>``, an iframe, the fragment URL, an image link (for what the widget reads has an
image: calls and memberships) and the oEmbed URL. The HTML comes from autoescaped
templates (``templates/embed/snippets/``)."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template

from .. import content, db
from ..badges.snippets import badge_snippets
from ..http import external_url
from ..i18n import force_locale, gettext
from ..widget_schema import Settings
from .readers import badge_link, item_url, listing_url

# what a widget stands for, by what it reads: the listing page with the filters it takes,
# and the endpoint of one item's page (``item=``)
LISTING_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "projects": ("public.projects", ("partner", "region", "field")),
    "events": ("public.events", ("partner", "region", "field")),
    "partners": ("public.partners", ("region", "kind")),
}
ITEM_PAGES = {"projects": "public.project", "events": "public.event"}


def service_base() -> str:
    """This service's absolute base URL, without the trailing slash."""
    return external_url("public.index").rstrip("/")


def widget_url(endpoint: str, settings: Settings) -> str:
    """``/embed/<name>?…`` or ``/fragment/<name>?…`` with the values that differ from defaults."""
    return external_url(endpoint, name=settings.widget.name, **settings.query())


def frame_height(settings: Settings) -> int:
    """A first height for an iframe snippet; the loader then sizes it to its content."""
    return settings.frame_height()


def frame_title(settings: Settings) -> str:
    """The iframe's title and the loader's link text: the widget's heading."""
    return settings.text("title") or settings.widget.label[settings.lang]


def fallback_text(settings: Settings) -> str:
    """What the loader snippet's link says to a reader without JavaScript: what they get
    ("Projekte von Niedersachsen packt an"), in the widget's language."""
    title = settings.text("title")
    alliance = settings.alliance
    if title or alliance is None:
        return frame_title(settings)
    session = db.session()
    with force_locale(settings.lang):
        if settings.widget.reads == "call" and settings.text("call"):
            return content.call_by_slug(session, alliance, settings.text("call") or "").title
        if settings.widget.reads in LISTING_PAGES and not settings.text("item"):
            return gettext(
                "%(what)s of %(alliance)s",
                what=settings.widget.label[settings.lang],
                alliance=content.alliance_by_slug(session, alliance).name,
            )
    return frame_title(settings)


def loader_snippet(settings: Settings) -> str:
    return render_template(
        "embed/snippets/loader.html",
        name=settings.widget.name,
        query=settings.query(),
        page=page_for(settings),
        title=fallback_text(settings),
        base=service_base(),
    )


def iframe_snippet(settings: Settings, width: str = "100%", height: int | None = None) -> str:
    return render_template(
        "embed/snippets/iframe.html",
        src=widget_url("embed.document", settings),
        title=frame_title(settings),
        width=width,
        height=height or frame_height(settings),
        base=service_base(),
    )


def _image_query(settings: Settings, **values: str) -> dict[str, str]:
    """What an image URL takes besides its path: ``lang`` only when it is not German."""
    return {**values, **({"lang": settings.lang} if settings.lang != "de" else {})}


def _image_link(href: str, src: str, alt: str, width: int | str, height: int | str) -> str:
    return render_template(
        "embed/snippets/image.html", href=href, src=src, alt=alt, width=width, height=height
    )


def _call_image(settings: Settings, alliance: str) -> str:
    call = content.call_by_slug(db.session(), alliance, settings.text("call") or "")
    size = settings.text("size") or "300x250"
    width, height = size.split("x")
    image = external_url(
        "badges.banner",
        alliance=alliance,
        call=call.slug,
        fmt="png",
        **_image_query(settings, size=size),
    )
    target = call.button_link or external_url("public.alliance_page", alliance=alliance)
    alt = call.title + (f": {call.tagline}" if call.tagline else "")
    if call.has_ended():
        # the image says so (badges.compose.call_banner) and links to the alliance
        target = external_url("public.alliance_page", alliance=alliance)
        alt = f"{call.title} – {gettext('This call has ended.')}"
    return _image_link(target, image, alt, width, height)


def _membership_image(settings: Settings, alliance: str) -> str:
    found = content.membership(db.session(), alliance, settings.text("partner") or "")
    style = settings.text("style") or "seal"
    # the images know light and dark; "auto" cannot follow a reader's setting in e-mail
    theme = {"theme": "dark"} if settings.text("theme") == "dark" else {}
    image = external_url(
        "badges.badge",
        alliance=alliance,
        partner=found.partner.slug,
        fmt="png",
        **_image_query(settings, style=style, **theme),
    )
    shown = next(item for item in badge_snippets(found, settings.lang) if item.style == style)
    return _image_link(badge_link(found), image, shown.alt, shown.width, shown.height)


# by what a widget reads: the image that shows it
IMAGES: dict[str, Callable[[Settings, str], str]] = {
    "call": _call_image,
    "membership": _membership_image,
}


def image_snippet(settings: Settings) -> str | None:
    """A PNG image link (banners and badges): for newsletters, whose e-mail programs run no
    scripts and (Outlook, Gmail) show no SVG. Size and language are the widget's."""
    image = IMAGES.get(settings.widget.reads)
    if image is None or "image" not in settings.widget.snippets or settings.alliance is None:
        return None
    return image(settings, settings.alliance)


def page_for(settings: Settings) -> str:
    """The public page a widget stands for, in the widget's language: what its oEmbed URL
    points at (and oEmbed answers with this widget again) and where its loader snippet links."""
    reads, alliance, item = settings.widget.reads, settings.alliance, settings.text("item")
    partner, call = settings.text("partner"), settings.text("call")
    if alliance and reads == "membership" and partner:
        return item_url("public.partner", settings, alliance=alliance, slug=partner)
    if alliance and reads == "call" and call:
        return item_url("campaign.call_page", settings, alliance=alliance, call=call)
    if alliance and item and reads in ITEM_PAGES:
        return item_url(ITEM_PAGES[reads], settings, alliance=alliance, slug=item)
    if reads in LISTING_PAGES:
        endpoint, filters = LISTING_PAGES[reads]
        return listing_url(endpoint, settings, *filters)
    if alliance is None:
        return item_url("public.index", settings)
    return item_url("public.alliance_page", settings, alliance=alliance)


# what the page of page_for already says, so the oEmbed URL does not repeat it
PAGE_PARAMETERS = ("alliance", "lang", "item", "call")


def oembed_url(settings: Settings) -> str:
    """The oEmbed URL of the widget's page, with every option of the widget the page does
    not say (``limit``, ``layout``, ``theme``, ``accent``, ``title``, ``heading`` …): oEmbed
    then answers with the very widget the builder previews. ``widget`` names it, since a page
    stands for one widget by itself (an alliance page for its projects, not its form)."""
    page = page_for(settings)
    said = set(PAGE_PARAMETERS)
    reads = settings.widget.reads
    if reads in LISTING_PAGES:
        said.update(LISTING_PAGES[reads][1])
    if reads == "membership":
        said.add("partner")
    options = {key: value for key, value in settings.query().items() if key not in said}
    return external_url(
        "embed.oembed", url=page, format="json", widget=settings.widget.name, **options
    )
