"""Reads for the metrics: the service's state as one scrape sees it, straight from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..mail import MAX_ATTEMPTS
from ..models import (
    Alliance,
    Application,
    ApplicationStatus,
    Event,
    OutgoingMail,
    Project,
    Source,
    Status,
)
from .prometheus import Gauge


def _age(now: dt.datetime, moment: dt.datetime | None) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


def mail_queue(session: Session, now: dt.datetime) -> Iterator[Gauge]:
    """Unsent messages: waiting for their first try, failing and retried, or given up."""
    state = case(
        (OutgoingMail.attempts >= MAX_ATTEMPTS, "given_up"),
        (OutgoingMail.attempts > 0, "failing"),
        else_="waiting",
    )
    counts = dict.fromkeys(("waiting", "failing", "given_up"), 0)
    query = select(state, func.count()).where(OutgoingMail.sent_at.is_(None)).group_by(state)
    for name, count in session.execute(query):
        counts[str(name)] = int(count)
    yield Gauge(
        "widgets_mail_queue_messages",
        "Messages not sent yet, by state (waiting, failing, given_up).",
        ("state",),
        tuple(((name,), float(count)) for name, count in counts.items()),
    )
    oldest = session.scalar(
        select(func.min(OutgoingMail.created_at)).where(OutgoingMail.sent_at.is_(None))
    )
    yield Gauge(
        "widgets_mail_queue_oldest_seconds",
        "Age of the oldest message not sent yet (0 when none waits).",
        (),
        (((), _age(now, oldest)),),
    )


def moderation_queue(session: Session, now: dt.datetime) -> Iterator[Gauge]:
    """What waits for the office: pending projects, events and applications, and how long."""
    pending = {
        "project": (Project.created_at, Project.status == Status.PENDING),
        "event": (Event.created_at, Event.status == Status.PENDING),
        "application": (Application.created_at, Application.status == ApplicationStatus.PENDING),
    }
    counts: list[tuple[tuple[str, ...], float]] = []
    ages: list[tuple[tuple[str, ...], float]] = []
    for kind, (created, condition) in pending.items():
        count, oldest = session.execute(
            select(func.count(), func.min(created)).where(condition)
        ).one()
        counts.append(((kind,), float(count)))
        ages.append(((kind,), _age(now, oldest)))
    yield Gauge(
        "widgets_moderation_queue_items",
        "Items waiting for the office, by kind.",
        ("kind",),
        tuple(counts),
    )
    yield Gauge(
        "widgets_moderation_queue_oldest_seconds",
        "Age of the oldest item waiting for the office, by kind (0 when none waits).",
        ("kind",),
        tuple(ages),
    )


def sources(session: Session) -> Iterator[Gauge]:
    """Each active source's last poll: when it last succeeded and how often it failed since."""
    query = (
        select(Source.id, Alliance.slug, Source.kind, Source.last_success_at, Source.failures)
        .join(Alliance, Source.alliance_id == Alliance.id)
        .where(Source.active.is_(True))
        .order_by(Source.id)
    )
    success: list[tuple[tuple[str, ...], float]] = []
    failures: list[tuple[tuple[str, ...], float]] = []
    for source_id, alliance, kind, last_success, failed in session.execute(query):
        labels = (str(source_id), str(alliance), str(kind))
        success.append((labels, last_success.timestamp() if last_success else 0.0))
        failures.append((labels, float(failed or 0)))
    names = ("source", "alliance", "kind")
    yield Gauge(
        "widgets_source_last_success_timestamp_seconds",
        "When a source was last polled successfully (Unix time; 0: never).",
        names,
        tuple(success),
    )
    yield Gauge(
        "widgets_source_consecutive_failures",
        "Polls of a source that failed since its last success.",
        names,
        tuple(failures),
    )
