"""The office's SVG charts: well-formed, labelled for screen readers, scaled to the data."""

from __future__ import annotations

from defusedxml import ElementTree as ET

from widget_service.office import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_columns_are_an_image_with_a_title_a_description_and_one_bar_per_value() -> None:
    drawn = charts.columns(
        "Projekte <pro> Monat",
        ["01/26", "02/26", "03/26"],
        [charts.Series("Packt an", [1, 0, 7]), charts.Series("Hält zusammen", [2, 3, 0])],
        description="Packt an: 8; Hält zusammen: 5",
    )
    root = ET.fromstring(drawn)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Projekte <pro> Monat"
    assert desc is not None and desc.text == "Packt an: 8; Hält zusammen: 5"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    bars = [rect for rect in root.iter(f"{SVG}rect") if float(rect.get("height", 0)) > 12]
    heights = sorted(float(rect.get("height", 0)) for rect in bars)
    # the highest value (7) is drawn tallest, on a scale whose top is 10
    assert heights[-1] == max(heights) and 0.65 < heights[-1] / 186 < 0.75
    assert "<script" not in drawn


def test_horizontal_bars_write_each_value_and_shorten_long_names() -> None:
    drawn = charts.hbars("Pro Partner", ["Landkreis Peine", "L" * 60], [4, 1])
    root = ET.fromstring(drawn)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Landkreis Peine" in texts and "4" in texts and "1" in texts
    assert any(text and text.endswith("…") and len(text) == 30 for text in texts)


def test_an_empty_chart_is_still_a_valid_image() -> None:
    root = ET.fromstring(charts.hbars("Nichts", [], []))
    assert root.get("role") == "img"
    ET.fromstring(charts.columns("Leer", [], [charts.Series("a", [])]))
