"""Reach of the embeds, counted without tracking anyone.

For every widget, banner and badge served, one counter goes up: per day, per thing
served, and per *origin* of the page that embedded it (``https://www.sehnde.de``, taken
from the ``Referer`` header and cut to scheme, host and port; empty when the browser sent
none). No address, no cookie, no user agent, no path of the embedding page, no visitor
identifier is read or stored, so nobody can be followed from site to site or day to day.

The counters are kept in process memory and written in one go at most every
``REACH_FLUSH_SECONDS`` (default 60), after an answer has gone out, so a widget request
never waits for the database. A worker that stops writes what it counted (``atexit``);
what a crash loses is at most a minute of counts. Requests an HTTP cache in front of the
service answers itself are not counted (docs/privacy.md says so).
"""

from __future__ import annotations

import atexit
import datetime as dt
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, request
from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .models import ReachCount, ReachKind
from .timeutil import today

EXTENSION = "widget_service.reach"
# distinct counters one process holds before it writes early (a flood of made-up
# Referers cannot grow memory without bound)
MAX_KEYS = 5_000
MAX_ORIGIN = 300
MAX_NAME = 80

Key = tuple[dt.date, str, str, str, str]  # day, kind, name, alliance, origin


def origin_of(referer: str | None) -> str:
    """``scheme://host[:port]`` of a Referer, or "" when there is none worth keeping."""
    if not referer:
        return ""
    try:
        parts = urlsplit(referer.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not host:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")
    return origin if len(origin) <= MAX_ORIGIN else ""


def what_was_served(
    endpoint: str | None, view_args: dict[str, str], args: dict[str, str]
) -> tuple[str, str, str] | None:
    """``(kind, name, alliance)`` for an embed response, or None for anything else."""
    if endpoint in ("embed.document", "embed.fragment"):
        name = view_args.get("name", "")
        kind = {"banner": ReachKind.BANNER, "badge": ReachKind.BADGE}.get(name, ReachKind.WIDGET)
        if kind == ReachKind.BANNER:
            name = args.get("call", "") or name
        elif kind == ReachKind.BADGE:
            name = args.get("partner", "") or name
        return kind.value, name, args.get("alliance", "all") or "all"
    if endpoint == "badges.badge":
        return ReachKind.BADGE.value, view_args.get("partner", ""), view_args.get("alliance", "")
    if endpoint == "badges.banner":
        return ReachKind.BANNER.value, view_args.get("call", ""), view_args.get("alliance", "")
    return None


class ReachCounter:
    """Counts in memory; writes to the database when due."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.interval = interval
        self.clock = clock
        self.counts: Counter[Key] = Counter()
        self.lock = threading.Lock()
        self.last_flush = clock()

    def add(self, kind: str, name: str, alliance: str, origin: str) -> None:
        key = (today(), kind, name[:MAX_NAME], alliance[:MAX_NAME], origin)
        with self.lock:
            self.counts[key] += 1

    def due(self) -> bool:
        return bool(self.counts) and (
            self.clock() - self.last_flush >= self.interval or len(self.counts) >= MAX_KEYS
        )

    def flush(self) -> int:
        """Write what was counted; returns how many counters were written."""
        with self.lock:
            taken, self.counts = self.counts, Counter()
            self.last_flush = self.clock()
        if not taken:
            return 0
        try:
            with self.sessions() as session:
                for key, number in taken.items():
                    _add(session, key, number)
                session.commit()
        except SQLAlchemyError:
            # the database is away: keep the counts for the next try
            with self.lock:
                self.counts.update(taken)
            return 0
        return len(taken)


def _add(session: Session, key: Key, number: int) -> None:
    day, kind, name, alliance, origin = key
    match = and_(
        ReachCount.day == day,
        ReachCount.kind == kind,
        ReachCount.name == name,
        ReachCount.alliance == alliance,
        ReachCount.origin == origin,
    )
    statement = update(ReachCount).where(match).values(count=ReachCount.count + number)
    if session.execute(statement).rowcount:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(
                ReachCount(
                    day=day,
                    kind=ReachKind(kind),
                    name=name,
                    alliance=alliance,
                    origin=origin,
                    count=number,
                )
            )
    except IntegrityError:
        # another worker inserted it meanwhile
        session.execute(statement)


def _flush_if_alive(ref: weakref.ref[ReachCounter]) -> None:
    found = ref()
    if found is not None:
        found.flush()


def counter(app: Flask) -> ReachCounter:
    """The app's counter."""
    found: ReachCounter = app.extensions[EXTENSION]
    return found


def init_app(app: Flask, sessions: sessionmaker[Session]) -> None:
    """Count what the embed routes serve, once the answer is out."""
    reach = ReachCounter(sessions, float(app.config.get("REACH_FLUSH_SECONDS", 60)))
    app.extensions[EXTENSION] = reach
    # a worker that stops writes what it counted; a weak reference lets an app be freed
    atexit.register(_flush_if_alive, weakref.ref(reach))

    def _count_cached(environ: dict[str, Any]) -> None:
        """An answer the response cache gave never reaches the hooks below: count it here,
        from the address alone (the cache only keeps successful GETs)."""
        try:
            endpoint, view_args = app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return
        args = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        served = what_was_served(str(endpoint), dict(view_args), args)
        if served is None:
            return
        kind, name, alliance = served
        reach.add(kind, name, alliance, origin_of(environ.get("HTTP_REFERER")))
        if reach.due():
            reach.flush()

    app.extensions[EXTENSION + ".on_cache_hit"] = _count_cached

    @app.after_request
    def _count(response: Response) -> Response:
        if response.status_code >= 400 or request.method != "GET":
            return response
        served = what_was_served(
            request.endpoint, dict(request.view_args or {}), request.args.to_dict()
        )
        if served is None:
            return response
        kind, name, alliance = served
        reach.add(kind, name, alliance, origin_of(request.headers.get("Referer")))
        if reach.due():
            response.call_on_close(reach.flush)
        return response
