"""The read side: filters, order, paging, and a bounded number of queries per listing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.queries import count_queries
from widget_service import content
from widget_service.content import Filters
from widget_service.errors import InvalidParameter, NotFound
from widget_service.operations import import_document
from widget_service.timeutil import BERLIN, today, utcnow

A, B = "buendnis-a", "buendnis-b"


def _when(days: int, hour: int = 18) -> str:
    moment = dt.datetime.combine(today() + dt.timedelta(days=days), dt.time(hour))
    return moment.replace(tzinfo=BERLIN).isoformat()


@pytest.fixture
def world(session: Session) -> Session:
    """Two alliances, three partners, projects and events spread across them."""
    fields = [
        {"slug": "sprache", "label": {"de": "Sprache", "en": "Language"}},
        {"slug": "arbeit", "label": {"de": "Arbeit", "en": "Work"}},
    ]
    projects: list[dict[str, Any]] = []
    for number in range(30):
        projects.append(
            {
                "alliance": A if number % 3 else B,
                "slug": f"projekt-{number:02d}",
                "title": f"Projekt {number}",
                "partner": ("peine", "sehnde", "kirche")[number % 3],
                "fields": ["sprache"] if number % 2 else ["arbeit"],
                # pairs share a publication time, so the id must break the tie
                "published": _when(-(number // 2)),
                "status": "published",
            }
        )
    projects.append({"alliance": A, "slug": "entwurf", "title": "Entwurf", "status": "pending"})
    import_document(
        session,
        {
            "alliances": [
                {"slug": A, "name": "Bündnis A", "fields": fields},
                {"slug": B, "name": "Bündnis B", "fields": fields},
            ],
            "partners": [
                {
                    "slug": "peine",
                    "name": "Landkreis Peine",
                    "kind": "district",
                    "region": "Landkreis Peine",
                },
                {
                    "slug": "sehnde",
                    "name": "Stadt Sehnde",
                    "kind": "municipality",
                    "region": "Region Hannover",
                },
                {
                    "slug": "kirche",
                    "name": "Landeskirche",
                    "kind": "church",
                    "region": "Region Hannover",
                },
                {"slug": "ausgetreten", "name": "Ausgetreten", "kind": "association"},
            ],
            "memberships": [
                {"alliance": A, "partner": "peine", "since": "2020-10-07"},
                {"alliance": A, "partner": "sehnde", "since": "2020-11-02"},
                {"alliance": B, "partner": "kirche", "since": "2020-11-01"},
                {
                    "alliance": A,
                    "partner": "ausgetreten",
                    "since": "2020-01-01",
                    "until": "2024-12-31",
                },
                {"alliance": B, "partner": "peine", "since": today().isoformat()},
            ],
            "projects": projects,
            "events": [
                {
                    "alliance": A,
                    "slug": "bald",
                    "title": "Bald",
                    "starts": _when(2),
                    "ends": _when(2, 20),
                },
                {
                    "alliance": A,
                    "slug": "spaeter",
                    "title": "Später",
                    "starts": _when(9),
                    "partner": "sehnde",
                },
                {
                    "alliance": A,
                    "slug": "jetzt",
                    "title": "Läuft",
                    "starts": _when(-1),
                    "ends": _when(1),
                },
                {
                    "alliance": A,
                    "slug": "vorbei",
                    "title": "Vorbei",
                    "starts": _when(-3),
                    "ends": _when(-3, 20),
                },
                {
                    "alliance": B,
                    "slug": "abgesagt",
                    "title": "Abgesagt",
                    "starts": _when(4),
                    "status": "cancelled",
                },
                {
                    "alliance": B,
                    "slug": "entwurf",
                    "title": "Entwurf",
                    "starts": _when(5),
                    "status": "pending",
                },
            ],
            "calls": [
                {"alliance": A, "slug": "laeuft", "title": "Läuft", "starts": "2020-01-01"},
                {
                    "alliance": A,
                    "slug": "vorbei",
                    "title": "Vorbei",
                    "starts": "2020-01-01",
                    "ends": "2021-01-01",
                },
                {
                    "alliance": A,
                    "slug": "kommt",
                    "title": "Kommt",
                    "starts": (today() + dt.timedelta(days=3)).isoformat(),
                },
                {
                    "alliance": B,
                    "slug": "heute-letzter-tag",
                    "title": "Heute",
                    "starts": "2020-01-01",
                    "ends": today().isoformat(),
                },
            ],
        },
    )
    return session


def slugs(items: list[Any]) -> list[str]:
    return [item.slug for item in items]


def test_published_projects_newest_first_with_stable_ties(world: Session) -> None:
    items = content.published_projects(world, Filters(limit=50))
    assert len(items) == 30
    keys = [(item.published_at, item.id) for item in items]
    assert keys == sorted(keys, reverse=True)
    assert "entwurf" not in slugs(items)


def test_filters_by_alliance_partner_region_and_field(world: Session) -> None:
    in_a = content.published_projects(world, Filters(alliance=A, limit=50))
    assert len(in_a) == 20 and {item.alliance.slug for item in in_a} == {A}
    by_partner = content.published_projects(world, Filters(partner="sehnde", limit=50))
    assert {item.partner.slug for item in by_partner if item.partner} == {"sehnde"}
    assert len(by_partner) == 10
    by_region = content.published_projects(world, Filters(region="Region Hannover", limit=50))
    assert {item.partner.slug for item in by_region if item.partner} == {"sehnde", "kirche"}
    by_field = content.published_projects(world, Filters(alliance=B, field="sprache", limit=50))
    assert by_field and all("sprache" in [f.slug for f in item.fields] for item in by_field)
    assert {item.alliance.slug for item in by_field} == {B}
    across = content.published_projects(world, Filters(field="sprache", limit=50))
    assert len(across) == 15
    combined = content.published_projects(
        world, Filters(alliance=A, partner="sehnde", field="arbeit", limit=50)
    )
    assert slugs(combined) == ["projekt-04", "projekt-10", "projekt-16", "projekt-22", "projekt-28"]


def test_paging_visits_every_item_exactly_once(world: Session) -> None:
    seen: list[str] = []
    page = 1
    while True:
        items = content.published_projects(world, Filters(limit=7).page(page))
        if not items:
            break
        seen.extend(slugs(items))
        page += 1
    assert len(seen) == len(set(seen)) == 30
    assert content.count_published_projects(world, Filters()) == 30


def test_unknown_slugs_are_not_found(world: Session) -> None:
    with pytest.raises(NotFound, match="alliance 'nirgendwo'"):
        content.published_projects(world, Filters(alliance="nirgendwo"))
    with pytest.raises(NotFound, match="partner"):
        content.published_projects(world, Filters(partner="niemand"))
    with pytest.raises(NotFound, match="field"):
        content.published_projects(world, Filters(field="nichts"))


def test_upcoming_and_past_events(world: Session) -> None:
    upcoming = content.upcoming_events(world, Filters())
    assert slugs(upcoming) == ["jetzt", "bald", "abgesagt", "spaeter"]
    assert slugs(content.upcoming_events(world, Filters(alliance=B))) == ["abgesagt"]
    assert slugs(content.past_events(world, Filters())) == ["vorbei"]
    assert slugs(content.upcoming_events(world, Filters(partner="sehnde"))) == ["spaeter"]
    later = utcnow() + dt.timedelta(days=3)
    assert slugs(content.upcoming_events(world, Filters(), now=later)) == ["abgesagt", "spaeter"]


def test_current_calls_include_their_last_day(world: Session) -> None:
    assert slugs(content.current_calls(world, A)) == ["laeuft"]
    assert slugs(content.current_calls(world, B)) == ["heute-letzter-tag"]
    tomorrow = today() + dt.timedelta(days=1)
    assert slugs(content.current_calls(world, B, on=tomorrow)) == []
    assert content.call_by_slug(world, A, "vorbei").is_current() is False


def test_active_partners(world: Session) -> None:
    assert slugs(content.active_partners(world, Filters(alliance=A))) == ["peine", "sehnde"]
    assert slugs(content.active_partners(world, Filters(alliance=B))) == ["kirche", "peine"]
    assert slugs(content.active_partners(world, Filters(kind="church"))) == ["kirche"]
    assert slugs(content.active_partners(world, Filters(region="Region Hannover"))) == [
        "kirche",
        "sehnde",
    ]
    yesterday = today() - dt.timedelta(days=1)
    assert slugs(content.active_partners(world, Filters(alliance=B), on=yesterday)) == ["kirche"]
    ended = content.membership(world, A, "ausgetreten")
    assert not ended.is_active()
    assert ended.is_active(on=dt.date(2024, 12, 30))


def test_item_lookups_hide_unpublished(world: Session) -> None:
    assert content.published_project(world, A, "projekt-01").title == "Projekt 1"
    with pytest.raises(NotFound):
        content.published_project(world, A, "entwurf")
    with pytest.raises(NotFound):
        content.published_project(world, B, "projekt-01")
    assert content.visible_event(world, B, "abgesagt").status == "cancelled"
    with pytest.raises(NotFound):
        content.visible_event(world, B, "entwurf")


@pytest.mark.parametrize("limit", [1, 30])
def test_listings_need_no_query_per_row(world: Session, limit: int) -> None:
    world.expunge_all()
    with count_queries(world.get_bind()) as statements:
        items = content.published_projects(
            world, Filters(field="sprache", partner="peine", limit=limit)
        )
        for item in items:
            _ = (
                item.alliance.name,
                item.partner and item.partner.name,
                [f.slug for f in item.fields],
            )
    # partner and field lookups, the rows, then one query per eager-loaded relation
    assert len(statements) <= 5, statements


def test_filters_from_query_arguments() -> None:
    filters, page = content.filters_from_args(
        {
            "partner": "peine",
            "region": " Landkreis Peine ",
            "field": "sprache",
            "limit": "10",
            "page": "3",
        },
        "all",
    )
    assert filters == Filters(None, "peine", "Landkreis Peine", "sprache", None, 10, 20)
    assert page == 3
    for args, name in [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "zehn"}, "limit"),
        # str.isdigit() says yes to these, int() says no
        ({"limit": "²"}, "limit"),
        ({"page": "٣"}, "page"),
        ({"limit": "5\n"}, "limit"),
        ({"page": "0"}, "page"),
        ({"partner": "Stadt Sehnde"}, "partner"),
        ({"field": "<script>"}, "field"),
        ({"kind": "castle"}, "kind"),
        ({"region": "x" * 201}, "region"),
    ]:
        with pytest.raises(InvalidParameter) as caught:
            content.filters_from_args(args, A)
        assert caught.value.name == name
    with pytest.raises(NotFound):
        content.filters_from_args({}, "Kein Slug")
