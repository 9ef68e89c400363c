"""Prometheus metrics: the one module that imports ``prometheus_client``.

Request counters and latency histograms live in each worker process. Under gunicorn every
worker writes them to files in ``PROMETHEUS_MULTIPROC_DIR`` (set by deploy/gunicorn.conf.py)
and a scrape, answered by any one worker, adds up all of them; without that folder (the
development server, tests) they are the process's own. The state of the service — mail
queue, moderation queue, sources — is read from the database at each scrape, so every
worker reports the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# not registered in the library's global registry: each scrape builds its own (below)
REQUESTS = Counter(
    "widgets_http_requests",
    "Requests answered, by route class, method and status code.",
    ["route_class", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "widgets_http_request_duration_seconds",
    "Time from receiving a request to its response, by route class.",
    ["route_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
RESPONSE_CACHE = Counter(
    "widgets_response_cache_lookups",
    "Lookups in the response cache, by route class and result (hit or miss).",
    ["route_class", "result"],
    registry=None,
)
PROCESS_METRICS = (REQUESTS, LATENCY, RESPONSE_CACHE)


def observe_request(route_class: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route_class, method, str(status)).inc()
    LATENCY.labels(route_class).observe(seconds)


def observe_cache(route_class: str, *, hit: bool) -> None:
    RESPONSE_CACHE.labels(route_class, "hit" if hit else "miss").inc()


@dataclass(frozen=True)
class Gauge:
    """One value of the service's state, read at scrape time."""

    name: str
    documentation: str
    labels: tuple[str, ...]
    samples: tuple[tuple[tuple[str, ...], float], ...]


class _StateCollector(Collector):
    def __init__(self, read: Callable[[], Iterable[Gauge]]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        for gauge in self._read():
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=gauge.labels)
            for values, value in gauge.samples:
                family.add_metric(list(values), value)
            yield family


def exposition(state: Callable[[], Iterable[Gauge]]) -> bytes:
    """The text a scrape gets: the processes' counters and the state read now."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in PROCESS_METRICS:
            registry.register(metric)
    registry.register(_StateCollector(state))
    return generate_latest(registry)


def worker_exited(pid: int) -> None:
    """Forget a dead worker's live gauges (gunicorn's ``child_exit`` hook calls this)."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
