"""Languages, dates and times for people: the one module that imports Flask-Babel.

German is the default; English is chosen by ``?lang=en`` or by the browser's
Accept-Language. Times are shown in Europe/Berlin whatever the server's zone.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, lazy_gettext
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext

from .timeutil import BERLIN

LANGUAGES = ("de", "en")
DEFAULT = "de"
# how dates are written in each language: German as in Germany, English as in Europe
DATE_LOCALES = {"de": "de_DE", "en": "en_GB"}

__all__ = [
    "LANGUAGES",
    "force_locale",
    "gettext",
    "lazy_gettext",
    "ngettext",
]


def gettext(message: str, **variables: object) -> str:
    """``message`` in the current language, with ``%(name)s`` variables filled in."""
    return str(_gettext(message, **variables))


def ngettext(singular: str, plural: str, number: int, **variables: object) -> str:
    """The singular or plural form of a message for ``number``."""
    return str(_ngettext(singular, plural, number, **variables))


def requested_language() -> str | None:
    """The language named by ``?lang=``, if it is one we speak."""
    if not has_request_context():
        return None
    value = request.args.get("lang")
    return value if value in LANGUAGES else None


def select_locale() -> str:
    """``?lang=``, then the browser's preference, then German."""
    chosen = requested_language()
    if chosen:
        return chosen
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def current_language() -> str:
    """The language of the response being built ("de" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT


def _date_locale() -> str:
    return DATE_LOCALES[current_language()]


def _content_language(response: Response) -> Response:
    if response.mimetype == "text/html" and "Content-Language" not in response.headers:
        response.headers["Content-Language"] = current_language()
    return response


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=lambda: "Europe/Berlin",
        default_translation_directories="translations",
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        format_day=format_day,
        format_span=format_span,
        languages=LANGUAGES,
    )
    app.after_request(_content_language)


def format_day(day: dt.date | dt.datetime | None, style: str = "long") -> str:
    """A date as people write it: ``7. Oktober 2020`` / ``7 October 2020``."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.astimezone(BERLIN).date()
    return babel_format_date(day, format=style, locale=_date_locale())


def format_span(starts: dt.datetime, ends: dt.datetime | None) -> str:
    """An event's time: ``Donnerstag, 3. Dezember 2026, 18:00–20:00 Uhr``."""
    language = current_language()
    begin = starts.astimezone(BERLIN)
    day = babel_format_date(begin.date(), format="full", locale=_date_locale())
    if ends is None:
        return gettext("%(day)s, %(time)s", day=day, time=_clock(begin, language))
    finish = ends.astimezone(BERLIN)
    if finish.date() == begin.date():
        span = _clock_range(begin, finish, language)
        return gettext("%(day)s, %(time)s", day=day, time=span)
    last = babel_format_date(finish.date(), format="full", locale=_date_locale())
    return gettext(
        "%(first)s, %(start)s to %(last)s, %(end)s",
        first=day,
        start=_clock(begin, language),
        last=last,
        end=_clock(finish, language),
    )


def _clock(moment: dt.datetime, language: str) -> str:
    if language == "de":
        return babel_format_time(moment, "HH:mm", locale="de") + " Uhr"
    return babel_format_time(moment, "h:mm a", locale="en_GB").lower()


def _clock_range(begin: dt.datetime, finish: dt.datetime, language: str) -> str:
    if language == "de":
        first = babel_format_time(begin, "HH:mm", locale="de")
        return f"{first}–{babel_format_time(finish, 'HH:mm', locale='de')} Uhr"
    return f"{_clock(begin, language)} – {_clock(finish, language)}"
