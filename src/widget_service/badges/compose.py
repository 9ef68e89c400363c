"""What a badge or a banner says: a membership's badge and a call's banner composed from
the records, in the current language, and the notices an image shows when it cannot be made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..campaign.logos import alliance_logo
from ..errors import InvalidParameter
from ..http import external_url
from ..i18n import LANGUAGES, current_language, format_day, gettext
from ..models import Call, Membership
from ..timeutil import BERLIN, UTC, today
from . import render
from .render import BannerText, Theme, Tone

STYLES = ("flat", "seal")
SCALES = ("1", "2")
THEMES = tuple(theme.value for theme in Theme)


def choice(args: Mapping[str, str], name: str, options: tuple[str, ...], default: str) -> str:
    value = (args.get(name) or "").strip() or default
    if value not in options:
        raise InvalidParameter(name, "choice", options=", ".join(options))
    return value


def scale(args: Mapping[str, str]) -> int:
    """``scale=2``: a PNG twice as wide and high, sharp on dense screens and in e-mail."""
    return int(choice(args, "scale", SCALES, "1"))


def language(args: Mapping[str, str]) -> str:
    """Images speak German unless ``lang=en``: the URL alone decides, so caches stay right."""
    return choice(args, "lang", LANGUAGES, "de")


@dataclass(frozen=True)
class BadgeOptions:
    style: str = "flat"
    theme: Theme = Theme.LIGHT
    lang: str = "de"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> BadgeOptions:
        """``style``, ``theme`` and ``lang`` from a query; raises :class:`InvalidParameter`."""
        return cls(
            style=choice(args, "style", STYLES, "flat"),
            theme=Theme(choice(args, "theme", THEMES, Theme.LIGHT.value)),
            lang=language(args),
        )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=BERLIN).astimezone(UTC)


def membership_changed_at(membership: Membership) -> dt.datetime:
    """When what a badge shows last changed: an edit, or the day it began or ended."""
    moments = [
        membership.updated_at,
        membership.alliance.updated_at,
        membership.partner.updated_at,
    ]
    current = today()
    moments += [
        _midnight(day) for day in (membership.since, membership.ended_on) if day and day <= current
    ]
    return max(moments)


# --- what a badge says (in the current language) ------------------------------------------


def membership_status(membership: Membership) -> tuple[str, Tone]:
    """``Mitglied seit 2020`` / ``ehemaliges Mitglied`` / ``Mitglied ab …`` and its tone."""
    day = today()
    if membership.has_ended(day):
        return gettext("former member"), Tone.MUTED
    if membership.since > day:
        return gettext("member from %(date)s", date=format_day(membership.since)), Tone.BRAND
    return gettext("member since %(year)s", year=membership.since.year), Tone.BRAND


def membership_description(membership: Membership) -> str:
    """The badge's accessible name: who, which alliance, and the state now."""
    names = {"partner": membership.partner.name, "alliance": membership.alliance.name}
    if membership.has_ended():
        return gettext(
            "%(partner)s: former member of the alliance “%(alliance)s” (%(since)s to %(until)s)",
            since=format_day(membership.since),
            until=format_day(membership.ended_on),
            **names,
        )
    if membership.since > today():
        return gettext(
            "%(partner)s: member of the alliance “%(alliance)s” from %(date)s (not active yet)",
            date=format_day(membership.since),
            **names,
        )
    return gettext(
        "%(partner)s: member of the alliance “%(alliance)s” since %(date)s",
        date=format_day(membership.since),
        **names,
    )


def _render_badge(
    options: BadgeOptions,
    texts: tuple[str, str, str],
    *,
    brand: str | None,
    tone: Tone,
    description: str,
) -> str:
    """A flat badge (``heading | status``) or a seal (``heading``, ``name``, ``status``)."""
    heading, name, status = texts
    if options.style == "seal":
        return render.seal_badge(
            heading,
            name,
            status,
            brand=brand,
            title=description,
            theme=options.theme,
            tone=tone,
            lang=options.lang,
        )
    return render.flat_badge(
        heading,
        status or name,
        brand=brand,
        title=description,
        theme=options.theme,
        tone=tone,
        lang=options.lang,
    )


def membership_badge(membership: Membership, options: BadgeOptions) -> str:
    """The badge SVG of a membership as it stands today."""
    status, tone = membership_status(membership)
    return _render_badge(
        options,
        (membership.alliance.name, membership.partner.name, status),
        brand=membership.alliance.color,
        tone=tone,
        description=membership_description(membership),
    )


def notice_badge(label: str, message: str, description: str, options: BadgeOptions) -> str:
    return _render_badge(
        options, (label, message, ""), brand=None, tone=Tone.ALERT, description=description
    )


def call_target(call: Call) -> str:
    """Where a call's banner leads: its button's link, or the alliance once it has ended."""
    home = external_url("public.alliance_page", alliance=call.alliance.slug)
    if call.has_ended():
        return home
    return call.button_link or home


def call_banner(
    call: Call,
    size: str,
    *,
    title: str | None = None,
    background: str | None = None,
    linked: bool = True,
) -> str:
    """A call's banner in the current language; an ended call says so and links home.

    The banner widget passes its own ``title`` and ``background`` (its ``accent``), and
    draws the banner inside its own link (``linked=False``).
    """
    alliance = call.alliance
    home = external_url("public.alliance_page", alliance=alliance.slug)
    if call.has_ended():
        ended = gettext("This call has ended.")
        text = BannerText(
            alliance=alliance.name,
            title=call.title,
            tagline=ended,
            button=gettext("To the alliance"),
            link=home,
            description=f"{call.title} – {ended}",
        )
    else:
        text = BannerText(
            alliance=alliance.name,
            title=call.title,
            tagline=call.tagline,
            button=call.button_label,
            link=call.button_link or home,
        )
    logo = alliance_logo(alliance.slug)
    if logo is not None:
        text = replace(text, logo=logo.svg_body())
    if title:
        text = replace(text, title=title, description="")
    if not linked:
        text = replace(text, link=None)
    return render.banner(
        text,
        size,
        background=background or call.background or alliance.color,
        foreground=None if background else call.foreground,
        lang=current_language(),
    )


def notice_banner(title: str, message: str, size: str, brand: str | None = None) -> str:
    text = BannerText(alliance="", title=title, tagline=message)
    return render.banner(text, size, background=brand or "#4a4f55", lang=current_language())


def call_changed_at(call: Call) -> dt.datetime:
    """When what a call's images show last changed: an edit, or the day after it ended."""
    moments = [call.updated_at, call.alliance.updated_at]
    if call.ends is not None and call.has_ended():
        moments.append(_midnight(call.ends + dt.timedelta(days=1)))
    return max(moments)
