"""Texts the legal pages build from the operator's details: the webmasters' privacy note."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..http import external_url
from ..i18n import LANGUAGES, force_locale, gettext
from .operator import Operator

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


@dataclass(frozen=True)
class Note:
    """The paragraph a webmaster adds to the privacy policy of a site that embeds us."""

    lang: str
    language_name: str
    text: str


def legal_basis(operator: Operator) -> str:
    """The legal basis of serving pages and widgets, for this kind of operator."""
    if operator.public_body:
        return gettext("Art. 6(1)(e) GDPR in conjunction with § 3 NDSG")
    return gettext("Art. 6(1)(f) GDPR")


def webmaster_notes(operator: Operator) -> list[Note]:
    """The note in every language, German first: the site embedding us is German, its
    webmaster may read this page in English."""
    host = urlsplit(external_url("public.index")).netloc
    notes = []
    for lang in LANGUAGES:
        with force_locale(lang):
            privacy = external_url("legal.privacy", lang=None if lang == "de" else lang)
            text = gettext(
                "Our website shows content of the civic alliances of Lower Saxony (projects, "
                "events, partners, calls). It is loaded from %(host)s, a service of "
                "%(operator)s, when you open the page. Your browser thereby sends that server "
                "your IP address, technical details (browser, time) and the address of our "
                "website without the path of the page (for example https://www.example.de). "
                "The operator keeps the IP address only in access logs for running the "
                "service securely, for at most %(days)s days, and counts how often content "
                "is shown on which website, without personal data. No cookies are set and no "
                "other server is contacted; only a video, when a visitor clicks its play button, "
                "is loaded from the host named beside the button (such as "
                "youtube-nocookie.com). Legal basis: %(basis)s. More: %(privacy)s",
                host=host,
                operator=operator.name or host,
                days=operator.log_days,
                basis=legal_basis(operator),
                privacy=privacy,
            )
        notes.append(Note(lang, LANGUAGE_NAMES[lang], text))
    return notes
