"""Public pages: landing page, alliance pages, listings and item pages, health check."""

from __future__ import annotations

from dataclasses import dataclass

from flask import jsonify, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import content, db
from ..content import Filters, Resolved
from ..errors import NotFound
from ..http import cache_policy, open_cors
from ..images import EXTENSIONS
from ..models import Alliance
from ..text import ALL
from ..web.errors import RETRY_AFTER

PAGE_SIZE = 12


def _page(template: str, **context: object) -> Response:
    return Response(render_template(template, **context), mimetype="text/html")


@cache_policy("page")
def index() -> Response:
    session = db.session()
    alliances = content.all_alliances(session)
    calls = content.current_calls(session, None)
    return _page("index.html", alliances=alliances, calls=calls)


@cache_policy("none")
def healthz() -> tuple[Response, int]:
    if db.is_available(db.engine()):
        return jsonify(status="ok"), 200
    response = jsonify(status="unavailable")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response, 503


@cache_policy("immutable")
def picture(digest: str, extension: str) -> Response:
    """The service's copy of a project picture (see federation/pictures.py)."""
    found = content.stored_picture(db.session(), digest)
    if EXTENSIONS.get(found.media_type or "") != extension:
        raise NotFound("picture", digest)
    response = Response(found.data, mimetype=found.media_type)
    # pictures show in widgets on other sites, and in their Shadow DOM
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.set_etag(digest)
    return open_cors(response)


@cache_policy("page")
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


@cache_policy("page")
def projects(alliance: str) -> Response:
    session = db.session()
    listing = _listing(session, alliance)
    items = content.published_projects(session, listing.resolved)
    total = content.count_published_projects(session, listing.resolved)
    return _page("projects.html", listing=listing, items=items, total=total)


@cache_policy("page")
def events(alliance: str) -> Response:
    session = db.session()
    listing = _listing(session, alliance)
    past = request.args.get("when") == "past"
    read = content.past_events if past else content.upcoming_events
    items = read(session, listing.resolved)
    return _page("events.html", listing=listing, items=items, past=past)


@cache_policy("page")
def partners(alliance: str) -> Response:
    session = db.session()
    listing = _listing(session, alliance, page_size=500)
    items = content.active_partners(session, listing.resolved)
    return _page("partners.html", listing=listing, items=items)


@cache_policy("page")
def project(alliance: str, slug: str) -> Response:
    found = content.published_project(db.session(), alliance, slug)
    response = Response(render_template("project.html", project=found), mimetype="text/html")
    response.last_modified = found.updated_at
    return response


@cache_policy("page")
def event(alliance: str, slug: str) -> Response:
    found = content.visible_event(db.session(), alliance, slug)
    response = Response(render_template("event.html", event=found), mimetype="text/html")
    response.last_modified = found.updated_at
    return response


@cache_policy("page")
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
