"""The office's record forms: which fields each section shows, how a posted form becomes a
record in the import format's shape, and the record schema's problems in the reader's
language.

Nothing here checks a value: the record schema does (``operations.save_record``), so the
office, the import and the API say the same thing about the same mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from ..accounts import AccountProblem
from ..i18n import lazy_gettext
from ..models import (
    EVENT_STATUSES,
    PROJECT_STATUSES,
    Alliance,
    Call,
    Event,
    Membership,
    Partner,
    Project,
    ProjectKind,
    Role,
    Source,
    SourceKind,
)
from ..record_schema import (
    Boolean,
    FieldError,
    Line,
    Problem,
    Text,
    record_fields,
)
from ..text import slugify
from ..web.helpers import PARTNER_KINDS


@dataclass(frozen=True)
class Input:
    """One control of a form."""

    name: str  # the field's name in the import format
    label: Any  # lazy text
    # text, textarea, html, select, date, datetime, color, checkbox, number, url, email,
    # alliance, partner, fields (action fields to tick), action_fields (an alliance's own)
    kind: str
    hint: Any = None
    required: bool = False
    wide: bool = False


@dataclass(frozen=True)
class Section:
    """A kind of record in the office."""

    name: str  # the import format's section
    model: type[Any]
    title: Any
    singular: Any
    inputs: tuple[Input, ...]
    # the fields that name a record; fixed once it exists (addresses must keep working)
    keys: tuple[str, ...]
    scoped: bool = True  # belongs to one alliance
    # projects and events by their status; alliances, partners and calls on a day
    archivable: bool = False

    @property
    def archived_on_a_day(self) -> bool:
        """Archived by ``archived_on`` (alliances, partners, calls), not by a status."""
        return hasattr(self.model, "archived_on")

    def input(self, name: str) -> Input | None:
        return next((item for item in self.inputs if item.name == name), None)


_SLUG_HINT = lazy_gettext(
    "Part of the address: lower-case letters, digits and hyphens. Made from the title when "
    "empty; it cannot change later."
)

SECTIONS: dict[str, Section] = {
    "projects": Section(
        "projects",
        Project,
        lazy_gettext("Projects and stories"),
        lazy_gettext("project"),
        (
            Input("alliance", lazy_gettext("Alliance"), "alliance", required=True),
            Input("title", lazy_gettext("Title"), "text", required=True, wide=True),
            Input("slug", lazy_gettext("Short name (slug)"), "text", hint=_SLUG_HINT),
            Input("kind", lazy_gettext("Kind"), "select"),
            Input("status", lazy_gettext("Status"), "select"),
            Input("summary", lazy_gettext("Summary (plain text)"), "textarea", wide=True),
            Input(
                "body",
                lazy_gettext("Text"),
                "html",
                hint=lazy_gettext(
                    "Paragraphs, lists and links are kept; everything else is removed."
                ),
                wide=True,
            ),
            Input("partner", lazy_gettext("Partner"), "partner"),
            Input("fields", lazy_gettext("Action fields"), "fields"),
            Input("place", lazy_gettext("Place"), "text"),
            Input("region", lazy_gettext("Region"), "text"),
            Input("link", lazy_gettext("Link"), "url"),
            Input("image", lazy_gettext("Picture (address of a JPEG, PNG, WebP or GIF)"), "url"),
            Input("video", lazy_gettext("Video link"), "url"),
        ),
        ("alliance", "slug"),
        archivable=True,
    ),
    "events": Section(
        "events",
        Event,
        lazy_gettext("Events"),
        lazy_gettext("event"),
        (
            Input("alliance", lazy_gettext("Alliance"), "alliance", required=True),
            Input("title", lazy_gettext("Title"), "text", required=True, wide=True),
            Input("slug", lazy_gettext("Short name (slug)"), "text", hint=_SLUG_HINT),
            Input("status", lazy_gettext("Status"), "select"),
            Input(
                "starts",
                lazy_gettext("Starts"),
                "datetime",
                required=True,
                hint=lazy_gettext("Time in Berlin"),
            ),
            Input("ends", lazy_gettext("Ends"), "datetime", hint=lazy_gettext("Time in Berlin")),
            Input("description", lazy_gettext("Description"), "html", wide=True),
            Input("location", lazy_gettext("Location"), "text"),
            Input("online", lazy_gettext("Online link"), "url"),
            Input("partner", lazy_gettext("Partner"), "partner"),
            Input("fields", lazy_gettext("Action fields"), "fields"),
            Input("place", lazy_gettext("Place"), "text"),
            Input("region", lazy_gettext("Region"), "text"),
            Input("link", lazy_gettext("Link"), "url"),
        ),
        ("alliance", "slug"),
        archivable=True,
    ),
    "partners": Section(
        "partners",
        Partner,
        lazy_gettext("Partners"),
        lazy_gettext("partner"),
        (
            Input("name", lazy_gettext("Name"), "text", required=True, wide=True),
            Input("slug", lazy_gettext("Short name (slug)"), "text", hint=_SLUG_HINT),
            Input("kind", lazy_gettext("Kind"), "select", required=True),
            Input("place", lazy_gettext("Place"), "text"),
            Input(
                "region", lazy_gettext("Region"), "text", hint=lazy_gettext("e.g. Landkreis Peine")
            ),
            Input(
                "ags",
                lazy_gettext("Official municipality key (AGS)"),
                "text",
                hint=lazy_gettext("8 digits, e.g. 03157009"),
            ),
            Input("website", lazy_gettext("Website"), "url"),
            Input("logo", lazy_gettext("Logo (address of a picture)"), "url"),
            Input("description", lazy_gettext("Description"), "textarea", wide=True),
        ),
        ("slug",),
        scoped=False,
        archivable=True,
    ),
    "memberships": Section(
        "memberships",
        Membership,
        lazy_gettext("Memberships"),
        lazy_gettext("membership"),
        (
            Input("alliance", lazy_gettext("Alliance"), "alliance", required=True),
            Input("partner", lazy_gettext("Partner"), "partner", required=True),
            Input("since", lazy_gettext("Member since"), "date", required=True),
            Input(
                "until",
                lazy_gettext("Ended on"),
                "date",
                hint=lazy_gettext("Empty while the membership lasts."),
            ),
            Input(
                "resolution",
                lazy_gettext("Decision"),
                "text",
                hint=lazy_gettext("e.g. Kreistag, Beschlussvorlage 2020/740, 07.10.2020"),
                wide=True,
            ),
            Input("public", lazy_gettext("Shown publicly"), "checkbox"),
        ),
        ("alliance", "partner"),
    ),
    "calls": Section(
        "calls",
        Call,
        lazy_gettext("Calls"),
        lazy_gettext("call"),
        (
            Input("alliance", lazy_gettext("Alliance"), "alliance", required=True),
            Input("title", lazy_gettext("Title"), "text", required=True, wide=True),
            Input("slug", lazy_gettext("Short name (slug)"), "text", hint=_SLUG_HINT),
            Input("tagline", lazy_gettext("Tagline"), "text", wide=True),
            Input("text", lazy_gettext("Text"), "textarea", wide=True),
            Input("button", lazy_gettext("Button label"), "text"),
            Input("link", lazy_gettext("Button link"), "url"),
            Input("starts", lazy_gettext("First day"), "date"),
            Input(
                "ends", lazy_gettext("Last day"), "date", hint=lazy_gettext("Empty while it runs.")
            ),
            Input("background", lazy_gettext("Background colour"), "color", hint="#c00000"),
            Input("foreground", lazy_gettext("Text colour"), "color", hint="#ffffff"),
        ),
        ("alliance", "slug"),
        archivable=True,
    ),
    "alliances": Section(
        "alliances",
        Alliance,
        lazy_gettext("Alliances"),
        lazy_gettext("alliance"),
        (
            Input("name", lazy_gettext("Name"), "text", required=True, wide=True),
            Input("slug", lazy_gettext("Short name (slug)"), "text", hint=_SLUG_HINT),
            Input("description", lazy_gettext("Description"), "textarea", wide=True),
            Input("website", lazy_gettext("Website"), "url"),
            Input("logo", lazy_gettext("Logo (address of a picture)"), "url"),
            Input("color", lazy_gettext("Brand colour"), "color", hint="#c00000"),
            Input("contact_email", lazy_gettext("Contact e-mail"), "email"),
            Input(
                "fields",
                lazy_gettext("Action fields"),
                "action_fields",
                hint=lazy_gettext(
                    "One a line: slug | German label | English label, "
                    "e.g. sprachfoerderung | Sprachförderung | Language support"
                ),
                wide=True,
            ),
        ),
        ("slug",),
        scoped=False,
        archivable=True,
    ),
    "sources": Section(
        "sources",
        Source,
        lazy_gettext("Sources"),
        lazy_gettext("source"),
        (
            Input("alliance", lazy_gettext("Alliance"), "alliance", required=True),
            Input("url", lazy_gettext("Feed address"), "url", required=True, wide=True),
            Input("kind", lazy_gettext("Kind"), "select", required=True),
            Input("partner", lazy_gettext("Partner"), "partner"),
            Input("title", lazy_gettext("Title"), "text"),
            Input("interval_minutes", lazy_gettext("Minutes between polls"), "number"),
            Input("active", lazy_gettext("Polled"), "checkbox"),
        ),
        ("alliance", "url", "kind"),
    ),
}

CHOICES: dict[tuple[str, str], tuple[tuple[str, Any], ...]] = {
    ("projects", "kind"): (
        (ProjectKind.PROJECT.value, lazy_gettext("Project")),
        (ProjectKind.STORY.value, lazy_gettext("Story")),
    ),
    ("sources", "kind"): (
        (SourceKind.PROJECTS.value, lazy_gettext("Projects")),
        (SourceKind.EVENTS.value, lazy_gettext("Events")),
    ),
}
STATUS_LABELS: dict[str, Any] = {
    "pending": lazy_gettext("waiting for approval"),
    "published": lazy_gettext("published"),
    "rejected": lazy_gettext("rejected"),
    "archived": lazy_gettext("archived"),
    "cancelled": lazy_gettext("cancelled"),
}
# the states of an alliance, partner or call, which are archived on a day instead
ARCHIVE_LABELS: dict[str, Any] = {
    "current": lazy_gettext("in use"),
    "archived": lazy_gettext("archived"),
}


def choices(section: str, name: str) -> tuple[tuple[str, Any], ...]:
    """The options of a select."""
    if name == "status":
        statuses = PROJECT_STATUSES if section == "projects" else EVENT_STATUSES
        return tuple((s.value, STATUS_LABELS[s.value]) for s in statuses)
    if (section, name) in CHOICES:
        return CHOICES[(section, name)]
    if name == "kind":
        return tuple((kind.value, label) for kind, label in PARTNER_KINDS.items())
    return ()


def record_from_form(
    section: Section,
    form: MultiDict[str, str],
    *,
    new: bool,
    fixed: Mapping[str, Any],
    hidden: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A posted form as a record in the import format's shape.

    ``fixed``: the values the office sets itself (the keys of an existing record, a partner
    account's partner and status); ``hidden``: fields this account does not see (left out
    so they keep their stored values). Empty text is empty; an empty date, choice or
    reference is null.
    """
    fields = record_fields(section.name)
    record: dict[str, Any] = {}
    for item in section.inputs:
        name = item.name
        if name in fixed or name in hidden or (not new and name in section.keys):
            continue
        field = fields[name]
        if isinstance(field, Boolean):
            record[name] = form.get(name) == "yes"
        elif item.kind == "fields":
            record[name] = [value for value in form.getlist(name) if value]
        elif item.kind == "action_fields":
            parsed = parse_action_fields(form.get(name, ""))
            if parsed is not None or not new:
                record[name] = parsed or []
        else:
            raw = form.get(name, "")
            if isinstance(field, Line | Text):
                record[name] = raw
            else:
                raw = raw.strip()
                if raw or not new:
                    record[name] = raw or None
    record.update(fixed)
    if new and not record.get("slug") and "slug" in section.keys:
        source = record.get("title") or record.get("name") or ""
        made = slugify(str(source))[:80].strip("-")
        if made:
            record["slug"] = made
    return record


def parse_action_fields(text: str) -> list[dict[str, Any]] | None:
    """``slug | Deutsch | English`` lines as the import format's action fields."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        slug = parts[0]
        german = parts[1] if len(parts) > 1 and parts[1] else slug
        english = parts[2] if len(parts) > 2 and parts[2] else german
        found.append({"slug": slug, "label": {"de": german, "en": english}})
    return found or None


def action_fields_text(alliance: Alliance) -> str:
    """An alliance's action fields as the form shows them."""
    return "\n".join(f"{f.slug} | {f.label_de} | {f.label_en}" for f in alliance.fields)


# --- the record schema's problems, in the reader's language -------------------------------

PROBLEMS: dict[str, Any] = {
    "required": lazy_gettext("Please fill this in."),
    "required_new": lazy_gettext("Please fill this in."),
    "empty": lazy_gettext("Please fill this in."),
    "text": lazy_gettext("Please enter text."),
    "too_long": lazy_gettext("Please use at most %(limit)s characters."),
    "too_long_html": lazy_gettext("Please use at most %(limit)s characters."),
    "single_line": lazy_gettext("Please use a single line."),
    "slug": lazy_gettext(
        "Please use lower-case letters, digits and single hyphens (at most 80 characters)."
    ),
    "reserved": lazy_gettext("This short name is reserved; please choose another."),
    "slugs": lazy_gettext("Please choose from the list."),
    "url": lazy_gettext("Please enter a full address starting with https:// or http://."),
    "email": lazy_gettext("Please enter an e-mail address like name@example.org."),
    "color": lazy_gettext("Please enter a colour like #c00000."),
    "ags": lazy_gettext("Please enter the 8-digit official municipality key."),
    "date": lazy_gettext("Please enter a date like 2020-10-07."),
    "datetime": lazy_gettext("Please enter a date and time."),
    "years": lazy_gettext("Please enter a year from %(first)s to %(last)s."),
    "choice": lazy_gettext("Please choose from the list."),
    "zone": lazy_gettext("Please enter a time zone such as Europe/Berlin."),
    "boolean": lazy_gettext("Please choose yes or no."),
    "whole_number": lazy_gettext("Please enter a whole number from %(low)s to %(high)s."),
    "labels": lazy_gettext("Every action field needs a German label."),
    "twice": lazy_gettext("“%(value)s” appears twice."),
    "before": lazy_gettext("This is before the start."),
    "no_record": lazy_gettext("There is no %(kind)s “%(slug)s”."),
    "no_action_field": lazy_gettext("This alliance has no action field “%(slug)s”."),
    "federated": lazy_gettext("This item comes from a source and is changed there."),
    "taken": lazy_gettext("This short name is taken; please choose another."),
}


def message(problem: Problem) -> str:
    """A problem of the record schema in the reader's language."""
    template = PROBLEMS.get(problem.code)
    if template is None:
        return str(problem)
    try:
        return str(template) % problem.params
    except (KeyError, TypeError, ValueError):
        return str(template)


def field_messages(errors: list[FieldError]) -> dict[str, str]:
    """The first problem of each field, by the field's top name ("" for the whole record)."""
    found: dict[str, str] = {}
    for error in errors:
        name = str(error.path[0]) if error.path else ""
        found.setdefault(name, message(error.problem))
    return found


# --- accounts ----------------------------------------------------------------------------

ROLE_LABELS: dict[str, Any] = {
    Role.ADMIN.value: lazy_gettext("Administration: every alliance, accounts, the audit log"),
    Role.EDITOR.value: lazy_gettext("Editor: the alliances granted"),
    Role.PARTNER.value: lazy_gettext("Partner account: its own partner’s projects and events"),
}
ACCOUNT_PROBLEMS: dict[str, Any] = {
    "empty": lazy_gettext("Please fill this in."),
    "account_exists": lazy_gettext("There is an account for this address already."),
    "short": lazy_gettext("Please use at least %(count)s characters."),
    "partner_needed": lazy_gettext("Please choose the partner of a partner account."),
    "partner_only": lazy_gettext("Only a partner account belongs to a partner."),
}


def account_messages(found: list[AccountProblem]) -> dict[str, str]:
    """The problems of a new account in the reader's language, by field (the same checks
    and codes as ``widget-service users create``)."""
    messages: dict[str, str] = {}
    for problem in found:
        template = ACCOUNT_PROBLEMS.get(problem.code) or PROBLEMS.get(problem.code)
        if template is None:
            text = problem.text
        else:
            try:
                text = str(template) % problem.params
            except (KeyError, TypeError, ValueError):
                text = str(template)
        messages.setdefault(problem.field, text)
    return messages
