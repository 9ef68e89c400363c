"""Federation's settings: FETCH_* limits from the environment, and the cache backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from requests_cache.backends.redis import RedisCache
from requests_cache.backends.sqlite import SQLiteCache

from widget_service import create_app
from widget_service.config import ConfigurationError
from widget_service.federation import fetch

STRONG = "s" * 48


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("WIDGETS_ENV", "WIDGETS_DEBUG", "WIDGETS_DATABASE_URL", "WIDGETS_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WIDGETS_SECRET_KEY", STRONG)
    monkeypatch.setenv("WIDGETS_INSTANCE_PATH", str(tmp_path))


def test_the_defaults_are_safe() -> None:
    settings = fetch.settings_from_config(create_app().config)
    assert settings.allow_hosts == frozenset()
    assert 0 < settings.connect_timeout <= 10 and 0 < settings.deadline <= 120
    assert settings.max_bytes == 5 * 1024 * 1024 and settings.max_redirects == 5
    assert settings.user_agent.startswith("widget-service/")


def test_limits_and_allowed_hosts_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIDGETS_FETCH_DEADLINE", "12.5")
    monkeypatch.setenv("WIDGETS_FETCH_MAX_BYTES", "1048576")
    monkeypatch.setenv("WIDGETS_FETCH_ALLOW_HOSTS", "Intranet.Example, [::1] ,")
    monkeypatch.setenv("WIDGETS_PUBLIC_URL", "https://widgets.example/")
    settings = fetch.settings_from_config(create_app().config)
    assert (settings.deadline, settings.max_bytes) == (12.5, 1048576)
    assert settings.allow_hosts == frozenset({"intranet.example", "::1"})
    assert "+https://widgets.example;" in settings.user_agent


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FETCH_DEADLINE", "0"),
        ("FETCH_MAX_BYTES", "-1"),
        ("FETCH_WORKERS", "2.5"),
        ("FETCH_READ_TIMEOUT", '"lang"'),
    ],
)
def test_a_limit_that_is_not_a_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"WIDGETS_{name}", value)
    with pytest.raises(ConfigurationError, match=f"WIDGETS_{name} must be a positive"):
        create_app()


def test_the_cache_is_sqlite_in_the_instance_folder_by_default(tmp_path: Path) -> None:
    app = create_app()
    cache = fetch.make_cache(app.config, app.instance_path)
    try:
        assert isinstance(cache, SQLiteCache)
        assert Path(cache.db_path) == tmp_path / "fetch-cache.sqlite3"
        assert cache.responses.serializer.name == "json"  # never pickle
    finally:
        cache.close()


def test_the_cache_is_redis_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    # the client connects lazily: building the backend needs no server
    monkeypatch.setenv("WIDGETS_REDIS_URL", "redis://127.0.0.1:6399/3")
    app = create_app()
    cache = fetch.make_cache(app.config, app.instance_path)
    assert isinstance(cache, RedisCache)
    assert cache.responses.connection.connection_pool.connection_kwargs["db"] == 3
    assert cache.responses.namespace == "widget-service:fetch"
    assert cache.responses.serializer.name == "json"  # a shared cache must not run code
