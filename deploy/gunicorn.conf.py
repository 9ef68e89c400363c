"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

One thread per worker process (the sync worker), several processes. The earlier setting
— gthread with four threads per process — let workers die with SIGSEGV under concurrent
requests on CPython 3.11: memory corruption inside the interpreter while several threads
of one process ran the request code (reproduced in one process with 16 threads on 3.11.7,
in about one run of 1,600 requests in four; not on 3.12.1 in 12 runs, with the same code
and wheels; also with psycopg's pure-Python implementation, without SQLAlchemy's and
MarkupSafe's compiled speedups, so not theirs). Processes share nothing, so none of that
can happen here. Slow clients are buffered by the proxy in front (deploy/nginx.conf), the
arrangement gunicorn recommends for sync workers. See docs/operations.md#workers.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("WIDGETS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WIDGETS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
threads = 1
timeout = 30
graceful_timeout = 20
# restart workers now and then so a slow leak cannot grow without bound — rarely: a new
# worker takes about 2 s to import the app and starts with an empty response cache, so at
# 5,000 requests a worker answering warm requests at ~2,000/s spent half its time booting
max_requests = 200_000
max_requests_jitter = 20_000
forwarded_allow_ips = os.environ.get("WIDGETS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# no query strings and no referrers: they can carry what visitors typed
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
errorlog = "-"

if os.environ.get("WIDGETS_LOG_FORMAT", "").lower() == "json":
    # the service writes its own JSON access line (route, status, duration; no address)
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "widget_service.monitoring.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        },
    }

# /metrics adds up the counters of all workers from files in one folder (prometheus_client's
# multiprocess mode). The master names it before any worker imports the application.
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server: object) -> None:
    """Give the workers a metrics folder; counters start from zero with the master."""
    folder = os.environ.get(METRICS_DIR)
    if folder:
        for leftover in Path(folder).glob("*.db"):
            leftover.unlink()
    else:
        os.environ[METRICS_DIR] = tempfile.mkdtemp(prefix="widget-service-metrics-")
        os.environ["WIDGETS_METRICS_DIR_OWNED"] = "1"


def child_exit(server: object, worker: Any) -> None:
    """A worker that exited leaves its counters; its live gauges are dropped."""
    from widget_service.monitoring.prometheus import worker_exited

    worker_exited(worker.pid)


def on_exit(server: object) -> None:
    """Remove the metrics folder the master made for itself."""
    if os.environ.pop("WIDGETS_METRICS_DIR_OWNED", None):
        shutil.rmtree(os.environ[METRICS_DIR], ignore_errors=True)
