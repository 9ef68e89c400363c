"""The widget definitions and their parameter checks (no Flask, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from widget_service.colors import WHITE, contrast, lighten_until
from widget_service.errors import InvalidParameter
from widget_service.shipped import WIDGETS, shipped_folder
from widget_service.widget_schema import FOLDER, Parameter, widget, widgets

COMMON = ["alliance", "partner", "region", "field", "limit", "theme", "lang", "title", "accent"]


def test_every_widget_of_the_contract_is_defined_with_its_files() -> None:
    assert set(widgets()) == {"projects", "events", "partners", "banner", "badge", "submit"}
    for item in widgets().values():
        assert (item.folder / "widget.html").is_file() and (item.folder / "widget.css").is_file()
        assert set(item.label) == {"de", "en"} and set(item.description) == {"de", "en"}


def test_list_widgets_take_the_common_parameters_with_the_contract_defaults() -> None:
    for name in ("projects", "events"):
        parameters = widgets()[name].parameters
        assert {*COMMON, "layout"} <= set(parameters)
        assert parameters["limit"].low == 1 and parameters["limit"].high == 50
        assert parameters["limit"].default == 5
        assert parameters["theme"].choices == ("light", "dark", "auto")
        assert parameters["lang"].choices == ("de", "en") and parameters["lang"].default == "de"
        assert parameters["layout"].choices == ("list", "cards", "compact")
        assert parameters["alliance"].default == "all"


def test_banner_and_badge_take_their_own_parameters() -> None:
    banner = widgets()["banner"].parameters
    assert banner["size"].choices == (
        "728x90",
        "300x250",
        "160x600",
        "1200x630",
        "1080x1080",
        "1080x1920",
    )
    assert banner["call"].required and banner["alliance"].required
    assert banner["alliance"].default is None
    badge = widgets()["badge"].parameters
    assert badge["partner"].required and "style" in badge


def test_each_widget_checks_the_common_parameters_it_does_not_use() -> None:
    common = {*COMMON, "layout"}
    for item in widgets().values():
        assert set(item.ignored) == common - set(item.parameters), item.name
    assert set(widgets()["badge"].ignored) == {"region", "field", "limit", "title", "layout"}
    badge = widgets()["badge"]
    settings = badge.parse({"alliance": "a", "partner": "b", "limit": "5", "layout": "cards"})
    assert "limit" not in settings.values and "layout" not in settings.values
    assert settings.query() == {"alliance": "a", "partner": "b"}
    with pytest.raises(InvalidParameter) as raised:
        badge.parse({"alliance": "a", "partner": "b", "layout": "grid"})
    assert raised.value.name == "layout"
    # a parameter of another widget, or one nobody knows, is not checked
    badge.parse({"alliance": "a", "partner": "b", "size": "1x1", "colour": "red"})


def test_only_the_submit_form_mounts_as_an_iframe() -> None:
    assert {name for name, item in widgets().items() if item.mount == "iframe"} == {"submit"}


def test_defaults_apply_to_missing_and_blank_values() -> None:
    settings = widgets()["projects"].parse({"limit": "", "theme": "  "})
    assert settings.values["limit"] == 5
    assert settings.values["theme"] == "light"
    assert settings.alliance is None
    assert settings.lang == "de"
    assert settings.query() == {}


def test_values_are_checked_and_kept() -> None:
    settings = widgets()["events"].parse(
        {
            "alliance": "niedersachsen-packt-an",
            "limit": "12",
            "accent": "#C00000",
            "title": "Termine",
            "lang": "en",
            "unknown": "ignored",
        }
    )
    assert settings.alliance == "niedersachsen-packt-an"
    assert settings.number("limit") == 12
    assert settings.text("accent") == "#c00000"
    assert settings.lang == "en"
    assert "unknown" not in settings.values
    assert settings.query() == {
        "alliance": "niedersachsen-packt-an",
        "limit": "12",
        "lang": "en",
        "title": "Termine",
        "accent": "#c00000",
    }


@pytest.mark.parametrize(
    ("name", "args", "parameter", "problem"),
    [
        ("projects", {"limit": "0"}, "limit", "range"),
        ("projects", {"limit": "51"}, "limit", "range"),
        ("projects", {"limit": "five"}, "limit", "range"),
        ("projects", {"limit": "-3"}, "limit", "range"),
        # isdigit() is true for these, but int() refuses "²" and reads "٣" and "１"
        ("projects", {"limit": "²"}, "limit", "range"),
        ("projects", {"limit": "٣"}, "limit", "range"),
        ("projects", {"limit": "１"}, "limit", "range"),
        ("projects", {"theme": "pink"}, "theme", "choice"),
        ("projects", {"lang": "fr"}, "lang", "choice"),
        ("projects", {"layout": "grid"}, "layout", "choice"),
        ("projects", {"accent": "red"}, "accent", "color"),
        ("projects", {"accent": "#12345"}, "accent", "color"),
        ("projects", {"title": "x" * 121}, "title", "too_long"),
        ("projects", {"region": "x" * 201}, "region", "too_long"),
        ("projects", {"alliance": "Not A Slug"}, "alliance", "slug"),
        ("projects", {"partner": "a--b"}, "partner", "slug"),
        ("projects", {"field": "x" * 81}, "field", "slug"),
        ("partners", {"kind": "club"}, "kind", "choice"),
        ("banner", {"alliance": "niedersachsen-packt-an"}, "call", "required"),
        ("banner", {"call": "partner-werden"}, "alliance", "required"),
        ("banner", {"alliance": "all", "call": "x"}, "alliance", "one_alliance"),
        ("banner", {"alliance": "a", "call": "x", "size": "100x100"}, "size", "choice"),
        ("badge", {"alliance": "a"}, "partner", "required"),
        ("badge", {"alliance": "a", "partner": "b", "style": "round"}, "style", "choice"),
        ("submit", {"alliance": "all"}, "alliance", "one_alliance"),
    ],
)
def test_bad_values_raise_invalid_parameter(
    name: str, args: dict[str, str], parameter: str, problem: str
) -> None:
    found = widget(name)
    assert found is not None
    with pytest.raises(InvalidParameter) as raised:
        found.parse(args)
    assert (raised.value.name, raised.value.problem) == (parameter, problem)


def test_a_bad_default_in_a_definition_is_refused(tmp_path: Path) -> None:
    (tmp_path / "common.toml").write_text('[limit]\ntype = "integer"\nmin = 1\nmax = 3\n')
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "widget.html").write_text("")
    (folder / "widget.css").write_text("")
    (folder / "widget.toml").write_text(
        'label = {de = "x", en = "x"}\ndescription = {de = "x", en = "x"}\n'
        'mount = "shadow"\nreads = "projects"\ncommon = ["limit"]\n'
        "[parameters.limit]\ndefault = 9\n"
    )
    with pytest.raises(InvalidParameter):
        widgets(tmp_path)


def _definition(folder: Path) -> None:
    folder.mkdir()
    (folder / "widget.html").write_text("")
    (folder / "widget.css").write_text("")
    (folder / "widget.toml").write_text(
        'label = {de = "x", en = "x"}\ndescription = {de = "x", en = "x"}\n'
        'mount = "shadow"\nreads = "projects"\ncommon = []\n'
    )


def test_a_folder_name_with_a_trailing_newline_is_no_widget(tmp_path: Path) -> None:
    (tmp_path / "common.toml").write_text("")
    _definition(tmp_path / "clock")
    _definition(tmp_path / "clock\n")
    assert list(widgets(tmp_path)) == ["clock"]


def test_the_real_definitions_folder_is_the_shipped_one() -> None:
    assert FOLDER == WIDGETS
    assert (FOLDER / "common.toml").is_file() and (FOLDER / "projects" / "widget.toml").is_file()


def test_a_wheel_carries_the_folder_inside_the_package_and_a_checkout_at_its_top(
    tmp_path: Path,
) -> None:
    package = tmp_path / "src" / "widget_service"
    package.mkdir(parents=True)
    assert shipped_folder("widgets", package) == tmp_path / "widgets"
    (package / "widgets").mkdir()
    assert shipped_folder("widgets", package) == package / "widgets"


def test_control_characters_are_dropped() -> None:
    args = {"region": "\x00Region\x01 Hannover\x7f", "title": "\x00"}
    settings = widgets()["projects"].parse(args)
    assert settings.text("region") == "Region Hannover"
    assert settings.text("title") is None


def test_a_parameter_parses_its_type() -> None:
    number = Parameter("limit", "integer", default=5, low=1, high=50)
    assert number.parse("50") == 50
    assert number.parse(None) == 5


@pytest.mark.parametrize("color", ["#005ea8", "#c00000", "#ffbf47", "#1d5e2f", "#000000"])
def test_lighten_until_reaches_aa_on_dark(color: str) -> None:
    lighter = lighten_until(color, "#20262c")
    assert contrast(lighter, "#20262c") >= 4.5
    assert lighten_until("#ffffff", "#000000") == WHITE


@pytest.mark.parametrize(
    ("name", "args", "height"),
    [
        ("projects", {}, 130 + 170 * 5),
        ("projects", {"limit": "50"}, 2000),
        ("projects", {"alliance": "a", "item": "one"}, 320),
        ("events", {"limit": "2"}, 130 + 150 * 2),
        ("partners", {"limit": "10"}, 130 + 50 * 10),
        ("banner", {"alliance": "a", "call": "c", "size": "728x90"}, 110),
        ("banner", {"alliance": "a", "call": "c"}, 270),
        ("badge", {"alliance": "a", "partner": "p"}, 150),
        ("submit", {"alliance": "a"}, 420),
    ],
)
def test_the_frame_height_follows_the_declaration(
    name: str, args: dict[str, str], height: int
) -> None:
    assert widgets()[name].parse(args).frame_height() == height


def test_the_snippet_forms_are_declared() -> None:
    offered = {name: item.snippets for name, item in widgets().items()}
    assert offered["banner"] == ("loader", "iframe", "fragment", "image", "oembed")
    assert offered["badge"] == offered["banner"]
    assert offered["projects"] == ("loader", "iframe", "fragment", "oembed")


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('snippets = ["loader", "telegram"]\n', "snippets must be some of"),
        ('[frame]\nsize_from = "limit"\n', "size_from must name a choice of sizes"),
    ],
)
def test_a_bad_frame_or_snippet_declaration_is_refused(
    tmp_path: Path, extra: str, problem: str
) -> None:
    (tmp_path / "common.toml").write_text('[limit]\ntype = "integer"\nmin = 1\nmax = 3\n')
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "widget.html").write_text("")
    (folder / "widget.css").write_text("")
    (folder / "widget.toml").write_text(
        'label = {de = "x", en = "x"}\ndescription = {de = "x", en = "x"}\n'
        'mount = "shadow"\nreads = "projects"\ncommon = ["limit"]\n' + extra
    )
    with pytest.raises(ValueError, match=problem):
        widgets(tmp_path)
