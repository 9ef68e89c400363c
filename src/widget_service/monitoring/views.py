"""``/metrics``: the Prometheus exposition, for the allowed addresses only."""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from werkzeug.wrappers import Response

from .. import db
from ..http import cache_policy
from ..timeutil import utcnow
from .access import may_read_metrics
from .content import mail_queue, moderation_queue, sources
from .prometheus import CONTENT_TYPE, Gauge, exposition


def _state() -> Iterator[Gauge]:
    """The database's state, or only that it is down: a scrape never fails for an outage."""
    now = utcnow()
    try:
        with current_app.extensions[db.EXTENSION]() as session:
            gauges = [*mail_queue(session, now), *moderation_queue(session, now), *sources(session)]
    except db.OUTAGES as error:
        current_app.logger.warning("Metrics without the database's state: %s", error)
        gauges = []
        up = 0.0
    else:
        up = 1.0
    yield Gauge("widgets_database_up", "1 when the database answered this scrape.", (), (((), up),))
    yield from gauges


@cache_policy("none")
def metrics() -> Response:
    if not may_read_metrics(current_app.config["METRICS_ALLOW"]):
        return Response(
            "Metrics are served only to the addresses in WIDGETS_METRICS_ALLOW.\n",
            status=403,
            mimetype="text/plain",
        )
    return Response(exposition(_state), content_type=CONTENT_TYPE)
