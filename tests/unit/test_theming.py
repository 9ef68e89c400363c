"""The widget style sheets' boost: every selector outweighs a host page's class rules."""

from __future__ import annotations

from widget_service.embed.theming import BOOST, boosted, widget_css
from widget_service.shipped import WIDGETS


def test_every_selector_is_boosted_and_declarations_stay() -> None:
    css = ".aw a,.aw :where(ul, ol){color:red}.aw :where(*)::before{all:revert}"
    css += "@media (prefers-color-scheme: dark){.aw.aw-auto .b{--x:1}}"
    assert boosted(css) == (
        f".aw a{BOOST},.aw :where(ul, ol){BOOST}{{color:red}}"
        f".aw :where(*){BOOST}::before{{all:revert}}"
        f"@media (prefers-color-scheme: dark){{.aw.aw-auto .b{BOOST}{{--x:1}}}}"
    )


def test_the_shipped_style_sheets_are_boosted_throughout() -> None:
    for name in ("projects", "events", "partners", "banner", "badge", "submit"):
        css = widget_css(WIDGETS, name)
        assert css.count("{") == css.count("}")
        rules = css.count("}") - css.count("@media")
        selectors = css.count(BOOST)
        assert selectors >= rules, name  # at least one per rule (a list has one per selector)
        assert f"{BOOST}{BOOST}" not in css
