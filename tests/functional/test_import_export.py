"""Imports are all or nothing, update by slug, and round-trip through export."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from widget_service.demo import demo_document
from widget_service.errors import ValidationError
from widget_service.models import Event, Membership, Partner, Project, Source, Status
from widget_service.operations import export_document, import_document
from widget_service.timeutil import today

# the demo's export on a fixed day, as the export wrote it before the record schema existed
GOLDEN_EXPORT = Path(__file__).resolve().parents[1] / "golden" / "demo-export.json"
REGENERATE = os.environ.get("WIDGETS_REGENERATE_GOLDEN") == "1"

BASE: dict[str, Any] = {
    "alliances": [
        {
            "slug": "niedersachsen-packt-an",
            "name": "Niedersachsen packt an",
            "color": "#00589c",
            "fields": [
                {
                    "slug": "sprachfoerderung",
                    "label": {"de": "Sprachförderung", "en": "Language support"},
                }
            ],
        }
    ],
    "partners": [
        {
            "slug": "landkreis-peine",
            "name": "Landkreis Peine",
            "kind": "district",
            "place": "Peine",
            "region": "Landkreis Peine",
        }
    ],
    "memberships": [
        {
            "alliance": "niedersachsen-packt-an",
            "partner": "landkreis-peine",
            "since": "2020-10-07",
            "resolution": "Kreistag, Beschlussvorlage 2020/740, 07.10.2020",
        }
    ],
    "projects": [
        {
            "alliance": "niedersachsen-packt-an",
            "slug": "sprachcafe",
            "title": "Sprachcafé",
            "summary": "Deutsch üben bei Kaffee.",
            "body": "<p>Jeden Donnerstag.</p>",
            "fields": ["sprachfoerderung"],
            "partner": "landkreis-peine",
            "status": "published",
            "published": "2020-11-02T10:00:00+01:00",
        }
    ],
}


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_creates_and_reports(session: Session) -> None:
    report = import_document(session, copy.deepcopy(BASE))
    assert report.summary() == (
        "alliances: 1 new, 0 updated; partners: 1 new, 0 updated; "
        "memberships: 1 new, 0 updated; projects: 1 new, 0 updated"
    )
    project = session.scalar(select(Project))
    assert project is not None
    assert project.partner is not None and project.partner.slug == "landkreis-peine"
    assert project.region == "Landkreis Peine"  # taken from its partner
    assert project.published_at.isoformat() == "2020-11-02T09:00:00+00:00"
    assert [f.slug for f in project.fields] == ["sprachfoerderung"]
    assert project.is_local


def test_one_bad_record_changes_nothing_and_is_named(session: Session) -> None:
    import_document(session, copy.deepcopy(BASE))
    document = copy.deepcopy(BASE)
    document["partners"][0]["name"] = "Geänderter Name"
    document["projects"].append(
        {"alliance": "niedersachsen-packt-an", "slug": "neu", "title": "Neu", "status": "published"}
    )
    document["events"] = [
        {
            "alliance": "niedersachsen-packt-an",
            "slug": "ok",
            "title": "OK",
            "starts": "2026-12-03T18:00:00+01:00",
        },
        {
            "alliance": "niedersachsen-packt-an",
            "slug": "kaputt",
            "title": "Kaputt",
            "starts": "morgen",
        },
    ]
    with pytest.raises(ValidationError) as caught:
        import_document(session, document)
    assert caught.value.problems == ["events[1].starts: not an ISO 8601 date-time"]
    session.expire_all()
    assert session.scalar(select(Partner.name)) == "Landkreis Peine"
    assert count(session, Project) == 1
    assert count(session, Event) == 0


def test_unknown_references_roll_back_everything(session: Session) -> None:
    document = copy.deepcopy(BASE)
    document["projects"][0]["partner"] = "niemand"
    document["projects"].append({"alliance": "unbekannt", "slug": "x", "title": "X"})
    document["projects"].append(
        {"alliance": "niedersachsen-packt-an", "slug": "y", "title": "Y", "fields": ["wohnen"]}
    )
    with pytest.raises(ValidationError) as caught:
        import_document(session, document)
    assert caught.value.problems == [
        "projects[0].partner: no partner 'niemand'",
        "projects[1].alliance: no alliance 'unbekannt'",
        "projects[2].fields: 'niedersachsen-packt-an' has no action field 'wohnen'",
    ]
    assert count(session, Partner) == 0
    assert count(session, Project) == 0


def test_new_records_need_their_required_fields(session: Session) -> None:
    import_document(session, copy.deepcopy(BASE))
    with pytest.raises(ValidationError) as caught:
        import_document(
            session,
            {
                "partners": [{"slug": "neu", "name": "Neu"}],
                "events": [{"alliance": "niedersachsen-packt-an", "slug": "e", "title": "E"}],
            },
        )
    assert caught.value.problems == [
        "partners[0].kind: is required for a new record",
        "events[0].starts: is required for a new record",
    ]


def test_import_with_an_existing_slug_updates_only_given_fields(session: Session) -> None:
    import_document(session, copy.deepcopy(BASE))
    report = import_document(
        session,
        {
            "projects": [
                {
                    "alliance": "niedersachsen-packt-an",
                    "slug": "sprachcafe",
                    "title": "Sprachcafé Peine",
                    "status": "archived",
                }
            ],
            "memberships": [
                {
                    "alliance": "niedersachsen-packt-an",
                    "partner": "landkreis-peine",
                    "until": "2025-01-01",
                }
            ],
        },
    )
    assert report.updated["projects"] == 1 and report.created["projects"] == 0
    project = session.scalar(select(Project))
    assert project is not None
    assert (project.title, project.status, project.summary) == (
        "Sprachcafé Peine",
        Status.ARCHIVED,
        "Deutsch üben bei Kaffee.",
    )
    membership = session.scalar(select(Membership))
    assert membership is not None and not membership.is_active()
    assert membership.resolution == "Kreistag, Beschlussvorlage 2020/740, 07.10.2020"
    assert count(session, Project) == 1


def test_an_update_that_breaks_a_range_is_refused(session: Session) -> None:
    import_document(session, copy.deepcopy(BASE))
    with pytest.raises(ValidationError) as caught:
        import_document(
            session,
            {
                "memberships": [
                    {
                        "alliance": "niedersachsen-packt-an",
                        "partner": "landkreis-peine",
                        "until": "2019-01-01",
                    }
                ]
            },
        )
    assert caught.value.problems == ["memberships[0].until: is before since"]


def test_sources_are_keyed_by_alliance_kind_and_url(session: Session) -> None:
    import_document(session, copy.deepcopy(BASE))
    source = {
        "alliance": "niedersachsen-packt-an",
        "partner": "landkreis-peine",
        "url": "https://www.landkreis-peine.de/feed.rss",
        "kind": "projects",
        "interval_minutes": 60,
    }
    import_document(session, {"sources": [source]})
    import_document(session, {"sources": [{**source, "interval_minutes": 120}]})
    stored = session.scalars(select(Source)).all()
    assert [(s.url, s.interval_minutes) for s in stored] == [(source["url"], 120)]


def test_export_round_trips(session: Session) -> None:
    import_document(session, demo_document(today()))
    first = export_document(session)
    assert {name: len(items) for name, items in first.items()} == {
        "alliances": 2,
        "partners": 16,
        "memberships": 21,
        "projects": 13,
        "events": 10,
        "calls": 5,
        "sources": 0,
    }
    report = import_document(session, first)
    assert sum(report.created.values()) == 0
    assert export_document(session) == first


def test_export_imports_into_an_empty_database(session: Session) -> None:
    import_document(session, demo_document(today()))
    document = export_document(session)
    for model in (Project, Event, Membership, Partner):
        session.execute(model.__table__.delete())
    session.commit()
    import_document(session, document)
    assert export_document(session) == document


def test_the_demo_loads_twice_without_duplicates(session: Session) -> None:
    import_document(session, demo_document(today()))
    import_document(session, demo_document(today()))
    assert count(session, Project) == 13
    assert count(session, Event) == 10
    assert count(session, Partner) == 16


def test_the_export_of_the_demo_is_the_golden_file(session: Session) -> None:
    import_document(session, demo_document(dt.date(2026, 1, 15)))
    # as the export command writes it: the same bytes, keys in the same order
    written = json.dumps(export_document(session), ensure_ascii=False, indent=2) + "\n"
    if REGENERATE:
        GOLDEN_EXPORT.write_text(written, encoding="utf-8")
    assert written == GOLDEN_EXPORT.read_text(encoding="utf-8")


def test_an_import_that_breaks_a_line_names_record_and_field(session: Session) -> None:
    document = copy.deepcopy(BASE)
    document["partners"][0]["name"] = "Landkreis\nPeine"
    document["projects"][0]["title"] = "Sprachcafé\u2028Peine"
    with pytest.raises(ValidationError) as caught:
        import_document(session, document)
    single = "must be a single line, without line breaks or control characters"
    assert caught.value.problems == [
        f"partners[0].name: {single}",
        f"projects[0].title: {single}",
    ]
    assert count(session, Partner) == 0


def test_the_reserved_slug_is_refused_on_import(session: Session) -> None:
    document = copy.deepcopy(BASE)
    document["alliances"][0]["slug"] = "all"
    with pytest.raises(ValidationError) as caught:
        import_document(session, document)
    assert caught.value.problems == [
        "alliances[0].slug: 'all' is reserved: in addresses it means every alliance"
    ]


def test_a_ten_megabyte_body_is_refused_and_stores_nothing(session: Session) -> None:
    document = copy.deepcopy(BASE)
    document["projects"][0]["body"] = "<p>" + "Wort " * 2_000_000 + "</p>"
    with pytest.raises(ValidationError) as caught:
        import_document(session, document)
    assert caught.value.problems == [
        "projects[0].body: is longer than 100000 characters even before its HTML is cleaned"
    ]
    assert count(session, Project) == 0


def test_an_update_to_a_range_end_is_checked_against_the_stored_start(session: Session) -> None:
    import_document(session, copy.deepcopy(BASE))
    event = {
        "alliance": "niedersachsen-packt-an",
        "slug": "fachtag",
        "title": "Fachtag",
        "starts": "2026-12-03T18:00:00+01:00",
    }
    import_document(session, {"events": [event]})
    change = {"alliance": event["alliance"], "slug": "fachtag", "ends": "2026-12-03T17:00:00+01:00"}
    with pytest.raises(ValidationError) as caught:
        import_document(session, {"events": [change]})
    assert caught.value.problems == ["events[0].ends: is before starts"]
