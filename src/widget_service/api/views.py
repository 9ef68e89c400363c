"""The JSON API: reads for anyone (CORS open, paginated, ETag), writes for partners' tokens.

A partner's script posts a project or event in the import format's shape; the token says
for which alliance and partner, and whether it is published at once (trusted) or waits
for the office. An ``external_id`` makes a repeated post update the same record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import content, db, tokens
from ..content import filters_from_args
from ..errors import InvalidParameter, NotFound, ValidationError
from ..http import cached, external_url, open_cors
from ..models import Channel, Event, PartnerToken, Project, Status
from ..operations import RecordInvalid, save_record
from ..participation import signatures
from ..participation.operations import free_slug
from ..record_schema import FieldError, dump_records, validate_record

MAX_BODY = 1024 * 1024
SECTIONS: dict[str, Any] = {"projects": Project, "events": Event}


class ApiError(Exception):
    """An answer other than success: its status, message and (for 400) field errors."""

    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or [{"field": "", "message": message}]


def _json(body: Any, status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False, default=str)
    return current_app.response_class(text, status=status, mimetype="application/json")


def error_response(error: ApiError) -> Response:
    response = open_cors(_json({"errors": error.errors}, error.status))
    response.headers["Cache-Control"] = "no-store"
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="widget-service"'
    return response


# --- reads --------------------------------------------------------------------------------


def _page(
    items: list[dict[str, Any]], endpoint: str, values: dict[str, Any], more: bool
) -> Response:
    body: dict[str, Any] = {"items": items, "next": None}
    if more:
        args = request.args.to_dict()
        args["page"] = str(int(args.get("page", "1") or "1") + 1)
        body["next"] = external_url(endpoint, **values, **args)
    return open_cors(cached(_json(body), "api"))


def _with_url(
    records: list[dict[str, Any]], rows: list[Any], endpoint: str
) -> list[dict[str, Any]]:
    for record, row in zip(records, rows, strict=True):
        record["url"] = external_url(endpoint, alliance=row.alliance.slug, slug=row.slug)
    return records


def alliances() -> Response:
    rows = content.all_alliances(db.session())
    items = dump_records("alliances", rows)
    for record in items:
        record["url"] = external_url("public.alliance_page", alliance=record["slug"])
    return open_cors(cached(_json({"items": items, "next": None}), "api"))


Reader = Callable[[Session, Any], Sequence[Any]]


def _one_page(read: Reader, alliance: str) -> tuple[list[Any], bool]:
    """One page of a listing, and whether another follows (one row more is read to know)."""
    filters, _page_number = filters_from_args(request.args, alliance)
    rows = list(read(db.session(), replace(filters, limit=filters.limit + 1)))
    return rows[: filters.limit], len(rows) > filters.limit


def projects(alliance: str) -> Response:
    rows, more = _one_page(content.published_projects, alliance)
    items = _with_url(dump_records("projects", rows), rows, "public.project")
    return _page(items, "api.projects", {"alliance": alliance}, more)


def events(alliance: str) -> Response:
    rows, more = _one_page(content.upcoming_events, alliance)
    items = _with_url(dump_records("events", rows), rows, "public.event")
    return _page(items, "api.events", {"alliance": alliance}, more)


def partners(alliance: str) -> Response:
    rows, more = _one_page(content.active_partners, alliance)
    return _page(dump_records("partners", rows), "api.partners", {"alliance": alliance}, more)


def _call_record(session: Session, call: Any) -> dict[str, Any]:
    record = dump_records("calls", [call])[0]
    record["signatures"] = signatures.confirmed_count(session, call.id)
    return record


def calls(alliance: str) -> Response:
    session = db.session()
    if alliance == "all":
        raise InvalidParameter("alliance", "one_alliance")
    rows = content.current_calls(session, alliance)
    items = [_call_record(session, call) for call in rows]
    return open_cors(cached(_json({"items": items, "next": None}), "api"))


def call(alliance: str, slug: str) -> Response:
    session = db.session()
    found = content.call_by_slug(session, alliance, slug)
    return open_cors(cached(_json(_call_record(session, found)), "api"))


def project(alliance: str, slug: str) -> Response:
    found = content.published_project(db.session(), alliance, slug)
    record = _with_url(dump_records("projects", [found]), [found], "public.project")[0]
    return open_cors(cached(_json(record), "api"))


def event(alliance: str, slug: str) -> Response:
    found = content.visible_event(db.session(), alliance, slug)
    record = _with_url(dump_records("events", [found]), [found], "public.event")[0]
    return open_cors(cached(_json(record), "api"))


# --- writes -------------------------------------------------------------------------------


def _token(session: Session, alliance: str) -> PartnerToken:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    token = tokens.authenticate(session, raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise ApiError(401, "a valid partner token is required (Authorization: Bearer …)")
    if token.alliance.slug != alliance:
        raise ApiError(403, "this token is not for this alliance")
    session.info["actor"] = f"API token {token.id} ({token.partner.name})"
    return token


def _body() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, "the record is larger than 1 MB")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        raise ApiError(413, "the record is larger than 1 MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "the body must be one JSON object in UTF-8") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be one JSON object")
    return data


def _field_errors(errors: list[FieldError]) -> ApiError:
    return ApiError(400, "the record is not valid", [error.as_json() for error in errors])


def _status(token: PartnerToken, section: str, given: Any) -> str:
    """What a partner's record becomes: published (or, for an event, cancelled) when the
    token is trusted; waiting for the office otherwise."""
    if not token.trusted:
        return Status.PENDING.value
    if section == "events" and given == Status.CANCELLED.value:
        return Status.CANCELLED.value
    return Status.PUBLISHED.value


def _owned(row: Any, token: PartnerToken) -> None:
    if row.partner_id != token.partner_id:
        raise ApiError(403, "this record belongs to another partner")


def _record_response(section: str, row: Any, status: int) -> Response:
    record = dump_records(section, [row])[0]
    response = open_cors(_json(record, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Location"] = url_for(
        f"api.{section[:-1]}", alliance=row.alliance.slug, slug=row.slug
    )
    return response


def create(alliance: str, section: str) -> Response:
    """``POST /api/v1/<alliance>/projects|events``: 201 for a new record, 200 for an update."""
    session = db.session()
    token = _token(session, alliance)
    data = _body()
    checked = validate_record(section, data, exclude=("alliance", "partner"), partial=("slug",))
    if checked.errors:
        raise _field_errors(checked.errors)
    model = SECTIONS[section]
    existing = None
    external_id = checked.values.get("external_id")
    if external_id:
        existing = session.scalar(
            select(model).where(
                model.alliance_id == token.alliance_id,
                model.partner_id == token.partner_id,
                model.external_id == external_id,
            )
        )
    if existing is None and data.get("slug"):
        existing = session.scalar(
            select(model).where(model.alliance_id == token.alliance_id, model.slug == data["slug"])
        )
        if existing is not None:
            _owned(existing, token)
    record = {**data, "alliance": alliance, "partner": token.partner.slug}
    record["status"] = _status(token, section, data.get("status"))
    if existing is not None:
        record["slug"] = existing.slug
    elif not data.get("slug"):
        record["slug"] = free_slug(session, model, token.alliance_id, str(data.get("title", "")))
    try:
        row = save_record(session, section, record, new=existing is None, channel=Channel.API)
        session.commit()
    except RecordInvalid as invalid:
        session.rollback()
        raise _field_errors(invalid.errors) from None
    except IntegrityError:
        # the same record posted twice at once: the other post stored it; a retry updates it
        session.rollback()
        raise ApiError(409, STORED_MEANWHILE) from None
    return _record_response(section, row, 201 if existing is None else 200)


# a unique key another request filled between our checks and our commit
STORED_MEANWHILE = "the record was stored by a request at the same time; retry"


def _own_record(
    session: Session, alliance: str, section: str, slug: str
) -> tuple[Any, PartnerToken]:
    token = _token(session, alliance)
    model = SECTIONS[section]
    row = session.scalar(
        select(model).where(model.alliance_id == token.alliance_id, model.slug == slug)
    )
    if row is None:
        raise NotFound(section[:-1], slug)
    _owned(row, token)
    return row, token


def change(alliance: str, section: str, slug: str) -> Response:
    """``PATCH``: change the given fields of the token's own record."""
    session = db.session()
    row, token = _own_record(session, alliance, section, slug)
    data = _body()
    checked = validate_record(section, data, partial=True, exclude=("alliance", "partner", "slug"))
    if checked.errors:
        raise _field_errors(checked.errors)
    record = {**data, "alliance": alliance, "slug": slug}
    record["status"] = _status(token, section, data.get("status", row.status.value))
    try:
        row = save_record(session, section, record, new=False, channel=Channel.API)
        session.commit()
    except RecordInvalid as invalid:
        session.rollback()
        raise _field_errors(invalid.errors) from None
    except IntegrityError:
        session.rollback()
        raise ApiError(409, STORED_MEANWHILE) from None
    return _record_response(section, row, 200)


def archive(alliance: str, section: str, slug: str) -> Response:
    """``DELETE``: archive the token's own record (it leaves every public list)."""
    session = db.session()
    row, _token_row = _own_record(session, alliance, section, slug)
    row.status = Status.ARCHIVED
    session.commit()
    response = open_cors(Response(status=204))
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(error: NotFound) -> Response:
    return error_response(ApiError(404, str(error)))


def invalid_parameter(error: InvalidParameter) -> Response:
    return error_response(
        ApiError(400, str(error), [{"field": error.name, "message": error.message}])
    )


def validation(error: ValidationError) -> Response:
    return error_response(ApiError(400, str(error)))
