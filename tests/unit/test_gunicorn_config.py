"""The shipped gunicorn settings: one thread per worker process (see docs/operations.md)."""

from __future__ import annotations

import runpy

from tests.gunicorn_support import CONFIG


def test_workers_are_processes_with_one_thread_each() -> None:
    settings = runpy.run_path(str(CONFIG))
    assert settings["worker_class"] == "sync"
    assert settings["threads"] == 1
    assert settings["workers"] >= 2


def test_the_access_log_carries_no_query_string_or_referrer() -> None:
    log_format = runpy.run_path(str(CONFIG))["access_log_format"]
    assert "%(U)s" in log_format
    assert "%(q)s" not in log_format
    assert "%(r)s" not in log_format
    assert "%(f)s" not in log_format
