"""The partner API: tokens, validation, idempotency by external_id, ownership; the read side
and its OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from widget_service import tokens
from widget_service.models import Event, Status
from widget_service.operations import import_document
from widget_service.timeutil import utcnow

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
EVENT = {
    "title": "Sprachcafé im Rathaus",
    "starts": "2030-03-05T18:00:00+01:00",
    "ends": "2030-03-05T20:00:00+01:00",
    "location": "Rathaus Sehnde",
    "description": "<p>Alle sind willkommen.</p><script>alert(1)</script>",
    "external_id": "cms-4711",
}


def _token(session: Session, partner: str = "stadt-sehnde", trusted: bool = True) -> str:
    _row, plain = tokens.issue(session, PA, partner, trusted=trusted)
    session.commit()
    return plain


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_trusted_partner_publishes_and_updates_an_event_by_its_external_id(
    client: FlaskClient, demo: Session
) -> None:
    token = _token(demo)
    created = client.post(f"/api/v1/{PA}/events", json=EVENT, headers=_auth(token))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "published" and body["partner"] == "stadt-sehnde"
    assert "<script" not in body["description"]
    location = created.headers["Location"]
    assert location == f"/api/v1/{PA}/events/{body['slug']}"
    assert client.get(location).status_code == 200
    again = client.post(
        f"/api/v1/{PA}/events",
        json={**EVENT, "title": "Sprachcafé im neuen Rathaus"},
        headers=_auth(token),
    )
    assert again.status_code == 200
    assert again.get_json()["slug"] == body["slug"]
    demo.expire_all()
    rows = demo.scalars(select(Event).where(Event.external_id == "cms-4711")).all()
    assert [row.title for row in rows] == ["Sprachcafé im neuen Rathaus"]
    changed = client.patch(location, json={"location": "Bürgerhaus"}, headers=_auth(token))
    assert changed.status_code == 200 and changed.get_json()["location"] == "Bürgerhaus"
    assert client.delete(location, headers=_auth(token)).status_code == 204
    demo.expire_all()
    assert demo.scalar(select(Event.status).where(Event.external_id == "cms-4711")) == (
        Status.ARCHIVED
    )
    assert client.get(location).status_code == 404


def test_an_untrusted_partner_waits_for_the_office(client: FlaskClient, demo: Session) -> None:
    token = _token(demo, trusted=False)
    created = client.post(f"/api/v1/{PA}/events", json=EVENT, headers=_auth(token))
    assert created.status_code == 201
    assert created.get_json()["status"] == "pending"
    assert client.get(created.headers["Location"]).status_code == 404


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wst_wrong"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
    ],
)
def test_missing_or_wrong_tokens_get_401_with_www_authenticate(
    client: FlaskClient, demo: Session, headers: dict[str, str], status: int
) -> None:
    response = client.post(f"/api/v1/{PA}/events", json=EVENT, headers=headers)
    assert response.status_code == status
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["errors"][0]["message"]


def test_a_revoked_token_and_another_alliance_or_partner(
    client: FlaskClient, demo: Session
) -> None:
    token = _token(demo)
    row = tokens.authenticate(demo, token)
    assert row is not None
    other = _token(demo, partner="landkreis-peine")
    created = client.post(f"/api/v1/{PA}/events", json=EVENT, headers=_auth(token))
    location = created.headers["Location"]
    # another partner's record
    assert client.patch(location, json={"title": "x"}, headers=_auth(other)).status_code == 403
    assert client.delete(location, headers=_auth(other)).status_code == 403
    # another alliance
    assert client.post(f"/api/v1/{HZ}/events", json=EVENT, headers=_auth(token)).status_code == 403
    row.revoked_at = utcnow()
    demo.commit()
    assert client.post(f"/api/v1/{PA}/events", json=EVENT, headers=_auth(token)).status_code == 401


def test_changing_to_an_external_id_another_record_holds_names_the_field(
    client: FlaskClient, demo: Session
) -> None:
    token = _token(demo)
    first = client.post(f"/api/v1/{PA}/events", json=EVENT, headers=_auth(token))
    second = client.post(
        f"/api/v1/{PA}/events",
        json={**EVENT, "title": "Lesung in der Bücherei", "external_id": "cms-4712"},
        headers=_auth(token),
    )
    assert first.status_code == second.status_code == 201
    clash = client.patch(
        second.headers["Location"], json={"external_id": "cms-4711"}, headers=_auth(token)
    )
    assert clash.status_code == 400, clash.get_json()
    assert [error["field"] for error in clash.get_json()["errors"]] == ["external_id"]
    demo.expire_all()
    kept = demo.scalars(select(Event.external_id).where(Event.external_id.like("cms-%"))).all()
    assert sorted(kept) == ["cms-4711", "cms-4712"]
    # the same identifier again is no change at all
    same = client.patch(
        second.headers["Location"], json={"external_id": "cms-4712"}, headers=_auth(token)
    )
    assert same.status_code == 200


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({**EVENT, "starts": "morgen"}, "starts"),
        ({**EVENT, "title": ""}, "title"),
        ({**EVENT, "online": "javascript:alert(1)"}, "online"),
        ({**EVENT, "alliance": HZ}, "alliance"),
        ({**EVENT, "unknown": 1}, "unknown"),
        ({**EVENT, "external_id": "x" * 201}, "external_id"),
        ({key: value for key, value in EVENT.items() if key != "starts"}, "starts"),
    ],
)
def test_invalid_records_get_400_naming_the_field(
    client: FlaskClient, demo: Session, record: dict[str, Any], field: str
) -> None:
    response = client.post(f"/api/v1/{PA}/events", json=record, headers=_auth(_token(demo)))
    assert response.status_code == 400
    assert field in [error["field"] for error in response.get_json()["errors"]]


def test_bodies_that_are_not_one_json_object(client: FlaskClient, demo: Session) -> None:
    headers = {**_auth(_token(demo)), "Content-Type": "application/json"}
    for body in (b"[1, 2]", b"{", b"\xff\xfe", b'"text"'):
        response = client.post(f"/api/v1/{PA}/projects", data=body, headers=headers)
        assert response.status_code == 400
    huge = b'{"title": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post(f"/api/v1/{PA}/projects", data=huge, headers=headers)
    assert response.status_code == 413


def test_the_read_side_pages_with_next_and_is_cors_open(client: FlaskClient, demo: Session) -> None:
    first = client.get(f"/api/v1/{PA}/projects?limit=2")
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["ETag"]
    body = first.get_json()
    assert len(body["items"]) == 2 and body["next"]
    second = client.get(body["next"].replace("http://localhost", ""))
    assert second.status_code == 200
    assert {item["slug"] for item in second.get_json()["items"]}.isdisjoint(
        {item["slug"] for item in body["items"]}
    )
    repeat = client.get(
        f"/api/v1/{PA}/projects?limit=2", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert repeat.status_code == 304
    assert client.get(f"/api/v1/{PA}/projects?limit=0").status_code == 400
    assert client.get("/api/v1/nope/projects").status_code == 404
    assert client.get("/api/v1/alliances").get_json()["items"]
    call = client.get(f"/api/v1/{PA}/calls/zusammen-mehr").get_json()
    assert call["signatures"] == 0


def test_the_openapi_document_names_every_route_and_the_record_schemas(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/{alliance}/events" in document["paths"]
    assert "post" in document["paths"]["/api/v1/{alliance}/projects"]
    assert "EventInput" in document["components"]["schemas"]


def test_stories_are_filtered_by_kind_and_the_document_says_so(
    client: FlaskClient, demo: Session
) -> None:
    import_document(
        demo,
        {
            "projects": [
                {
                    "alliance": PA,
                    "slug": "amal-in-peine",
                    "kind": "story",
                    "title": "Wie Amal in Peine ankam",
                    "video": "https://youtu.be/dQw4w9WgXcQ",
                    "status": "published",
                }
            ]
        },
    )
    stories = client.get(f"/api/v1/{PA}/projects?kind=story").get_json()["items"]
    assert [(item["slug"], item["kind"]) for item in stories] == [("amal-in-peine", "story")]
    assert stories[0]["video"] == "https://youtu.be/dQw4w9WgXcQ"
    others = client.get(f"/api/v1/{PA}/projects?kind=project&limit=100").get_json()["items"]
    assert others and all(item.get("kind", "project") == "project" for item in others)
    assert client.get(f"/api/v1/{PA}/projects?kind=video").status_code == 400

    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/api/v1/{alliance}/projects"]["get"]["parameters"]
    kind = next(parameter for parameter in listing if parameter["name"] == "kind")
    assert kind["in"] == "query" and kind["schema"]["enum"] == ["project", "story"]
    events = document["paths"]["/api/v1/{alliance}/events"]["get"]["parameters"]
    assert "kind" not in {parameter["name"] for parameter in events}
