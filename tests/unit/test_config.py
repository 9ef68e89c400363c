"""Configuration order and the refusal to run unsafely outside development."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from widget_service import create_app, db
from widget_service.config import ConfigurationError

STRONG = "s" * 48


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("WIDGETS_SECRET_KEY", "WIDGETS_ENV", "WIDGETS_DEBUG", "WIDGETS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WIDGETS_INSTANCE_PATH", str(tmp_path))


def test_production_refuses_a_missing_secret() -> None:
    with pytest.raises(ConfigurationError, match="WIDGETS_SECRET_KEY must be set"):
        create_app()


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGETS_SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="at least 32"):
        create_app()


def test_production_refuses_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGETS_SECRET_KEY", STRONG)
    monkeypatch.setenv("WIDGETS_DEBUG", "true")
    with pytest.raises(ConfigurationError, match="debugger"):
        create_app()


def test_production_starts_with_a_strong_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGETS_SECRET_KEY", STRONG)
    app = create_app()
    assert app.config["SECRET_KEY"] == STRONG
    assert app.config["ENV"] == "production"


def test_development_keeps_a_generated_secret_in_the_instance_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WIDGETS_ENV", "development")
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 48
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_order_defaults_then_instance_file_then_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "config.py").write_text(
        f"SECRET_KEY = {STRONG!r}\nSITE_NAME = 'Aus der Datei'\nPUBLIC_URL = 'https://datei.example/'\n"
    )
    monkeypatch.setenv("WIDGETS_PUBLIC_URL", "https://widgets.example.org/")
    app = create_app()
    assert app.config["SITE_NAME"] == "Aus der Datei"
    assert app.config["PUBLIC_URL"] == "https://widgets.example.org"
    assert app.config["DATABASE_URL"] == "sqlite:///" + str(tmp_path / "widgets.sqlite3")


def test_lists_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGETS_SECRET_KEY", STRONG)
    monkeypatch.setenv("WIDGETS_FETCH_ALLOW_HOSTS", "feeds.peine.example, intranet.local")
    app = create_app()
    assert app.config["FETCH_ALLOW_HOSTS"] == ["feeds.peine.example", "intranet.local"]


def test_unknown_environment_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGETS_ENV", "staging")
    with pytest.raises(ConfigurationError, match="WIDGETS_ENV must be one of"):
        create_app()


def test_widgets_path_from_the_environment_names_the_widget_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from widget_service.embed.catalogue import widget_folder
    from widget_service.shipped import WIDGETS

    shutil.copytree(WIDGETS, tmp_path / "own")
    monkeypatch.setenv("WIDGETS_SECRET_KEY", STRONG)
    monkeypatch.setenv("WIDGETS_PATH", str(tmp_path / "own"))
    app = create_app()
    assert app.config["WIDGETS_PATH"] == str(tmp_path / "own")
    assert widget_folder(app) == (tmp_path / "own").resolve()
    with app.app_context():
        db.engine().dispose()


def test_widgets_path_must_be_a_widget_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WIDGETS_SECRET_KEY", STRONG)
    monkeypatch.setenv("WIDGETS_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigurationError, match="WIDGETS_PATH must name a folder"):
        create_app()
