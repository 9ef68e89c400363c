"""Widgets as data: each ``widgets/<name>/`` holds ``widget.toml``, ``widget.html``, ``widget.css``.

This module reads the definitions (with the common parameters of ``widgets/common.toml``)
and turns a query string or a loader's ``data-`` attributes into checked values, raising
:class:`InvalidParameter` for a bad one. It imports nothing of Flask.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from .errors import InvalidParameter
from .shipped import WIDGETS
from .text import ALL, CONTROL, is_hex_color, is_slug, whole_number

FOLDER = WIDGETS
TYPES = ("alliance", "slug", "text", "integer", "choice", "color")
MOUNTS = ("shadow", "iframe")
# where the builder takes the options of a slug or text parameter from
OPTION_SOURCES = ("partners", "regions", "fields", "calls", "partner_kinds")
# fullmatch, never "$": "$" also matches before a trailing newline
NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")

Value = str | int | None


@dataclass(frozen=True)
class Parameter:
    """One parameter of a widget: its type, default and limits."""

    name: str
    type: str
    default: Value = None
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0
    max_length: int = 200
    allow_all: bool = True
    # for the builder: the field's label and hint (de, en), where a select takes its options
    # from, the labels of a choice's values, and whether the builder shows it at all
    label: Mapping[str, str] = field(default_factory=dict, compare=False)
    hint: Mapping[str, str] = field(default_factory=dict, compare=False)
    options: str = ""
    choice_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)
    builder: bool = True

    def label_in(self, lang: str) -> str:
        """The builder's label in ``lang`` (German when there is none in ``lang``)."""
        return self.label.get(lang) or self.label.get("de") or self.name

    def choice_label(self, value: str, lang: str) -> str:
        """What the builder shows for one of a choice's values."""
        labels = self.choice_labels.get(value, {})
        return labels.get(lang) or labels.get("de") or value

    def parse(self, raw: str | None) -> Value:
        """The checked value of ``raw`` (``None`` or blank: the default)."""
        # control characters mean nothing in any parameter (and PostgreSQL refuses NUL)
        text = CONTROL.sub("", raw or "").strip()
        if not text:
            if self.required:
                raise InvalidParameter(self.name, "required")
            return self.default
        if self.type == "integer":
            number = whole_number(text)
            if number is None or not self.low <= number <= self.high:
                raise InvalidParameter(self.name, "range", low=self.low, high=self.high)
            return number
        if self.type == "choice":
            if text not in self.choices:
                raise InvalidParameter(self.name, "choice", options=", ".join(self.choices))
            return text
        if self.type == "color":
            if not is_hex_color(text):
                raise InvalidParameter(self.name, "color")
            return text.lower()
        if self.type == "text":
            if len(text) > self.max_length:
                raise InvalidParameter(self.name, "too_long")
            return text
        if not is_slug(text):
            raise InvalidParameter(self.name, "slug")
        if self.type == "alliance" and text == ALL and not self.allow_all:
            raise InvalidParameter(self.name, "one_alliance")
        return text


SNIPPETS = ("loader", "iframe", "fragment", "image", "oembed")
# an image link only where the reader has an image (banners and badges declare it)
DEFAULT_SNIPPETS = ("loader", "iframe", "fragment", "oembed")
SIZE = re.compile(r"[0-9]{1,4}x[0-9]{1,4}")


@dataclass(frozen=True)
class Frame:
    """The first height of the widget's iframe snippet; the loader then sizes it to its content.

    ``height`` pixels, plus ``per_item`` for each of ``limit`` items (at most ``most``); with
    ``item=`` (one record) ``item`` pixels; with ``size_from`` the height of that parameter's
    ``WIDTHxHEIGHT`` value plus ``height``.
    """

    height: int = 150
    per_item: int = 0
    most: int = 2000
    item: int = 0
    size_from: str = ""


@dataclass(frozen=True)
class Widget:
    """A widget definition: what it is called, how the loader mounts it, what it reads."""

    name: str
    label: Mapping[str, str]
    description: Mapping[str, str]
    mount: str
    reads: str
    parameters: Mapping[str, Parameter]
    folder: Path = field(compare=False)
    frame: Frame = field(default_factory=Frame)
    # the snippet forms the builder offers, in this order (SNIPPETS)
    snippets: tuple[str, ...] = DEFAULT_SNIPPETS
    # the common parameters this widget does not use: checked, then ignored, so a set of
    # data- attributes copied from another widget works (CONTRACT: "the same in every form")
    ignored: Mapping[str, Parameter] = field(default_factory=dict)
    # where the builder lists it: lower first, then by name (what webmasters want most first)
    order: int = 100

    @property
    def template(self) -> str:
        """The Jinja name of its template (the widget folder is on the app's template path)."""
        return f"{self.name}/widget.html"

    def parse(self, args: Mapping[str, str]) -> Settings:
        """Check every parameter this widget takes and every common one it ignores.

        Parameters that are neither (another widget's ``size``, a typo) are ignored unchecked.
        """
        values = {name: spec.parse(args.get(name)) for name, spec in self.parameters.items()}
        for name, spec in self.ignored.items():
            spec.parse(args.get(name))
        return Settings(self, values)


@dataclass(frozen=True)
class Settings:
    """A widget with checked parameter values: what one render needs to know."""

    widget: Widget
    values: Mapping[str, Value]

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def number(self, name: str) -> int:
        value = self.values.get(name)
        assert isinstance(value, int), name
        return value

    @property
    def lang(self) -> str:
        return self.text("lang") or "de"

    @property
    def alliance(self) -> str | None:
        """The alliance's slug, or ``None`` for every alliance."""
        value = self.text("alliance")
        return None if value in (None, ALL) else value

    def frame_height(self) -> int:
        """A first height for an iframe snippet, from the widget's ``[frame]`` declaration."""
        frame = self.widget.frame
        if frame.size_from:
            size = self.text(frame.size_from) or "0x0"
            return int(size.split("x")[1]) + frame.height
        if frame.item and self.text("item"):
            return frame.item
        if frame.per_item and "limit" in self.values:
            return min(frame.most, frame.height + frame.per_item * self.number("limit"))
        return frame.height

    def query(self) -> dict[str, str]:
        """The values that differ from their defaults, as query parameters, in schema order."""
        query: dict[str, str] = {}
        for name, parameter in self.widget.parameters.items():
            value = self.values.get(name)
            if value is not None and (value != parameter.default or parameter.required):
                query[name] = str(value)
        return query


def _parameter(name: str, spec: Mapping[str, Any]) -> Parameter:
    kind = spec.get("type")
    if kind not in TYPES:
        raise ValueError(f"parameter {name}: type must be one of {TYPES}, not {kind!r}")
    parameter = Parameter(
        name=name,
        type=kind,
        default=spec.get("default"),
        required=bool(spec.get("required", False)),
        choices=tuple(spec.get("choices", ())),
        low=int(spec.get("min", 0)),
        high=int(spec.get("max", 0)),
        max_length=int(spec.get("max_length", 200)),
        allow_all=bool(spec.get("all", True)),
        label=dict(spec.get("label", {})),
        hint=dict(spec.get("hint", {})),
        options=str(spec.get("options", "")),
        choice_labels={key: dict(value) for key, value in spec.get("choice_labels", {}).items()},
        builder=bool(spec.get("builder", True)),
    )
    if parameter.options and parameter.options not in OPTION_SOURCES:
        raise ValueError(f"parameter {name}: options must be one of {OPTION_SOURCES}")
    if not parameter.allow_all and parameter.default == ALL:
        # one alliance and no default: "all" is what the common definition would give
        parameter = replace(parameter, default=None)
    if kind == "choice" and not parameter.choices:
        raise ValueError(f"parameter {name}: a choice needs choices")
    if parameter.default is not None:
        parameter.parse(str(parameter.default))  # a default must pass its own checks
    return parameter


def _frame(name: str, spec: Mapping[str, Any], parameters: Mapping[str, Parameter]) -> Frame:
    frame = Frame(
        height=int(spec.get("height", 150)),
        per_item=int(spec.get("per_item", 0)),
        most=int(spec.get("max", 2000)),
        item=int(spec.get("item", 0)),
        size_from=str(spec.get("size_from", "")),
    )
    if frame.size_from:
        sized = parameters.get(frame.size_from)
        if sized is None or sized.default is None or not all(map(SIZE.fullmatch, sized.choices)):
            raise ValueError(f"{name}: frame.size_from must name a choice of sizes like 300x250")
    return frame


def _snippets(name: str, declared: Any) -> tuple[str, ...]:
    if declared is None:
        return DEFAULT_SNIPPETS
    unknown = [form for form in declared if form not in SNIPPETS]
    if unknown or not declared:
        raise ValueError(f"{name}: snippets must be some of {SNIPPETS}, not {declared!r}")
    return tuple(declared)


def _load(folder: Path, common: Mapping[str, Mapping[str, Any]]) -> Widget:
    with (folder / "widget.toml").open("rb") as handle:
        spec = tomllib.load(handle)
    own: Mapping[str, Mapping[str, Any]] = spec.get("parameters", {})
    merged: dict[str, dict[str, Any]] = {}
    for name in spec.get("common", []):
        merged[name] = {**common[name], **own.get(name, {})}
    for name, extra in own.items():
        merged.setdefault(name, dict(extra))
    if spec.get("mount") not in MOUNTS:
        raise ValueError(f"{folder.name}: mount must be one of {MOUNTS}")
    for needed in ("widget.html", "widget.css"):
        if not (folder / needed).is_file():
            raise ValueError(f"{folder.name}: {needed} is missing")
    parameters = {name: _parameter(name, merged[name]) for name in merged}
    return Widget(
        name=folder.name,
        label=spec["label"],
        description=spec["description"],
        mount=spec["mount"],
        reads=spec["reads"],
        parameters=parameters,
        folder=folder,
        frame=_frame(folder.name, spec.get("frame", {}), parameters),
        snippets=_snippets(folder.name, spec.get("snippets")),
        ignored={name: _parameter(name, common[name]) for name in common if name not in merged},
        order=int(spec.get("order", 100)),
    )


@cache
def widgets(folder: Path = FOLDER) -> dict[str, Widget]:
    """Every widget defined under ``folder``, by name, in alphabetical order."""
    with (folder / "common.toml").open("rb") as handle:
        common = tomllib.load(handle)
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_dir() and (path / "widget.toml").is_file() and NAME.fullmatch(path.name):
            found[path.name] = _load(path, common)
    return found


@cache
def common_names(folder: Path = FOLDER) -> tuple[str, ...]:
    """The common parameters of ``folder/common.toml``, in the order they are declared."""
    with (folder / "common.toml").open("rb") as handle:
        return tuple(tomllib.load(handle))


def widget(name: str) -> Widget | None:
    """The widget called ``name``, or ``None``."""
    return widgets().get(name)
