"""Public pages: landing page, alliance pages, listings and item pages, health check."""

from __future__ import annotations

from dataclasses import dataclass

from flask import jsonify, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import content, db
from ..content import Filters, Resolved
from ..errors import NotFound
from ..http import cached, open_cors
from ..images import EXTENSIONS
from ..models import Alliance
from ..text import ALL
from ..web.errors import RETRY_AFTER

PAGE_SIZE = 12


def _page(template: str, **context: object) -> Response:
    response = Response(render_template(template, **context), mimetype="text/html")
    return cached(response, "page")


def index() -> Response:
    session = db.session()
    alliances = content.all_alliances(session)
    calls = content.current_calls(session, None)
    return _page("index.html", alliances=alliances, calls=calls)


def healthz() -> tuple[Response, int]:
    if db.is_available(db.engine()):
        response, status = jsonify(status="ok"), 200
    else:
        response, status = jsonify(status="unavailable"), 503
        response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def picture(digest: str, extension: str) -> Response:
    """The service's copy of a project picture (see federation/pictures.py)."""
    found = content.stored_picture(db.session(), digest)
    if EXTENSIONS.get(found.media_type or "") != extension:
        raise NotFound("picture", digest)
    response = Response(found.data, mimetype=found.media_type)
    # pictures show in widgets on other sites, and in their Shadow DOM
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return open_cors(cached(response, "immutable", etag=digest))


def alliance_page(alliance: str) -> Response:
    if alliance == ALL:
        return redirect(url_for(".index"))
    session = db.session()
    found = content.alliance_by_slug(session, alliance)
    # the alliance is looked up once, not again by each listing
    listing = Resolved(Filters(alliance=alliance, limit=6), found, None, None)
    members = Resolved(Filters(alliance=alliance, limit=500), found, None, None)
    return _page(
        "alliance.html",
        alliance=found,
        calls=content.current_calls(session, alliance),
        projects=content.published_projects(session, listing),
        events=content.upcoming_events(session, listing),
        partners=content.active_partners(session, members),
    )


@dataclass(frozen=True)
class Listing:
    """What a listing page shows besides its items: the filters and what they can be."""

    alliance: Alliance | None
    alliance_slug: str
    filters: Filters
    page: int
    resolved: Resolved
    regions: list[str]
    alliances: list[Alliance]


def _listing(session: Session, alliance: str, page_size: int = PAGE_SIZE) -> Listing:
    filters, page = content.filters_from_args(
        request.args, alliance, default_limit=page_size, max_limit=page_size
    )
    found = None if alliance == ALL else content.alliance_by_slug(session, alliance)
    return Listing(
        alliance=found,
        alliance_slug=alliance,
        filters=filters,
        page=page,
        resolved=content.resolve(session, filters),
        regions=content.regions(session, found),
        alliances=content.all_alliances(session) if found is None else [found],
    )


def projects(alliance: str) -> Response:
    session = db.session()
    listing = _listing(session, alliance)
    items = content.published_projects(session, listing.resolved)
    total = content.count_published_projects(session, listing.resolved)
    return _page("projects.html", listing=listing, items=items, total=total)


def events(alliance: str) -> Response:
    session = db.session()
    listing = _listing(session, alliance)
    past = request.args.get("when") == "past"
    read = content.past_events if past else content.upcoming_events
    items = read(session, listing.resolved)
    return _page("events.html", listing=listing, items=items, past=past)


def partners(alliance: str) -> Response:
    session = db.session()
    listing = _listing(session, alliance, page_size=500)
    items = content.active_partners(session, listing.resolved)
    return _page("partners.html", listing=listing, items=items)


def project(alliance: str, slug: str) -> Response:
    found = content.published_project(db.session(), alliance, slug)
    response = Response(render_template("project.html", project=found), mimetype="text/html")
    return cached(response, "page", last_modified=found.updated_at)


def event(alliance: str, slug: str) -> Response:
    found = content.visible_event(db.session(), alliance, slug)
    response = Response(render_template("event.html", event=found), mimetype="text/html")
    return cached(response, "page", last_modified=found.updated_at)


def partner(alliance: str, slug: str) -> Response:
    session = db.session()
    membership = content.membership(session, alliance, slug)
    if membership.alliance.archived_on is not None:
        raise NotFound("alliance", alliance)  # an archived alliance has no pages
    listing = Resolved(
        Filters(alliance=alliance, partner=slug, limit=6),
        membership.alliance,
        membership.partner,
        None,
    )
    return _page(
        "partner.html",
        membership=membership,
        alliance=membership.alliance,
        partner=membership.partner,
        projects=content.published_projects(session, listing),
        events=content.upcoming_events(session, listing),
    )
