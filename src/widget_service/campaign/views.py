"""The campaign kit: a call's page, its posters and flyers, its newsletter block, share links.

Everything is made from the call as it stands, so a member who copied a snippet or
printed a poster's address always leads to what is current.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .. import content, db
from ..badges.compose import call_changed_at
from ..badges.render import BANNER_SIZES, banner_colors
from ..embed.catalogue import settings_from
from ..embed.snippets import iframe_snippet, image_snippet, loader_snippet
from ..errors import InvalidParameter
from ..http import cached, external_url, open_cors
from ..i18n import LANGUAGES, current_language, force_locale, gettext
from ..models import Call
from ..participation.signatures import confirmed_count
from ..web import errors
from . import newsletter, poster, share
from .content import call_by_id
from .logos import alliance_logo
from .qr import qr_code

PAPER_LABELS = {"a4": "A4", "a3": "A3", "a6": "A6"}
SOCIAL_SIZES = ("1200x630", "1080x1080", "1080x1920")
WEBSITE_SIZES = ("728x90", "300x250", "160x600")


def _choice(args: Mapping[str, str], name: str, options: tuple[str, ...], default: str) -> str:
    value = (args.get(name) or "").strip() or default
    if value not in options:
        raise InvalidParameter(name, "choice", options=", ".join(options))
    return value


def _lang_query(lang: str) -> dict[str, Any]:
    return {"lang": lang} if lang != "de" else {}


def signature_count(session: Session, call: Call) -> int:
    """The confirmed signatures of ``call``."""
    return confirmed_count(session, call.id)


def call_page_url(call: Call, lang: str | None = None) -> str:
    return external_url(
        "campaign.call_page",
        alliance=call.alliance.slug,
        call=call.slug,
        **_lang_query(lang or "de"),
    )


def short_url(call: Call) -> str:
    """The address printed under a QR code: short enough to type (``HOST/c/7``)."""
    return external_url("campaign.short", call_id=call.id)


def _readable(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + parts.path


def banner_url(call: Call, size: str, fmt: str, lang: str, scale: int = 1) -> str:
    query: dict[str, Any] = {"size": size, **_lang_query(lang)}
    if scale != 1:
        query["scale"] = scale
    return external_url(
        "badges.banner", alliance=call.alliance.slug, call=call.slug, fmt=fmt, **query
    )


@dataclass(frozen=True)
class Snippet:
    key: str
    label: str
    text: str
    multiline: bool = True


@dataclass(frozen=True)
class Download:
    label: str
    url: str
    note: str = ""


def website_snippets(call: Call, lang: str) -> list[tuple[str, list[Snippet]]]:
    """The banner widget's snippets per website size, as the builder makes them."""
    result = []
    for size in WEBSITE_SIZES:
        settings = settings_from(
            {"alliance": call.alliance.slug, "call": call.slug, "size": size, "lang": lang},
            "banner",
        )
        with force_locale(lang):
            image = image_snippet(settings) or ""
            snippets = [
                Snippet(
                    f"loader-{size}", gettext("Script (recommended)"), loader_snippet(settings)
                ),
                Snippet(
                    f"iframe-{size}",
                    gettext("iframe"),
                    iframe_snippet(settings, width=size.split("x")[0]),
                ),
                Snippet(f"image-{size}", gettext("Image with link (no JavaScript)"), image),
            ]
        result.append((size, snippets))
    return result


def newsletter_call(call: Call, lang: str) -> newsletter.NewsletterCall:
    """The newsletter block's content for ``call`` in ``lang`` (the current locale's words)."""
    alliance = call.alliance
    page = call_page_url(call, lang)
    colors = banner_colors(call.background or alliance.color, call.foreground)
    alt = call.title + (f": {call.tagline}" if call.tagline else "")
    ended = call.has_ended()
    return newsletter.NewsletterCall(
        alliance=alliance.name,
        title=call.title,
        tagline=gettext("This call has ended.") if ended else call.tagline,
        text="" if ended else call.text,
        button="" if ended else (call.button_label or gettext("Take part")),
        link=page if ended else (call.button_link or page),
        page=page,
        image=banner_url(call, "1200x630", "png", lang),
        image_width=600,
        image_height=315,
        image_alt=alt,
        background=colors.background,
        foreground=colors.text,
        more=gettext("More about the call"),
        lang=lang,
    )


def existing_page(path: str) -> str | None:
    """``path`` when this instance answers it (the join form is another feature's)."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return path


def _language(args: Mapping[str, str]) -> str:
    return _choice(args, "lang", LANGUAGES, "de")


# --- the call's page ----------------------------------------------------------------------


def call_page(alliance: str, call: str) -> Response:
    session = db.session()
    found = content.call_by_slug(session, alliance, call)
    lang = current_language()
    query = _lang_query(lang)
    slugs: dict[str, Any] = {"alliance": found.alliance.slug, "call": found.slug}
    posters = [
        Download(
            gettext("Poster %(size)s", size=PAPER_LABELS[size])
            if size != "a6"
            else gettext("Flyer %(size)s", size=PAPER_LABELS[size]),
            external_url("campaign.poster_pdf", **slugs, size=size, **query),
            external_url("campaign.poster_pdf", **slugs, size=size, marks=1, **query),
        )
        for size in ("a4", "a3", "a6")
    ]
    social = [
        Download(
            size.replace("x", " × "),
            banner_url(found, size, "png", lang),
            banner_url(found, size, "png", lang, scale=2),
        )
        for size in SOCIAL_SIZES
    ]
    images = [
        Download(
            size.replace("x", " × "),
            banner_url(found, size, "svg", lang),
            banner_url(found, size, "png", lang, scale=2),
        )
        for size in BANNER_SIZES
    ]
    block = newsletter_call(found, lang)
    page_url = call_page_url(found, lang)
    share_text = found.title + (f" – {found.tagline}" if found.tagline else "")
    signatures = signature_count(session, found)
    html = render_template(
        "campaign/call.html",
        call=found,
        alliance=found.alliance,
        logo=alliance_logo(found.alliance.slug),
        signatures=signatures,
        posters=posters,
        social=social,
        images=images,
        website=website_snippets(found, lang),
        newsletter_html=newsletter.newsletter_html(block),
        newsletter_text=newsletter.newsletter_text(block),
        newsletter_urls=(
            external_url("campaign.newsletter_block", **slugs, fmt="html", **query),
            external_url("campaign.newsletter_block", **slugs, fmt="txt", **query),
        ),
        call_url=page_url,
        short_url=short_url(found),
        og_image=banner_url(found, "1200x630", "png", lang),
        preview=url_for("badges.banner", **slugs, fmt="svg", size="1200x630", **query),
        share=share_links(page_url, share_text),
        join_url=existing_page(f"/join/{found.alliance.slug}"),
        submit_url=url_for("embed.document", name="submit", alliance=found.alliance.slug, **query),
    )
    response = Response(html, mimetype="text/html")
    # the count of signatures changes without the call: then the ETag alone decides
    changed = call_changed_at(found) if signatures is None else None
    return cached(response, "page", last_modified=changed)


def share_links(url: str, text: str) -> list[share.ShareLink]:
    """Share links for a page of ours, labelled in the current language."""
    labels = {
        "email": gettext("E-mail"),
        "mastodon": "Mastodon",
        "bluesky": "Bluesky",
        "linkedin": "LinkedIn",
        "whatsapp": "WhatsApp",
        "facebook": "Facebook",
        "x": "X",
    }
    mastodon = url_for("campaign.mastodon", url=url, text=text, **_lang_query(current_language()))
    return share.share_links(url, text, mastodon, labels)


def short(call_id: int) -> Response:
    """``/c/<id>``: the short address on posters, leading to the call's page."""
    found = call_by_id(db.session(), call_id)
    response = redirect(call_page_url(found), 301)
    return response


# --- posters and flyers -------------------------------------------------------------------


def poster_pdf(alliance: str, call: str) -> Response:
    lang = _language(request.args)
    size = _choice(request.args, "size", tuple(poster.PAPER), "a4")
    marks = _choice(request.args, "marks", ("0", "1"), "0") == "1"
    found = content.call_by_slug(db.session(), alliance, call)
    colors = banner_colors(found.background or found.alliance.color, found.foreground)
    target = short_url(found)
    with force_locale(lang):
        ended = found.has_ended()
        kind = gettext("Flyer") if size == "a6" else gettext("Poster")
        text = poster.PosterText(
            alliance=found.alliance.name,
            title=found.title,
            tagline=gettext("This call has ended.") if ended else found.tagline,
            text="" if ended else found.text,
            action=gettext("Scan and take part:"),
            address=_readable(target),
            document_title=f"{found.title} – {kind} {PAPER_LABELS[size]}",
            lang=lang,
        )
    pdf = poster.poster(
        text,
        size,
        background=colors.background,
        foreground=colors.text,
        code=qr_code(target),
        logo=alliance_logo(found.alliance.slug),
        marks=marks,
    )
    response = Response(pdf, mimetype="application/pdf")
    filename = f"{found.slug}-{size}{'-marks' if marks else ''}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return cached(open_cors(response), "image", last_modified=call_changed_at(found))


# --- the newsletter block -----------------------------------------------------------------

# the block is ours; its images and links are absolute, its styles inline by design
NEWSLETTER_CSP = (
    "default-src 'none'; img-src *; style-src 'unsafe-inline'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def newsletter_block(alliance: str, call: str, fmt: str) -> Response:
    lang = _language(request.args)
    found = content.call_by_slug(db.session(), alliance, call)
    with force_locale(lang):
        block = newsletter_call(found, lang)
    if fmt == "txt":
        response = Response(newsletter.newsletter_text(block), mimetype="text/plain")
    else:
        response = Response(newsletter.newsletter_html(block), mimetype="text/html")
        response.headers["Content-Security-Policy"] = NEWSLETTER_CSP
    response.headers["Content-Language"] = lang
    return cached(open_cors(response), "page", last_modified=call_changed_at(found))


def outage(error: Exception) -> Response:
    """The database is away: the newsletter's text block says so in plain text, the rest
    as the site's error page (503 with ``Retry-After`` either way)."""
    if (
        request.endpoint == "campaign.newsletter_block"
        and (request.view_args or {}).get("fmt") == "txt"
    ):
        errors.log_outage(error)
        response = Response(errors.unavailable_message() + "\n", mimetype="text/plain")
        return errors.unavailable(response)
    return errors.handle_outage(error)


# --- Mastodon: which instance? ------------------------------------------------------------


def mastodon() -> Response:
    """Asks for the visitor's Mastodon instance, then sends them to its share page."""
    text = (request.args.get("text") or "").strip()[:400]
    url = (request.args.get("url") or "").strip()[:1000]
    message = f"{text} {url}".strip()
    typed = request.args.get("instance")
    error = None
    if typed is not None:
        instance = share.mastodon_instance(typed)
        if instance is not None:
            response = redirect(share.mastodon_share_url(instance, message), 303)
            response.headers["Cache-Control"] = "no-store"
            return response
        error = gettext("Please enter the address of your Mastodon server, like “social.example”.")
    html = render_template(
        "campaign/mastodon.html", text=text, url=url, message=message, error=error, typed=typed
    )
    response = Response(html, status=400 if error else 200, mimetype="text/html")
    return cached(response, "page")
