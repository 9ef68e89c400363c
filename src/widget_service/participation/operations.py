"""Writes of the public forms: a suggestion or story, a signature, an application.

Each checks what a visitor typed with the record schema's own field types (the rules of
the import), stores it in one transaction together with the e-mail it causes and the
form token it used, and commits before the view answers. Nothing stored here is public
before the office (or the signer's confirmation) makes it so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import mail
from ..i18n import force_locale, gettext
from ..models import (
    ActionField,
    Alliance,
    Application,
    Call,
    Channel,
    PartnerKind,
    Project,
    ProjectKind,
    Signature,
    Status,
)
from ..record_schema import (
    Choice,
    Email,
    FieldError,
    Invalid,
    Line,
    RecordField,
    Text,
    WebAddress,
    validate_record,
)
from ..text import slugify
from ..timeutil import today, utcnow
from . import forms

PUBLIC_FORM = "public form"
YES = "yes"

# the limits of the public forms (CONTRACT.md, "The write side"); the record allows more
SUBMIT_FIELDS: dict[str, RecordField[Any]] = {
    "title": Line(200, nonempty=True),
    "summary": Text(500),
    "description": Text(5000),
    "place": Line(200),
    "link": WebAddress(1000),
    "video": WebAddress(1000),
    "name": Line(200, nonempty=True),
    "email": Email(nonempty=True),
}
SIGN_FIELDS: dict[str, RecordField[Any]] = {
    "name": Line(200, nonempty=True),
    "organisation": Line(200),
    "place": Line(200),
    "email": Email(nonempty=True),
}
JOIN_FIELDS: dict[str, RecordField[Any]] = {
    "organisation": Line(200, nonempty=True),
    "kind": Choice(tuple(PartnerKind), null=False),
    "place": Line(200),
    "region": Line(200),
    "website": WebAddress(500),
    "name": Line(200, nonempty=True),
    "email": Email(nonempty=True),
    "resolution": Line(500),
}


class FormInvalid(Exception):
    """What a visitor typed cannot be stored; ``errors`` has a message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def _checked(fields: Mapping[str, RecordField[Any]], data: Mapping[str, str]) -> dict[str, Any]:
    """Every field checked; raise :class:`FormInvalid` with a message for each bad one."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, checker in fields.items():
        try:
            values[name] = checker.check(forms.text_value(data, name))
        except Invalid as error:
            errors[name] = forms.problem_message(FieldError((name,), error.problem))
    if forms.text_value(data, "consent") != YES:
        errors["consent"] = forms.field_message("consent")
    if errors:
        raise FormInvalid(errors)
    return values


def _audit(session: Session) -> None:
    session.info["actor"] = PUBLIC_FORM


# --- a suggested project or a story -------------------------------------------------------


def plain_text_html(text: str) -> str:
    """Plain text as HTML paragraphs, every character escaped (line breaks kept)."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(str(escape(line)) for line in part.split("\n")) + "</p>"
        for part in paragraphs
        if part
    )


def free_slug(session: Session, model: Any, alliance_id: int, title: str) -> str:
    """A slug from the title that no record of the alliance has yet."""
    base = slugify(title)[:70].strip("-") or "beitrag"
    if base == "all":
        base = "all-1"
    taken = set(
        session.scalars(
            select(model.slug).where(model.alliance_id == alliance_id, model.slug.like(base + "%"))
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def submit_suggestion(
    session: Session,
    alliance: Alliance,
    data: Mapping[str, str],
    token_digest: str,
    lang: str,
) -> Project:
    """Store a suggested project or story as pending and tell the sender and the office."""
    errors: dict[str, str] = {}
    kind = forms.text_value(data, "kind") or ProjectKind.PROJECT.value
    if kind not in {member.value for member in ProjectKind}:
        errors["kind"] = forms.field_message("choice")
    field_slug = forms.text_value(data, "field")
    chosen: ActionField | None = None
    if field_slug:
        chosen = next((item for item in alliance.fields if item.slug == field_slug), None)
        if chosen is None:
            errors["field"] = forms.field_message("choice")
    try:
        values = _checked(SUBMIT_FIELDS, data)
    except FormInvalid as invalid:
        errors = {**errors, **invalid.errors}
        values = {}
    if errors:
        raise FormInvalid(errors)
    slug = free_slug(session, Project, alliance.id, values["title"])
    record = {
        "alliance": alliance.slug,
        "slug": slug,
        "kind": kind,
        "title": values["title"],
        "summary": values["summary"],
        "body": plain_text_html(values["description"]),
        "place": values["place"],
        "link": values["link"],
        "video": values["video"],
        "status": Status.PENDING.value,
    }
    checked = validate_record("projects", record)
    if checked.errors:  # the form's limits are tighter: only a gap between the two gets here
        raise FormInvalid({"title": forms.problem_message(checked.errors[0])})
    _audit(session)
    project = Project(
        alliance=alliance,
        slug=slug,
        kind=ProjectKind(kind),
        title=values["title"],
        summary=values["summary"],
        body=checked.values["body"],
        place=values["place"],
        link=values["link"],
        video=values["video"],
        status=Status.PENDING,
        channel=Channel.SUBMISSION,
        submitter_name=values["name"],
        submitter_email=values["email"],
        fields=[chosen] if chosen else [],
    )
    session.add(project)
    forms.use_token(session, token_digest)
    with force_locale(lang):
        what = gettext("story") if kind == ProjectKind.STORY else gettext("project suggestion")
        mail.enqueue(
            session,
            values["email"],
            gettext("Thank you for your %(what)s", what=what),
            gettext(
                "Hello %(name)s,\n\nthank you for your %(what)s “%(title)s” to %(alliance)s. "
                "The alliance office will look at it soon; once it is published, it appears "
                "on the alliance's pages and in the widgets on its members' websites.\n\n"
                "Your e-mail address is never published.\n",
                name=values["name"],
                what=what,
                title=values["title"],
                alliance=alliance.name,
            ),
        )
    if alliance.contact_email:
        with force_locale("de"):
            mail.enqueue(
                session,
                alliance.contact_email,
                gettext("New suggestion: %(title)s", title=values["title"]),
                gettext(
                    "A new suggestion waits for the office: “%(title)s” from %(name)s.\n",
                    title=values["title"],
                    name=values["name"],
                ),
            )
    session.commit()
    return project


# --- signatures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureLinks:
    """The confirmation and withdrawal addresses of one signature (made by the view)."""

    confirm: Callable[[Signature], str]
    withdraw: Callable[[Signature], str]


def sign_call(
    session: Session,
    call: Call,
    data: Mapping[str, str],
    token_digest: str,
    lang: str,
    links: SignatureLinks,
) -> Signature:
    """Store a signature waiting for its confirmation and send the link that confirms it.

    Signing again with the same address changes nothing that is public: an unconfirmed
    signature takes the new details and gets a new link, a confirmed one gets a note.
    The answer is the same either way, so the form tells no one who has signed.
    """
    values = _checked(SIGN_FIELDS, data)
    show_name = forms.text_value(data, "show_name") == YES
    email = values["email"].lower()
    _audit(session)
    signature = session.scalar(
        select(Signature).where(Signature.call_id == call.id, Signature.email == email)
    )
    already = signature is not None and signature.confirmed_at is not None
    if signature is None:
        signature = Signature(call=call, email=email)
        session.add(signature)
    if not already:
        signature.name = values["name"]
        signature.organisation = values["organisation"] or None
        signature.place = values["place"] or None
        signature.show_name = show_name
        signature.lang = lang
        signature.created_at = utcnow()
    forms.use_token(session, token_digest)
    session.flush()
    with force_locale(signature.lang if already else lang):
        if already:
            subject = gettext("You have already signed “%(call)s”", call=call.title)
            text = gettext(
                "Hello,\n\nsomeone (perhaps you) wanted to sign “%(call)s” with this address. "
                "Your signature was counted already; nothing has changed.\n\n"
                "To withdraw your signature, follow this link:\n%(withdraw)s\n",
                call=call.title,
                withdraw=links.withdraw(signature),
            )
        else:
            subject = gettext("Please confirm your signature for “%(call)s”", call=call.title)
            text = gettext(
                "Hello %(name)s,\n\nplease confirm your signature for “%(call)s” of "
                "%(alliance)s by following this link (valid for 7 days):\n%(confirm)s\n\n"
                "If you did not sign, ignore this message: without confirmation nothing is "
                "counted and your details are deleted.\n\n"
                "You can withdraw your signature at any time; it is then deleted:\n"
                "%(withdraw)s\n",
                name=values["name"],
                call=call.title,
                alliance=call.alliance.name,
                confirm=links.confirm(signature),
                withdraw=links.withdraw(signature),
            )
        mail.enqueue(session, email, subject, text)
    session.commit()
    return signature


def confirm_signature(session: Session, signature: Signature) -> bool:
    """Count a signature (once); False when it was counted already."""
    if signature.confirmed_at is not None:
        return False
    _audit(session)
    signature.confirmed_at = utcnow()
    session.commit()
    return True


def withdraw_signature(session: Session, signature: Signature) -> None:
    """Delete a signature: it is no longer counted or listed, and its details are gone."""
    _audit(session)
    session.delete(signature)
    session.commit()


def purge_signatures(session: Session, retention_days: int, on: dt.date | None = None) -> int:
    """Delete the signatures of calls that ended more than ``retention_days`` ago, and those
    never confirmed within a week; return how many."""
    day = on or today()
    cutoff = day - dt.timedelta(days=retention_days)
    ended = select(Call.id).where(Call.ends.is_not(None), Call.ends < cutoff)
    stale = utcnow() - dt.timedelta(days=8)
    doomed = select(func.count(Signature.id)).where(
        Signature.call_id.in_(ended)
        | (Signature.confirmed_at.is_(None) & (Signature.created_at < stale))
    )
    count = session.scalar(doomed) or 0
    session.execute(
        delete(Signature).where(
            Signature.call_id.in_(ended)
            | (Signature.confirmed_at.is_(None) & (Signature.created_at < stale))
        )
    )
    session.commit()
    return count


# --- applications -------------------------------------------------------------------------


def apply_to_join(
    session: Session,
    alliance: Alliance,
    data: Mapping[str, str],
    token_digest: str,
    lang: str,
) -> Application:
    """Store an application for the office and tell the contact it arrived."""
    values = _checked(JOIN_FIELDS, data)
    _audit(session)
    application = Application(
        alliance=alliance,
        organisation=values["organisation"],
        kind=values["kind"],
        place=values["place"] or None,
        region=values["region"] or None,
        website=values["website"],
        contact_name=values["name"],
        contact_email=values["email"],
        resolution=values["resolution"] or None,
        lang=lang,
    )
    session.add(application)
    forms.use_token(session, token_digest)
    with force_locale(lang):
        mail.enqueue(
            session,
            values["email"],
            gettext("Your application to %(alliance)s", alliance=alliance.name),
            gettext(
                "Hello %(name)s,\n\nthank you: the application of %(organisation)s to become a "
                "partner of %(alliance)s has arrived. The alliance office will look at it; once "
                "it is approved you receive the badge for your website and its verification "
                "link.\n",
                name=values["name"],
                organisation=values["organisation"],
                alliance=alliance.name,
            ),
        )
    if alliance.contact_email:
        with force_locale("de"):
            mail.enqueue(
                session,
                alliance.contact_email,
                gettext("New application: %(organisation)s", organisation=values["organisation"]),
                gettext(
                    "%(organisation)s (%(place)s) applies to become a partner; "
                    "contact: %(name)s.\n",
                    organisation=values["organisation"],
                    place=values["place"] or "–",
                    name=values["name"],
                ),
            )
    session.commit()
    return application
