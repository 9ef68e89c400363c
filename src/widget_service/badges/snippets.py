"""The snippets a partner copies for its badge (partner page, builder): HTML, Markdown and
image URLs for each style."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import url_for
from markupsafe import escape

from ..http import external_url
from ..i18n import current_language, force_locale, gettext
from ..models import Membership
from .compose import STYLES, BadgeOptions, membership_badge
from .links import verification_url


@dataclass(frozen=True)
class SnippetForm:
    kind: str  # html, markdown, url, png
    label: str
    text: str
    multiline: bool


@dataclass(frozen=True)
class BadgeSnippets:
    style: str
    heading: str
    preview_url: str
    width: int
    height: int
    alt: str
    forms: tuple[SnippetForm, ...]


_SIZE = re.compile(r'<svg [^>]*?width="(\d+)" height="(\d+)"')


def badge_snippets(membership: Membership, lang: str = "de") -> list[BadgeSnippets]:
    """Each badge style with the snippets a webmaster copies: HTML, Markdown, image URLs."""
    alliance, partner = membership.alliance.slug, membership.partner.slug
    link = verification_url(membership)
    alt = gettext(
        "Membership badge: %(partner)s in the alliance “%(alliance)s”",
        partner=membership.partner.name,
        alliance=membership.alliance.name,
    )
    headings = {"flat": gettext("Small badge"), "seal": gettext("Seal")}
    result = []
    for style in STYLES:
        query: dict[str, Any] = {"style": style}
        if lang != "de":
            query["lang"] = lang
        svg_url = external_url(
            "badges.badge", alliance=alliance, partner=partner, fmt="svg", **query
        )
        png_url = external_url(
            "badges.badge", alliance=alliance, partner=partner, fmt="png", **query
        )
        with force_locale(lang):
            svg = membership_badge(membership, BadgeOptions(style=style, lang=lang))
        size = _SIZE.search(svg)
        width, height = (int(size.group(1)), int(size.group(2))) if size else (0, 0)
        markdown_alt = alt.replace("[", "(").replace("]", ")")
        html = (
            f'<a href="{_escape(link)}"><img src="{_escape(svg_url)}" alt="{_escape(alt)}"'
            f' width="{width}" height="{height}"></a>'
        )
        forms = (
            SnippetForm("html", gettext("HTML"), html, True),
            SnippetForm(
                "markdown", gettext("Markdown"), f"[![{markdown_alt}]({svg_url})]({link})", True
            ),
            SnippetForm("url", gettext("Image URL (SVG)"), svg_url, False),
            SnippetForm("png", gettext("Image URL (PNG, for e-mail)"), png_url, False),
        )
        # the preview is same-origin (the page's CSP allows 'self' images only)
        preview = url_for("badges.badge", alliance=alliance, partner=partner, fmt="svg", **query)
        result.append(BadgeSnippets(style, headings[style], preview, width, height, alt, forms))
    return result


def _escape(text: str) -> str:
    return str(escape(text))


def template_badge_snippets(membership: Membership) -> list[BadgeSnippets]:
    return badge_snippets(membership, current_language())
