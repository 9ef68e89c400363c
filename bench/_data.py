"""Bulk-loads synthetic projects for the benchmarks (not a test; no assertions here)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from widget_service import db
from widget_service.demo import demo_document
from widget_service.models import ActionField, Alliance, Channel, Partner, Project, project_field
from widget_service.operations import import_document
from widget_service.timeutil import today, utcnow


def fresh_database(url: str) -> Engine:
    """A migrated database with the demo content (alliances, fields, partners)."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    with Session(engine) as session:
        import_document(session, demo_document(today()), Channel.DEMO)
    return engine


def add_projects(engine: Engine, count: int, seed: int = 7) -> None:
    """Add ``count`` published projects spread over alliances, partners, fields and time."""
    generator = random.Random(seed)
    with Session(engine) as session:
        alliances = session.scalars(select(Alliance.id)).all()
        partners = session.execute(select(Partner.id, Partner.region)).all()
        fields: dict[int, list[int]] = {}
        pairs = session.execute(select(ActionField.id, ActionField.alliance_id))
        for field_id, alliance_id in pairs:
            fields.setdefault(alliance_id, []).append(field_id)
        start = session.scalar(select(Project.id).order_by(Project.id.desc()).limit(1)) or 0
    now = utcnow()
    batch: list[dict[str, Any]] = []
    tags: list[dict[str, int]] = []
    with engine.begin() as connection:
        for number in range(count):
            alliance = generator.choice(alliances)
            partner_id, region = generator.choice(partners)
            identifier = start + number + 1
            batch.append(
                {
                    "id": identifier,
                    "uid": str(uuid.UUID(int=generator.getrandbits(128))),
                    "alliance_id": alliance,
                    "slug": f"bench-{identifier}",
                    "title": f"Projekt {identifier}",
                    "summary": "Ein Projekt für den Benchmark. " * 4,
                    "body": "<p>Text</p>" * 10,
                    "partner_id": partner_id,
                    "region": region,
                    "status": "published",
                    "channel": "import",
                    "published_at": now - dt.timedelta(minutes=generator.randint(0, 5_000_000)),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            tags.append({"project_id": identifier, "field_id": generator.choice(fields[alliance])})
            if len(batch) == 5000:
                connection.execute(insert(Project), batch)
                connection.execute(insert(project_field), tags)
                batch, tags = [], []
        if batch:
            connection.execute(insert(Project), batch)
            connection.execute(insert(project_field), tags)
    with engine.begin() as connection:
        # what autovacuum does soon after a bulk load; without it the planner guesses
        connection.execute(text("ANALYZE"))
