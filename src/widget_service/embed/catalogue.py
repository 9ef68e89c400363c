"""Which widgets this app serves: the shipped ``widgets/`` folder, or the operator's own
(``WIDGETS_PATH``, laid out the same way), and their templates on the app's Jinja path."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app
from jinja2 import ChoiceLoader, FileSystemLoader

from ..errors import NotFound
from ..shipped import WIDGETS
from ..widget_schema import Settings, Widget, widgets
from .readers import READERS


def widget_folder(app: Flask | None = None) -> Path:
    """The folder the widgets of ``app`` (default: the current one) are read from."""
    configured = (app or current_app).config.get("WIDGETS_PATH")
    return Path(configured).resolve() if configured else WIDGETS


def catalogue() -> dict[str, Widget]:
    """Every widget of the current app, by name, in alphabetical order."""
    return widgets(widget_folder())


def find_widget(name: str) -> Widget:
    """The widget called ``name``; :class:`NotFound` when there is none."""
    found = catalogue().get(name)
    if found is None:
        raise NotFound("widget", name)
    return found


def settings_from(args: Mapping[str, str], name: str) -> Settings:
    """The widget ``name`` with the parameters of ``args`` checked."""
    return find_widget(name).parse(args)


def init_app(app: Flask) -> None:
    """Put the widget folder on the template path: ``<name>/widget.html``."""
    folder = widget_folder(app)
    # a broken declaration stops the start, not a visitor's request
    for widget in widgets(folder).values():
        if widget.reads not in READERS:
            raise ValueError(f"{widget.name}: reads must be one of {sorted(READERS)}")
    app.jinja_loader = ChoiceLoader(
        [loader for loader in (app.jinja_loader,) if loader] + [FileSystemLoader(folder)]
    )
