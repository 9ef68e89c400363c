"""Who runs this instance, read from the configuration: the Impressum, the controller, the
data-protection officer, the supervisory authority and where to send accessibility feedback.

Development and tests fill what is missing with plainly fictitious values; everywhere else a
missing required value is named in a warning at start (the pages then say it is missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask

# the date the accessibility statement was last checked against this code (BITV 2.0 § 12b)
STATEMENT_REVIEWED = "2026-11-30"
# the federal conciliation body; an operator under a state law may name its own
ENFORCEMENT_NAME = "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)"
ENFORCEMENT_URL = "https://www.schlichtungsstelle-bgg.de"

DEFAULTS: dict[str, Any] = {
    "OPERATOR_NAME": None,  # e.g. "Stadt Sehnde" or "Niedersachsen packt an e. V."
    "OPERATOR_ADDRESS": None,  # lines separated by newlines or " | "
    "OPERATOR_REPRESENTATIVE": None,  # vertreten durch …
    "OPERATOR_EMAIL": None,  # contact, also for accessibility feedback
    "OPERATOR_PHONE": None,
    "OPERATOR_REGISTER": None,  # e.g. "Vereinsregister Amtsgericht Hildesheim, VR 1234"
    "OPERATOR_CONTENT_RESPONSIBLE": None,  # § 18 Abs. 2 MStV, if not the representative
    "OPERATOR_PUBLIC_BODY": True,  # legal basis: Art. 6(1)(e) GDPR, else (f)
    "OPERATOR_DPO_NAME": None,
    "OPERATOR_DPO_EMAIL": None,
    "OPERATOR_DPO_ADDRESS": None,
    "OPERATOR_AUTHORITY_NAME": None,  # the supervisory authority for data protection
    "OPERATOR_AUTHORITY_ADDRESS": None,
    "OPERATOR_AUTHORITY_URL": None,
    "OPERATOR_HOSTING": None,  # the hosting provider (a processor), if any
    "OPERATOR_LOG_DAYS": 7,  # days the web server keeps access logs
    "OPERATOR_RETENTION_MONTHS": 6,  # months personal form data is kept after its purpose ends
    "OPERATOR_STATEMENT_REVIEWED": STATEMENT_REVIEWED,
    "OPERATOR_ENFORCEMENT_NAME": ENFORCEMENT_NAME,
    "OPERATOR_ENFORCEMENT_URL": ENFORCEMENT_URL,
}

# what a public body cannot go live without
REQUIRED = (
    "OPERATOR_NAME",
    "OPERATOR_ADDRESS",
    "OPERATOR_EMAIL",
    "OPERATOR_REPRESENTATIVE",
    "OPERATOR_DPO_EMAIL",
    "OPERATOR_AUTHORITY_NAME",
)

# development and tests: nobody could mistake these for a real operator
FICTITIOUS: dict[str, Any] = {
    "OPERATOR_NAME": "Musterbündnis Niedersachsen e. V. (fiktiver Betreiber)",
    "OPERATOR_ADDRESS": "Beispielstraße 1 | 30159 Musterstadt",
    "OPERATOR_REPRESENTATIVE": "Erika Mustermann (Vorsitzende, fiktiv)",
    "OPERATOR_EMAIL": "kontakt@example.org",
    "OPERATOR_PHONE": "+49 511 0000000",
    "OPERATOR_REGISTER": "Vereinsregister Amtsgericht Musterstadt, VR 00000 (fiktiv)",
    "OPERATOR_PUBLIC_BODY": False,
    "OPERATOR_DPO_NAME": "Max Mustermann (fiktiv)",
    "OPERATOR_DPO_EMAIL": "datenschutz@example.org",
    "OPERATOR_AUTHORITY_NAME": "Die Landesbeauftragte für den Datenschutz Niedersachsen",
    "OPERATOR_AUTHORITY_ADDRESS": "Prinzenstraße 5 | 30159 Hannover",
    "OPERATOR_AUTHORITY_URL": "https://www.lfd.niedersachsen.de",
}


@dataclass(frozen=True)
class Operator:
    """The operator's details as the legal pages and the footer show them."""

    name: str | None
    address: tuple[str, ...]
    representative: str | None
    email: str | None
    phone: str | None
    register: str | None
    content_responsible: str | None
    public_body: bool
    dpo_name: str | None
    dpo_email: str | None
    dpo_address: tuple[str, ...]
    authority_name: str | None
    authority_address: tuple[str, ...]
    authority_url: str | None
    hosting: str | None
    log_days: int
    retention_months: int
    statement_reviewed: dt.date | None
    enforcement_name: str
    enforcement_url: str
    missing: tuple[str, ...]


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _lines(value: Any) -> tuple[str, ...]:
    text = _text(value) or ""
    return tuple(part.strip() for part in re.split(r"\n|\s\|\s", text) if part.strip())


def _number(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def operator_from(config: Mapping[str, Any]) -> Operator:
    """The operator described by ``config`` (missing keys count as empty)."""
    get = config.get
    return Operator(
        name=_text(get("OPERATOR_NAME")),
        address=_lines(get("OPERATOR_ADDRESS")),
        representative=_text(get("OPERATOR_REPRESENTATIVE")),
        email=_text(get("OPERATOR_EMAIL")),
        phone=_text(get("OPERATOR_PHONE")),
        register=_text(get("OPERATOR_REGISTER")),
        content_responsible=_text(get("OPERATOR_CONTENT_RESPONSIBLE")),
        public_body=_flag(get("OPERATOR_PUBLIC_BODY", True)),
        dpo_name=_text(get("OPERATOR_DPO_NAME")),
        dpo_email=_text(get("OPERATOR_DPO_EMAIL")),
        dpo_address=_lines(get("OPERATOR_DPO_ADDRESS")),
        authority_name=_text(get("OPERATOR_AUTHORITY_NAME")),
        authority_address=_lines(get("OPERATOR_AUTHORITY_ADDRESS")),
        authority_url=_text(get("OPERATOR_AUTHORITY_URL")),
        hosting=_text(get("OPERATOR_HOSTING")),
        log_days=_number(get("OPERATOR_LOG_DAYS"), 7),
        retention_months=_number(get("OPERATOR_RETENTION_MONTHS"), 6),
        statement_reviewed=_day(get("OPERATOR_STATEMENT_REVIEWED") or STATEMENT_REVIEWED),
        enforcement_name=_text(get("OPERATOR_ENFORCEMENT_NAME")) or ENFORCEMENT_NAME,
        enforcement_url=_text(get("OPERATOR_ENFORCEMENT_URL")) or ENFORCEMENT_URL,
        missing=tuple(key for key in REQUIRED if not _text(get(key))),
    )


EXTENSION = "widget_service.operator"


def init_app(app: Flask) -> Operator:
    """Complete the configuration, warn about what is missing, keep the operator on the app."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config["ENV"] in ("development", "test"):
        for key, value in FICTITIOUS.items():
            if not _text(app.config.get(key)):
                app.config[key] = value
    operator = operator_from(app.config)
    if operator.missing:
        names = ", ".join("WIDGETS_" + key for key in operator.missing)
        app.logger.warning(
            "The legal pages are incomplete: set %s (in the environment or instance/config.py). "
            "A public body must not go live without its Impressum and privacy details.",
            names,
        )
    app.extensions[EXTENSION] = operator
    return operator
