"""The office's figures: content per alliance, partner and action field over time, the
queue's age, and the reach of the embeds (``reach.py`` counts it without tracking)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import moderation
from ..i18n import gettext
from ..models import (
    ActionField,
    Alliance,
    Event,
    Membership,
    Partner,
    Project,
    ReachCount,
    Source,
    Status,
    event_field,
    project_field,
)
from ..timeutil import BERLIN, today, utcnow
from . import charts

MONTHS = 12
REACH_DAYS = 30
# the biggest series a chart over time draws; the rest are summed in one
TOP_SERIES = 5
AGE_BUCKETS = ((1, "< 1"), (3, "1–3"), (7, "3–7"), (14, "7–14"), (10**6, "> 14"))


def _scoped(query: Any, column: Any, ids: list[int] | None) -> Any:
    return query if ids is None else query.where(column.in_(ids))


def counts(session: Session, ids: list[int] | None) -> list[dict[str, Any]]:
    """Per alliance: published projects and events, active partners, waiting items."""
    alliances = list(
        session.scalars(_scoped(select(Alliance), Alliance.id, ids).order_by(Alliance.name))
    )
    result = []
    for alliance in alliances:
        projects = session.scalar(
            select(func.count(Project.id)).where(
                Project.alliance_id == alliance.id, Project.status == Status.PUBLISHED
            )
        )
        events = session.scalar(
            select(func.count(Event.id)).where(
                Event.alliance_id == alliance.id, Event.status == Status.PUBLISHED
            )
        )
        partners = sum(1 for m in alliance.memberships if m.is_active())
        result.append(
            {
                "alliance": alliance,
                "projects": projects or 0,
                "events": events or 0,
                "partners": partners,
            }
        )
    return result


def _month_labels(end: dt.date, months: int) -> list[tuple[int, int]]:
    year, month = end.year, end.month
    found = []
    for _ in range(months):
        found.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(found))


def _window() -> tuple[list[tuple[int, int]], dt.datetime, list[str]]:
    """The last twelve months: (year, month) pairs, the first moment, and their labels."""
    months = _month_labels(today(), MONTHS)
    first = dt.datetime(months[0][0], months[0][1], 1, tzinfo=BERLIN)
    labels = [f"{month:02d}/{str(year)[2:]}" for year, month in months]
    return months, first, labels


def _month_of(published: dt.datetime) -> tuple[int, int]:
    local = published.astimezone(BERLIN)
    return local.year, local.month


def _monthly(
    title: str,
    per: dict[str, Counter[tuple[int, int]]],
    other: str,
    limit: int = TOP_SERIES,
) -> dict[str, Any]:
    """A column chart of counts per month, one series for each of the ``limit`` biggest
    names and one for the rest (``other``), with the numbers for its table."""
    months, _, labels = _window()
    ranked = sorted(per, key=lambda name: (-sum(per[name].values()), name))
    shown = ranked[:limit]
    rest: Counter[tuple[int, int]] = Counter()
    for name in ranked[limit:]:
        rest.update(per[name])
    series = [charts.Series(name, [per[name][key] for key in months]) for name in shown]
    if rest:
        series.append(charts.Series(other, [rest[key] for key in months]))
    if not series:
        series = [charts.Series(gettext("Published"), [0] * len(months))]
    svg = charts.columns(title, labels, series, description=_describe(labels, series))
    totals = [sum(one.values) for one in series]
    return {"svg": svg, "labels": labels, "series": series, "title": title, "totals": totals}


def content_over_time(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """Projects and events published per month, the last twelve months, per alliance."""
    _, first, _ = _window()
    per: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    names = {a.id: a.name for a in session.scalars(_scoped(select(Alliance), Alliance.id, ids))}
    for model in (Project, Event):
        rows = session.execute(
            _scoped(
                select(model.alliance_id, model.published_at).where(
                    model.status == Status.PUBLISHED, model.published_at >= first
                ),
                model.alliance_id,
                ids,
            )
        )
        for alliance_id, published in rows:
            per[names.get(alliance_id, "?")][_month_of(published)] += 1
    return _monthly(
        gettext("Projects and events published per month, per alliance"),
        per,
        gettext("Other alliances"),
    )


def partners_over_time(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """Projects and events published per month by the partners who published most."""
    _, first, _ = _window()
    per: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    for model in (Project, Event):
        rows = session.execute(
            _scoped(
                select(Partner.name, model.published_at)
                .join(Partner, model.partner_id == Partner.id)
                .where(model.status == Status.PUBLISHED, model.published_at >= first),
                model.alliance_id,
                ids,
            )
        )
        for name, published in rows:
            per[name][_month_of(published)] += 1
    return _monthly(
        gettext("Projects and events published per month, per partner"),
        per,
        gettext("Other partners"),
    )


def fields_over_time(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """Projects and events published per month, per action field (an item with two
    fields counts for each)."""
    from ..i18n import current_language

    _, first, _ = _window()
    english = current_language() == "en"
    per: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    for model, table, column in (
        (Project, project_field, project_field.c.project_id),
        (Event, event_field, event_field.c.event_id),
    ):
        rows = session.execute(
            _scoped(
                select(ActionField.label_de, ActionField.label_en, model.published_at)
                .join(table, table.c.field_id == ActionField.id)
                .join(model, model.id == column)
                .where(model.status == Status.PUBLISHED, model.published_at >= first),
                model.alliance_id,
                ids,
            )
        )
        for german, label_en, published in rows:
            per[label_en if english and label_en else german][_month_of(published)] += 1
    return _monthly(
        gettext("Projects and events published per month, per action field"),
        per,
        gettext("Other action fields"),
    )


def _describe(labels: list[str], series: list[charts.Series]) -> str:
    parts = []
    for one in series:
        total = sum(one.values)
        parts.append(f"{one.label}: {total:g}")
    return "; ".join(parts)


def per_partner(session: Session, ids: list[int] | None, limit: int = 12) -> dict[str, Any]:
    """The partners with the most published projects and events."""
    tally: Counter[str] = Counter()
    for model in (Project, Event):
        rows = session.execute(
            _scoped(
                select(Partner.name, func.count(model.id))
                .join(Partner, model.partner_id == Partner.id)
                .where(model.status == Status.PUBLISHED)
                .group_by(Partner.name),
                model.alliance_id,
                ids,
            )
        )
        for name, number in rows:
            tally[name] += number
    top = tally.most_common(limit)
    title = gettext("Published projects and events per partner")
    labels, values = [n for n, _ in top], [v for _, v in top]
    return {"svg": charts.hbars(title, labels, values), "rows": top, "title": title}


def per_field(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """Published projects and events per action field."""
    tally: Counter[str] = Counter()
    for model, table, column in (
        (Project, project_field, project_field.c.project_id),
        (Event, event_field, event_field.c.event_id),
    ):
        rows = session.execute(
            _scoped(
                select(ActionField.label_de, ActionField.label_en, func.count(model.id))
                .join(table, table.c.field_id == ActionField.id)
                .join(model, model.id == column)
                .where(model.status == Status.PUBLISHED)
                .group_by(ActionField.label_de, ActionField.label_en),
                model.alliance_id,
                ids,
            )
        )
        from ..i18n import current_language

        english = current_language() == "en"
        for german, label_en, number in rows:
            tally[label_en if english and label_en else german] += number
    top = tally.most_common()
    title = gettext("Published projects and events per action field")
    return {
        "svg": charts.hbars(title, [n for n, _ in top], [v for _, v in top]),
        "rows": top,
        "title": title,
    }


def queue_age(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """How long the waiting items have waited, in days."""
    now = utcnow()
    waiting = moderation.queue(session, ids)
    buckets = Counter[str]()
    for entry in waiting:
        days = (now - entry.created_at).total_seconds() / 86400
        label = next(label for limit, label in AGE_BUCKETS if days < limit)
        buckets[label] += 1
    labels = [label for _, label in AGE_BUCKETS]
    values = [buckets[label] for label in labels]
    title = gettext("Waiting items by days waited")
    oldest = max(((now - e.created_at).days for e in waiting), default=0)
    return {
        "svg": charts.columns(title, labels, [charts.Series(gettext("Items"), values)]),
        "rows": list(zip(labels, values, strict=True)),
        "title": title,
        "waiting": len(waiting),
        "oldest": oldest,
    }


def reach(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """Embeds served per day (last 30 days) by kind, and where they were embedded."""
    first = today() - dt.timedelta(days=REACH_DAYS - 1)
    slugs: list[str] | None = None
    if ids is not None:
        slugs = list(session.scalars(select(Alliance.slug).where(Alliance.id.in_(ids))))
    query = select(ReachCount).where(ReachCount.day >= first)
    if slugs is not None:
        query = query.where(ReachCount.alliance.in_(slugs))
    rows = list(session.scalars(query))
    days = [first + dt.timedelta(days=n) for n in range(REACH_DAYS)]
    per_kind: dict[str, Counter[dt.date]] = defaultdict(Counter)
    sites: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        per_kind[row.kind.value][row.day] += row.count
        sites[(row.kind.value, row.alliance, row.name)][row.origin] += row.count
    kinds = {"widget": gettext("Widgets"), "banner": gettext("Banners"), "badge": gettext("Badges")}
    series = [
        charts.Series(label, [per_kind[kind][d] for d in days]) for kind, label in kinds.items()
    ]
    labels = [d.strftime("%d.%m.") for d in days]
    title = gettext("Embeds served per day, last 30 days")
    table = []
    for (kind, alliance, name), origins in sorted(sites.items()):
        named = [(origin or gettext("(no referrer)"), n) for origin, n in origins.most_common()]
        table.append(
            {
                "kind": kinds.get(kind, kind),
                "alliance": alliance,
                "name": name,
                "served": sum(origins.values()),
                "sites": len([o for o in origins if o]),
                "origins": named,
            }
        )
    return {
        "svg": charts.columns(title, labels, series, description=_describe(labels, series)),
        "title": title,
        "table": table,
        "labels": labels,
        "series": series,
        "days": _reach_days(rows, kinds),
    }


KIND_ORDER = {"banner": 0, "widget": 1, "badge": 2}


def _reach_days(rows: list[ReachCount], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """Per embed (banners first), per day, newest first: on which sites it was served and
    how often."""
    per: dict[tuple[str, str, str], dict[dt.date, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for row in rows:
        per[(row.kind.value, row.alliance, row.name)][row.day][row.origin] += row.count
    found = []
    for (kind, alliance, name), days in sorted(
        per.items(), key=lambda item: (KIND_ORDER.get(item[0][0], 9), item[0])
    ):
        found.append(
            {
                "kind": kinds.get(kind, kind),
                "alliance": alliance,
                "name": name,
                "days": [
                    {
                        "day": day,
                        "served": sum(origins.values()),
                        "origins": [
                            (origin or gettext("(no referrer)"), number)
                            for origin, number in sorted(
                                origins.items(), key=lambda pair: (-pair[1], pair[0])
                            )
                        ],
                    }
                    for day, origins in sorted(days.items(), reverse=True)
                ],
            }
        )
    return found


def source_item_counts(session: Session, source_ids: list[int]) -> dict[int, int]:
    """How many items each source brought (projects and events, any status)."""
    found: Counter[int] = Counter()
    if not source_ids:
        return {}
    for model in (Project, Event):
        rows = session.execute(
            select(model.source_id, func.count(model.id))
            .where(model.source_id.in_(source_ids))
            .group_by(model.source_id)
        )
        for source_id, number in rows:
            if source_id is not None:
                found[source_id] += number
    return dict(found)


def page(session: Session, ids: list[int] | None) -> dict[str, Any]:
    """Everything the statistics page shows."""
    return {
        "counts": counts(session, ids),
        "over_time": content_over_time(session, ids),
        "partners_over_time": partners_over_time(session, ids),
        "fields_over_time": fields_over_time(session, ids),
        "partners": per_partner(session, ids),
        "fields": per_field(session, ids),
        "queue": queue_age(session, ids),
        "reach": reach(session, ids),
        "sources": session.scalar(_scoped(select(func.count(Source.id)), Source.alliance_id, ids)),
        "memberships": session.scalar(
            _scoped(select(func.count(Membership.id)), Membership.alliance_id, ids)
        ),
    }
