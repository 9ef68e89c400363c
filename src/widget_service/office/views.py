"""The office's pages: login, overview, records, moderation, tokens, sources, statistics,
audit log. Each view checks who asks (``access``), reads through ``content``-like helpers
and writes through ``operations``/``moderation``/``tokens`` in one transaction, committed
before the answer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from .. import accounts, audit, db, moderation, tokens
from ..errors import NotFound, ValidationError
from ..i18n import format_day, gettext
from ..models import (
    Alliance,
    Application,
    Event,
    Membership,
    Partner,
    Project,
    Role,
    Source,
    Status,
    User,
)
from ..operations import RecordInvalid, save_record
from ..ratelimit import client_address, limiter
from ..timeutil import today, utcnow
from . import access, forms, stats
from .auth import current_account, log_in, log_out

PAGE_SIZE = 50
# login attempts that failed: per account and per client address, then 429
LOGIN_LIMIT_ACCOUNT = "5 per 15 minutes"
LOGIN_LIMIT_ADDRESS = "20 per 15 minutes"


def _session() -> Session:
    """The request's session, its writes logged under the logged-in account."""
    session = db.session()
    user = current_account()
    if user is not None:
        session.info["actor"] = user.email
        session.info["user_id"] = user.id
    return session


def _user() -> User:
    user = current_account()
    assert user is not None  # login_required ran first
    return user


def _page(template: str, code: int = 200, **context: Any) -> Response | tuple[str, int]:
    return render_template(f"office/{template}", user=current_account(), **context), code


# --- login ---------------------------------------------------------------------------------


def _login_key() -> str:
    return "office-login:" + request.form.get("email", "").strip().lower()[:254]


def _failed(response: Response) -> bool:
    return response.status_code != 303


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of the office, never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin"):
            return target
    return url_for("office.dashboard")


def login() -> Response | tuple[str, int]:
    if request.method == "GET":
        if current_account() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return _page("login.html", next=request.args.get("next", ""))
    session = db.session()
    address = request.form.get("email", "")
    password = request.form.get("password", "")
    user = accounts.check_login(session, address, password)
    if user is None:
        session.rollback()
        error = gettext("The e-mail address or the password is not right.")
        return _page("login.html", 400, error=error, email=address, next=request.form.get("next"))
    session.info["actor"] = user.email
    session.info["user_id"] = user.id
    session.commit()
    log_in(user)
    return redirect(_safe_next(request.form.get("next")), 303)


login.limits = (  # type: ignore[attr-defined]
    (LOGIN_LIMIT_ACCOUNT, _login_key),
    (LOGIN_LIMIT_ADDRESS, lambda: "office-login-from:" + client_address()),
)


def limited_login(view: Any) -> Any:
    """The login view with its limits: only failed attempts count."""
    for limit, key in view.limits:
        view = limiter.limit(limit, key_func=key, methods=["POST"], deduct_when=_failed)(view)
    return view


def logout() -> Response:
    log_out()
    return redirect(url_for("office.login"), 303)


def password() -> Response | tuple[str, int]:
    user = _user()
    if request.method == "GET":
        return _page("password.html", errors={})
    errors: dict[str, str] = {}
    if not accounts.check_password(user, request.form.get("current", "")):
        errors["current"] = gettext("This is not your current password.")
    new = request.form.get("new", "")
    if accounts.password_problem(new):
        errors["new"] = gettext(
            "Please use at least %(count)s characters.", count=accounts.MIN_PASSWORD_LENGTH
        )
    elif new != request.form.get("repeat", ""):
        errors["repeat"] = gettext("The two new passwords differ.")
    if errors:
        return _page("password.html", 400, errors=errors)
    session = _session()
    accounts.change_password(user, new)
    session.commit()
    log_in(user)  # the epoch moved: this session goes on, every other one ends
    flash(gettext("Your password has been changed. Other sessions have ended."))
    return redirect(url_for("office.dashboard"), 303)


# --- overview -------------------------------------------------------------------------------


def dashboard() -> Response | tuple[str, int]:
    user = _user()
    session = _session()
    ids = access.alliance_ids(session, user)
    waiting = moderation.queue(session, ids) if user.role != Role.PARTNER else []
    mine: list[Any] = []
    if user.role == Role.PARTNER and user.partner_id is not None:
        for model in (Project, Event):
            mine += session.scalars(
                select(model)
                .where(model.partner_id == user.partner_id)
                .order_by(model.updated_at.desc())
                .limit(20)
            ).all()
    return _page(
        "dashboard.html",
        alliances=access.alliances(session, user),
        waiting=waiting,
        mine=mine,
        counts=stats.counts(session, ids),
    )


# --- records --------------------------------------------------------------------------------


def _section(name: str) -> forms.Section:
    section = forms.SECTIONS.get(name)
    if section is None:
        abort(404)
    access.require(access.may_section(_user(), name))
    return section


def _record(session: Session, section: forms.Section, record_id: int) -> Any:
    if not 0 < record_id < 2**31:
        abort(404)
    record = session.get(section.model, record_id)
    if record is None:
        abort(404)
    access.require(access.may_record(session, _user(), record))
    return record


def records(section_name: str) -> Response | tuple[str, int]:
    section = _section(section_name)
    user = _user()
    session = _session()
    model = section.model
    query: Any = select(model)
    ids = access.alliance_ids(session, user)
    alliance_slug = request.args.get("alliance", "")
    if section.scoped:
        if ids is not None:
            query = query.where(model.alliance_id.in_(ids))
        if alliance_slug:
            query = query.join(Alliance, model.alliance_id == Alliance.id).where(
                Alliance.slug == alliance_slug
            )
    elif model is Alliance and ids is not None:
        query = query.where(Alliance.id.in_(ids))
    elif model is Partner and ids is not None:
        members = select(Membership.partner_id).where(Membership.alliance_id.in_(ids))
        query = query.where(Partner.id.in_(members))
    if user.role == Role.PARTNER:
        query = query.where(model.partner_id == user.partner_id)
    status = request.args.get("status", "")
    if status and hasattr(model, "status") and status in forms.STATUS_LABELS:
        query = query.where(model.status == status)
    elif status and section.archived_on_a_day and status in forms.ARCHIVE_LABELS:
        archived = model.archived_on
        query = query.where(archived.is_not(None) if status == "archived" else archived.is_(None))
    q = request.args.get("q", "").strip()[:200]
    if q:
        pattern = f"%{q.lower()}%"
        searchable = [
            getattr(model, name)
            for name in ("title", "name", "slug", "place", "region", "url", "resolution")
            if hasattr(model, name)
        ]
        if model is Membership:
            query = query.join(Partner, Membership.partner_id == Partner.id)
            searchable.append(Partner.name)
        query = query.where(or_(*(func.lower(column).like(pattern) for column in searchable)))
    order = getattr(model, "updated_at", model.id)
    rows = list(session.scalars(query.order_by(order.desc(), model.id.desc()).limit(PAGE_SIZE)))
    return _page(
        "records.html",
        section=section,
        rows=rows,
        q=q,
        status=status,
        alliance_slug=alliance_slug,
        alliances=access.alliances(session, user),
        statuses=(
            forms.STATUS_LABELS
            if hasattr(model, "status")
            else forms.ARCHIVE_LABELS
            if section.archived_on_a_day
            else {}
        ),
        may_create=_may_create(user, section),
    )


def _may_create(user: User, section: forms.Section) -> bool:
    if section.name == "alliances":
        return user.role == Role.ADMIN
    return access.may_section(user, section.name)


def _form_context(session: Session, section: forms.Section, user: User) -> dict[str, Any]:
    alliances = access.alliances(session, user)
    partners: list[Partner] = []
    if section.input("partner") is not None and user.role != Role.PARTNER:
        partners = list(session.scalars(select(Partner).order_by(Partner.name)))
    action_fields = {
        alliance.slug: list(alliance.fields) for alliance in alliances if alliance.fields
    }
    return {
        "section": section,
        "alliances": alliances,
        "partners": partners,
        "action_fields": action_fields,
        "choices": forms.choices,
        "hidden": _hidden(user, section),
    }


def _hidden(user: User, section: forms.Section) -> frozenset[str]:
    if user.role == Role.PARTNER:
        return frozenset({"partner", "status"})
    return frozenset()


def _fixed(
    session: Session, user: User, section: forms.Section, alliance_id: int | None
) -> dict[str, Any]:
    """What a partner account cannot choose: its partner, and the status (pending unless
    the partner is trusted)."""
    if user.role != Role.PARTNER or user.partner is None:
        return {}
    trusted = alliance_id is not None and access.is_trusted(session, user, alliance_id)
    return {
        "partner": user.partner.slug,
        "status": Status.PUBLISHED.value if trusted else Status.PENDING.value,
    }


def _values_of(section: forms.Section, record: Any) -> dict[str, Any]:
    """A stored record as the form shows it."""
    from ..record_schema import dump_records

    values = dump_records(section.name, [record])[0]
    for item in section.inputs:
        value = values.get(item.name)
        if item.kind == "datetime" and value:
            values[item.name] = value[:16]  # the form's local time, Berlin
        if item.kind == "action_fields":
            values[item.name] = forms.action_fields_text(record)
    if section.name == "memberships":
        values.setdefault("public", record.public)
    if section.name == "sources":
        values.setdefault("active", record.active)
    return values


def _alliance_of_form(session: Session, user: User, slug: str | None) -> int | None:
    """The id of the alliance a new record is for; 403 when the account may not use it."""
    if not slug:
        return None
    found = session.scalar(select(Alliance).where(Alliance.slug == slug))
    if found is None:
        return None  # the record schema names the problem
    ids = access.alliance_ids(session, user)
    access.require(ids is None or found.id in ids)
    return found.id


def new_record(section_name: str) -> Response | tuple[str, int]:
    section = _section(section_name)
    user = _user()
    access.require(_may_create(user, section))
    session = _session()
    context = _form_context(session, section, user)
    if request.method == "GET":
        values: dict[str, Any] = {"status": "published", "public": True, "active": True}
        if section.name == "memberships":
            values["since"] = today().isoformat()
        if request.args.get("alliance"):
            values["alliance"] = request.args["alliance"]
        if request.args.get("partner"):
            values["partner"] = request.args["partner"]
        return _page("record.html", record=None, values=values, errors={}, **context)
    alliance_id = _alliance_of_form(session, user, request.form.get("alliance"))
    if section.name == "partners" or not section.scoped:
        alliance_id = None
    fixed = _fixed(session, user, section, alliance_id)
    data = forms.record_from_form(
        section, request.form, new=True, fixed=fixed, hidden=context["hidden"]
    )
    try:
        record = save_record(session, section.name, data, new=True)
        if section.name == "partners" and user.role == Role.EDITOR:
            pass  # the editor makes it a member next (the page offers it)
        session.commit()
    except (RecordInvalid, NotFound) as error:
        session.rollback()
        errors = (
            forms.field_messages(error.errors)
            if isinstance(error, RecordInvalid)
            else {"": gettext("Something this record names does not exist.")}
        )
        values = {**request.form.to_dict(), "fields": request.form.getlist("fields")}
        return _page("record.html", 400, record=None, values=values, errors=errors, **context)
    flash(gettext("Saved."))
    return redirect(url_for("office.record", section_name=section.name, record_id=record.id), 303)


def record(section_name: str, record_id: int) -> Response | tuple[str, int]:
    section = _section(section_name)
    user = _user()
    session = _session()
    found = _record(session, section, record_id)
    context = _form_context(session, section, user)
    context["may_archive"] = access.may_archive(session, user, found)
    log = audit.entries_for(session, audit.TRACKED[section.model], found.id)
    if request.method == "GET":
        return _page(
            "record.html",
            record=found,
            values=_values_of(section, found),
            errors={},
            log=log,
            **context,
        )
    fixed = dict(_keys_of(section, found))
    fixed.update(_fixed(session, user, section, getattr(found, "alliance_id", None)))
    data = forms.record_from_form(
        section, request.form, new=False, fixed=fixed, hidden=context["hidden"]
    )
    approve = request.form.get("then") == "approve" and found.__class__ in (Project, Event)
    try:
        save_record(session, section.name, data, new=False)
        if approve:
            access.require(user.role != Role.PARTNER)
            moderation.approve(session, found, user.email)
        session.commit()
    except (RecordInvalid, ValidationError) as error:
        session.rollback()
        errors = (
            forms.field_messages(error.errors)
            if isinstance(error, RecordInvalid)
            else {"": "; ".join(error.problems)}
        )
        values = {**_values_of(section, found), **request.form.to_dict()}
        values["fields"] = request.form.getlist("fields")
        return _page(
            "record.html", 400, record=found, values=values, errors=errors, log=log, **context
        )
    flash(gettext("Saved and published.") if approve else gettext("Saved."))
    return redirect(url_for("office.record", section_name=section.name, record_id=found.id), 303)


def _keys_of(section: forms.Section, found: Any) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    for name in section.keys:
        value = getattr(found, name)
        keys[name] = value.slug if hasattr(value, "slug") else getattr(value, "value", value)
    return keys


def archive(section_name: str, record_id: int, restore: str = "") -> Response:
    """Archive a record, or restore it (``restore``). Projects and events change their
    status (restored: published, or pending for an untrusted partner account); alliances,
    partners and calls keep the day they were archived. Through the record schema, so the
    audit log has the change."""
    section = _section(section_name)
    if not section.archivable:
        abort(404)
    user = _user()
    session = _session()
    found = _record(session, section, record_id)
    access.require(access.may_archive(session, user, found))
    data = _keys_of(section, found)
    if section.archived_on_a_day:
        data["archived"] = None if restore else today().isoformat()
    elif restore:
        data["status"] = _fixed(session, user, section, found.alliance_id).get(
            "status", Status.PUBLISHED.value
        )
    else:
        data["status"] = Status.ARCHIVED.value
    try:
        save_record(session, section.name, data, new=False)
        session.commit()
    except RecordInvalid as error:
        session.rollback()
        problems = forms.field_messages(error.errors)
        flash(gettext("Nothing was changed: %(problem)s", problem="; ".join(problems.values())))
        return redirect(
            url_for("office.record", section_name=section.name, record_id=record_id), 303
        )
    if restore:
        flash(gettext("Restored: it is shown again where it belongs."))
    elif section.name == "partners":
        flash(
            gettext(
                "Archived: the partner is in no public list any more; its badges and their "
                "verification say that it is no longer a member."
            )
        )
    else:
        flash(gettext("Archived: it is no longer shown anywhere."))
    return redirect(url_for("office.record", section_name=section.name, record_id=found.id), 303)


def end_membership(record_id: int) -> Response | tuple[str, int]:
    section = _section("memberships")
    session = _session()
    found = _record(session, section, record_id)
    until = request.form.get("until", "").strip() or today().isoformat()
    data = {**_keys_of(section, found), "until": until}
    try:
        save_record(session, "memberships", data, new=False)
        session.commit()
    except RecordInvalid as error:
        session.rollback()
        flash(
            gettext(
                "The membership was not ended: %(problem)s",
                problem=forms.field_messages(error.errors).get("until", ""),
            )
        )
        return redirect(
            url_for("office.record", section_name="memberships", record_id=found.id), 303
        )
    flash(
        gettext(
            "The membership ends on %(day)s. Badge and verification say so from then on.",
            day=format_day(found.until),
        )
    )
    return redirect(url_for("office.record", section_name="memberships", record_id=found.id), 303)


# --- moderation -----------------------------------------------------------------------------


def _staff() -> User:
    user = _user()
    access.require(user.role != Role.PARTNER)
    return user


def queue() -> Response | tuple[str, int]:
    user = _staff()
    session = _session()
    waiting = moderation.queue(session, access.alliance_ids(session, user))
    return _page("queue.html", waiting=waiting, now=utcnow())


def _waiting(session: Session, ident: str) -> Any:
    try:
        item = moderation.find(session, ident)
    except NotFound:
        abort(404)
    access.require(access.may_record(session, _user(), item))
    return item


def queue_item(ident: str) -> Response | tuple[str, int]:
    _staff()
    session = _session()
    item = _waiting(session, ident)
    from .preview import preview

    return _page(
        "queue_item.html",
        item=item,
        ident=ident,
        preview=preview(item),
        is_application=isinstance(item, Application),
        errors={},
    )


def decide(ident: str, decision: str) -> Response | tuple[str, int]:
    user = _staff()
    session = _session()
    item = _waiting(session, ident)
    try:
        if decision == "approve":
            if isinstance(item, Application):
                moderation.approve_application(session, item, user.email)
                done = gettext(
                    "Accepted: the partner and its membership exist, the contact has been mailed."
                )
            else:
                moderation.approve(session, item, user.email)
                done = gettext("Published.")
        else:
            moderation.reject(session, item, request.form.get("reason", ""), user.email)
            done = gettext("Rejected.")
        session.commit()
    except moderation.AlreadyDecided:
        session.rollback()
        flash(gettext("This has been decided already."))
        return redirect(url_for("office.queue"), 303)
    except (ValidationError, RecordInvalid) as error:
        session.rollback()
        from .preview import preview

        message = gettext("Please give a reason; the submitter is told.")
        if isinstance(error, RecordInvalid):
            message = "; ".join(f"{e.field}: {forms.message(e.problem)}" for e in error.errors)
        return _page(
            "queue_item.html",
            400,
            item=item,
            ident=ident,
            preview=preview(item),
            is_application=isinstance(item, Application),
            errors={"reason": message},
        )
    flash(done)
    return redirect(url_for("office.queue"), 303)


# --- tokens ---------------------------------------------------------------------------------


def token_list() -> Response | tuple[str, int]:
    user = _staff()
    session = _session()
    ids = access.alliance_ids(session, user)
    context: dict[str, Any] = {
        "tokens": tokens.list_tokens(session, ids),
        "alliances": access.alliances(session, user),
        "partners": list(session.scalars(select(Partner).order_by(Partner.name))),
        "errors": {},
        "plain": None,
    }
    if request.method == "GET":
        return _page("tokens.html", **context)
    alliance = request.form.get("alliance", "")
    _alliance_of_form(session, user, alliance)
    try:
        token, plain = tokens.issue(
            session,
            alliance,
            request.form.get("partner", ""),
            trusted=request.form.get("trusted") == "yes",
            label=request.form.get("label"),
        )
        session.commit()
    except NotFound as error:
        session.rollback()
        context["errors"] = {error.kind: gettext("Please choose from the list.")}
        return _page("tokens.html", 400, **context)
    except ValidationError:
        session.rollback()
        context["errors"] = {
            "partner": gettext("This partner is not an active member of the alliance.")
        }
        return _page("tokens.html", 400, **context)
    context["tokens"] = tokens.list_tokens(session, ids)
    context["plain"] = plain
    context["issued"] = token
    return _page("tokens.html", **context)


def token_action(token_id: int, action: str) -> Response:
    user = _staff()
    session = _session()
    try:
        token = tokens.get(session, token_id)
    except NotFound:
        abort(404)
    access.require(access.may_record(session, user, token))
    if action == "revoke":
        if tokens.revoke(session, token):
            audit.note(session, token, "revoke")
        flash(gettext("Token %(id)s is revoked.", id=token.id))
    else:
        tokens.set_trusted(token, action == "trust")
        flash(gettext("Token %(id)s is saved.", id=token.id))
    session.commit()
    return redirect(url_for("office.tokens"), 303)


# --- sources --------------------------------------------------------------------------------


def sources() -> Response | tuple[str, int]:
    user = _staff()
    session = _session()
    ids = access.alliance_ids(session, user)
    query = select(Source).options(selectinload(Source.alliance), selectinload(Source.partner))
    if ids is not None:
        query = query.where(Source.alliance_id.in_(ids))
    rows = list(session.scalars(query.order_by(Source.id)))
    counts = stats.source_item_counts(session, [row.id for row in rows])
    return _page("sources.html", rows=rows, counts=counts)


def source_action(source_id: int, action: str) -> Response:
    user = _staff()
    session = _session()
    found = session.get(Source, source_id) if 0 < source_id < 2**31 else None
    if found is None:
        abort(404)
    access.require(access.may_record(session, user, found))
    if action == "poll":
        from flask import current_app

        from ..federation import fetch, sync

        fetcher = fetch.fetcher_from_config(current_app.config, current_app.instance_path)
        try:
            summary = sync.poll_sources(
                session,
                fetcher,
                [found],
                workers=1,
                max_items=current_app.config["FETCH_MAX_ITEMS"],
            )
        finally:
            fetcher.close()
        session.refresh(found)
        if found.last_error:
            flash(
                gettext(
                    "Polled; the source answered with an error: %(error)s", error=found.last_error
                )
            )
        else:
            flash(gettext("Polled: %(line)s.", line=summary.line()))
    else:
        found.active = action == "resume"
        session.commit()
        flash(
            gettext("The source is polled again.")
            if found.active
            else gettext("The source is paused.")
        )
    return redirect(url_for("office.sources"), 303)


# --- accounts (admins only) -----------------------------------------------------------------


def _admin() -> User:
    user = _user()
    access.require(user.role == Role.ADMIN)
    return user


def _account_context(session: Session) -> dict[str, Any]:
    return {
        "accounts": accounts.all_users(session),
        "alliances": list(session.scalars(select(Alliance).order_by(Alliance.name))),
        "partners": list(session.scalars(select(Partner).order_by(Partner.name))),
        "roles": forms.ROLE_LABELS,
        "errors": {},
        "values": {"role": Role.EDITOR.value, "alliances": []},
        "plain": None,
    }


def account_list() -> Response | tuple[str, int]:
    """Every account, and a form for a new one. The new account gets a one-time password,
    shown here once (like an API token); the person changes it after logging in."""
    _admin()
    session = _session()
    context = _account_context(session)
    if request.method == "GET":
        return _page("accounts.html", **context)
    email = request.form.get("email", "").strip()
    role = request.form.get("role", "")
    chosen = request.form.getlist("alliances")
    partner = request.form.get("partner", "").strip()
    context["values"] = {"email": email, "role": role, "alliances": chosen, "partner": partner}
    errors: dict[str, str] = {}
    if role not in forms.ROLE_LABELS:
        errors["role"] = gettext("Please choose from the list.")
    else:
        plain = accounts.one_time_password()
        try:
            created = accounts.create_user(
                session,
                email,
                plain,
                Role(role),
                alliances=chosen if role != Role.ADMIN.value else [],
                partner=partner or None,
                one_time=True,
            )
        except accounts.AccountInvalid as error:
            session.rollback()
            errors = forms.account_messages(error.found)
        except NotFound as error:
            session.rollback()
            name = "alliances" if error.kind == "alliance" else "partner"
            errors[name] = gettext("Please choose from the list.")
    if errors:
        context["errors"] = errors
        return _page("accounts.html", 400, **context)
    context = _account_context(session)
    context["plain"] = plain
    context["created"] = created
    return _page("accounts.html", **context)


def _account(session: Session, account_id: int) -> User:
    found = session.get(User, account_id) if 0 < account_id < 2**31 else None
    if found is None:
        abort(404)
    return found


def _account_page(
    session: Session, found: User, code: int = 200, **extra: Any
) -> Response | tuple[str, int]:
    context: dict[str, Any] = {
        "account": found,
        "alliances": list(session.scalars(select(Alliance).order_by(Alliance.name))),
        "roles": forms.ROLE_LABELS,
        "log": audit.entries_for(session, "user", found.id),
        "errors": {},
        "plain": None,
    }
    context.update(extra)
    return _page("account.html", code, **context)


def account(account_id: int) -> Response | tuple[str, int]:
    _admin()
    session = _session()
    return _account_page(session, _account(session, account_id))


def account_action(account_id: int, action: str) -> Response | tuple[str, int]:
    """Grant or revoke an alliance, disable, enable, or give a new one-time password —
    through ``accounts``, as ``widget-service users`` does."""
    user = _admin()
    session = _session()
    found = _account(session, account_id)
    if action in ("grant", "revoke"):
        alliance = request.form.get("alliance", "")
        try:
            if action == "grant":
                accounts.grant(session, found.email, alliance)
            else:
                accounts.revoke(session, found.email, alliance)
        except NotFound:
            session.rollback()
            errors = {action: gettext("Please choose from the list.")}
            return _account_page(session, found, 400, errors=errors)
        flash(
            gettext(
                "%(email)s now works for: %(alliances)s.",
                email=found.email,
                alliances=", ".join(a.name for a in found.alliances) or "–",
            )
        )
    elif action == "disable":
        if found.id == user.id:
            errors = {"disable": gettext("You cannot disable your own account.")}
            return _account_page(session, found, 400, errors=errors)
        accounts.disable(session, found.email)
        flash(
            gettext(
                "%(email)s is disabled: it cannot log in, its sessions have ended.",
                email=found.email,
            )
        )
    elif action == "enable":
        accounts.enable(session, found.email)
        flash(gettext("%(email)s can log in again.", email=found.email))
    else:
        _, plain = accounts.reset_password(session, found.email)
        if found.id == user.id:
            log_in(found)  # the epoch moved: this session goes on
        return _account_page(session, found, plain=plain)
    return redirect(url_for("office.account", account_id=found.id), 303)


# --- statistics and the audit log -----------------------------------------------------------


def statistics() -> Response | tuple[str, int]:
    user = _staff()
    session = _session()
    ids = access.alliance_ids(session, user)
    return _page("statistics.html", **stats.page(session, ids))


def audit_log() -> Response | tuple[str, int]:
    user = _user()
    access.require(user.role == Role.ADMIN)
    session = _session()
    return _page("audit.html", entries=audit.recent(session))
