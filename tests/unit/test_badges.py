"""Badges and banners as pure functions: golden files, well-formed SVG, text that fits.

Golden files live in tests/golden/. They are compared, never rewritten, unless the run
says so on purpose: ``WIDGETS_REGENERATE_GOLDEN=1 make test``, then review the diff.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from widget_service.badges import render as badges
from widget_service.badges.render import (
    BANNER_SIZES,
    BannerText,
    Box,
    Theme,
    Tone,
    banner,
    fit,
    flat_badge,
    seal_badge,
    wrap,
)
from widget_service.campaign.logos import alliance_logo
from widget_service.colors import contrast
from widget_service.metrics import bundled_font

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REGENERATE = os.environ.get("WIDGETS_REGENERATE_GOLDEN") == "1"
SVG = "{http://www.w3.org/2000/svg}"

HZ_NAME = "Niedersachsen hält zusammen"
PA_NAME = "Niedersachsen packt an"
LONG_NAMES = [
    "Stadtverwaltung Sehnde",
    "Evangelisch-lutherische Landeskirche Hannovers",
    "DGB Niedersachsen – Bremen – Sachsen-Anhalt",
    "Förderverein für Völkerverständigung und Begegnung Süd-Ost-Niedersachsen e. V.",
    "Gemeinde Ärztehaus Übergangswohnheim Größenwahn",
    "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt",
]
ZUSAMMEN = BannerText(
    alliance=HZ_NAME,
    title="ZUSAMMEN. MEHR.",
    tagline="Erzählen Sie uns Ihre Erfolgsgeschichte!",
    button="Geschichte erzählen",
    link="https://www.niedersachsen-haelt-zusammen.de/mitmachen",
)
LONG_CALL = BannerText(
    alliance="Evangelisch-lutherische Landeskirche Hannovers und Bündnis für Völkerverständigung",
    title="Werden Sie Bündnispartner – gemeinsam für gelingende Integration in Niedersachsen!",
    tagline="Kommunen, Vereine, Kirchen, Gewerkschaften und Unternehmen packen gemeinsam an – "
    "ein Beschluss Ihres Rates oder Vorstands genügt, um Ihr Engagement sichtbar zu machen.",
    button="Jetzt Bündnispartner werden und mitmachen",
    link="https://www.niedersachsen-packt-an.de/mitmachen",
)
PA_LOGO = alliance_logo("niedersachsen-packt-an")
assert PA_LOGO is not None
WITH_LOGO = BannerText(
    alliance=PA_NAME,
    title="ZUSAMMEN. MEHR.",
    tagline="Integration ist gut für uns alle",
    button="Geschichte erzählen",
    link="https://www.niedersachsen-packt-an.de/mitmachen",
    logo=PA_LOGO.svg_body(),
)
LONG_WITH_LOGO = BannerText(**{**LONG_CALL.__dict__, "logo": PA_LOGO.svg_body()})


def _golden_cases() -> dict[str, Callable[[], str]]:
    cases: dict[str, Callable[[], str]] = {
        "flat-light": lambda: flat_badge(
            PA_NAME, "Mitglied seit 2020", brand="#00589c", title="Stadtverwaltung Sehnde"
        ),
        "flat-dark-en": lambda: flat_badge(
            PA_NAME,
            "member since 2020",
            brand="#00589c",
            title="Stadtverwaltung Sehnde",
            theme=Theme.DARK,
            lang="en",
        ),
        "flat-ended": lambda: flat_badge(
            PA_NAME,
            "ehemaliges Mitglied",
            brand="#00589c",
            title="Gemeinde Edemissen",
            tone=Tone.MUTED,
        ),
        # a membership that begins later: says from when, in the brand's colours
        "flat-future": lambda: flat_badge(
            PA_NAME, "Mitglied ab 1. Juni 2027", brand="#00589c", title="Stadtverwaltung Sehnde"
        ),
        "flat-not-found": lambda: flat_badge(
            "Mitgliedschaft", "nicht gefunden", brand=None, title="x", tone=Tone.ALERT
        ),
        "seal-light": lambda: seal_badge(
            HZ_NAME,
            "Evangelisch-lutherische Landeskirche Hannovers",
            "Mitglied seit 2020",
            brand="#c00000",
            title="Landeskirche",
        ),
        "seal-dark": lambda: seal_badge(
            PA_NAME,
            "Stadtverwaltung Sehnde",
            "Mitglied seit 2020",
            brand="#00589c",
            title="Sehnde",
            theme=Theme.DARK,
        ),
        "seal-future-en": lambda: seal_badge(
            PA_NAME,
            "Stadtverwaltung Sehnde",
            "member from 1 June 2027",
            brand="#00589c",
            title="Sehnde",
            lang="en",
        ),
        "seal-ended": lambda: seal_badge(
            PA_NAME,
            "Gemeinde Edemissen",
            "ehemaliges Mitglied",
            brand="#00589c",
            title="Edemissen",
            tone=Tone.MUTED,
        ),
    }
    for size in BANNER_SIZES:
        cases[f"banner-{size}"] = lambda size=size: banner(ZUSAMMEN, size, background="#c00000")
        cases[f"banner-long-{size}"] = lambda size=size: banner(
            LONG_CALL, size, background="#1d5e2f", foreground="#ffffff"
        )
        cases[f"banner-logo-{size}"] = lambda size=size: banner(
            WITH_LOGO, size, background="#00589c"
        )
    return cases


GOLDEN_CASES = _golden_cases()


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_output_matches_its_golden_file(name: str) -> None:
    produced = GOLDEN_CASES[name]()
    path = GOLDEN / f"{name}.svg"
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with WIDGETS_REGENERATE_GOLDEN=1"
    assert produced == path.read_text(encoding="utf-8")


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg", "the SVG namespace is what makes browsers draw it"
    return root


def assert_accessible(svg: str) -> ET.Element:
    root = _parse(svg)
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == label
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") in ("de", "en")
    return root


def _texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


def assert_text_inside(root: ET.Element, margin: float = 0.0) -> None:
    """Every line's drawn extent (its ``textLength``) lies inside the image."""
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    texts = _texts(root)
    assert texts
    for text in texts:
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        length = float(text.get("textLength", 0))
        size = float(text.get("font-size", 0))
        start = x - length / 2 if text.get("text-anchor") == "middle" else x
        assert length > 0 and text.get("lengthAdjust") == "spacingAndGlyphs"
        assert start >= margin - 0.01, (text.text, start)
        assert start + length <= width - margin + 0.01, (text.text, start + length, width)
        assert y - size * 0.8 >= 0 and y + size * 0.25 <= height, (text.text, y)


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_every_image_is_well_formed_and_accessible(name: str) -> None:
    root = assert_accessible(GOLDEN_CASES[name]())
    assert_text_inside(root)


@pytest.mark.parametrize("name", LONG_NAMES)
@pytest.mark.parametrize("theme", list(Theme))
def test_long_names_fit_the_seal(name: str, theme: Theme) -> None:
    svg = seal_badge(HZ_NAME, name, "Mitglied seit 2020", brand="#c00000", title=name, theme=theme)
    root = assert_accessible(svg)
    assert_text_inside(root, margin=badges.SEAL_INSET)
    drawn = " ".join(text.text or "" for text in _texts(root))
    # every word is there: wrapped or shrunk, never cut off
    for word in name.replace("-", "- ").split():
        assert word.rstrip("-") in drawn


@pytest.mark.parametrize("name", LONG_NAMES)
def test_flat_badges_grow_with_their_text(name: str) -> None:
    root = assert_accessible(flat_badge(name, "Mitglied seit 2020", brand=None, title=name))
    assert_text_inside(root)
    first = _texts(root)[0]
    assert first.text == name


@pytest.mark.parametrize("size", sorted(BANNER_SIZES))
@pytest.mark.parametrize(
    "text",
    [ZUSAMMEN, LONG_CALL, WITH_LOGO, LONG_WITH_LOGO],
    ids=["demo", "long", "logo", "long-logo"],
)
def test_banner_texts_fit_every_size(size: str, text: BannerText) -> None:
    spec = BANNER_SIZES[size]
    root = assert_accessible(banner(text, size, background="#00589c"))
    assert (root.get("width"), root.get("height")) == (str(spec.width), str(spec.height))
    assert_text_inside(root, margin=min(spec.padding_x, spec.padding_y) - 0.01)
    logos = list(root.iter(f"{SVG}g"))
    in_logo = {id(child) for g in logos if g.get("class") == "logo" for child in g.iter()}
    plates: list[tuple[float, float, float]] = []
    assert len([g for g in logos if g.get("class") == "logo"]) == (1 if text.logo else 0)
    for g in logos:
        if g.get("class") == "logo":
            plate = g.find(f"{SVG}rect")
            assert plate is not None
            px, py = float(plate.get("x", 0)), float(plate.get("y", 0))
            side = float(plate.get("width", 0))
            # the logo stays inside the banner's padding, above every text line
            assert px >= spec.padding_x - 0.01 and px + side <= spec.width - spec.padding_x
            assert py >= min(spec.padding_x, spec.padding_y) - 0.01
            assert py + side <= spec.height - min(spec.padding_x, spec.padding_y) + 0.01
            plates.append((px, py, side))
    button = [
        rect for rect in root.iter(f"{SVG}rect") if rect.get("rx") and id(rect) not in in_logo
    ]
    assert len(button) == 1
    bx, by = float(button[0].get("x", 0)), float(button[0].get("y", 0))
    bw = float(button[0].get("width", 0))
    assert bx + bw <= spec.width - spec.padding_x + 0.01
    for line in _texts(root):
        if line.get("text-anchor") == "middle":
            continue  # the button's own label
        x, y = float(line.get("x", 0)), float(line.get("y", 0))
        end = x + float(line.get("textLength", 0))
        size_ = float(line.get("font-size", 0))
        for px, py, side in plates:
            apart = (
                end <= px
                or x >= px + side
                or y + size_ * 0.25 <= py
                or y - size_ * 0.8 >= py + side
            )
            assert apart, (line.text, size, "runs into the logo")
        # no line runs into the button: beside it (leaderboard) or above it
        assert end <= bx - 1 if spec.row else y <= by, (line.text, size)
    link = root.find(f"{SVG}g/{SVG}a")
    assert link is not None and link.get("href") == text.link


def test_text_with_characters_xml_forbids_stays_well_formed() -> None:
    svg = flat_badge("A\x00B\x1fC <&> \"'", "x\ufffe", brand="#zzzzzz", title="t\x07<>")
    root = assert_accessible(svg)
    assert _texts(root)[0].text == "ABC <&> \"'"


@pytest.mark.parametrize("theme", list(Theme))
@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize("brand", ["#c00000", "#00589c", "#ffcc00", "#777777", "#e0e0e0", None])
def test_badge_colours_keep_aa_contrast(theme: Theme, tone: Tone, brand: str | None) -> None:
    flat = _parse(flat_badge("Bündnis", "Mitglied", brand=brand, title="t", theme=theme, tone=tone))
    backgrounds = [path.get("fill", "") for path in flat.iter(f"{SVG}path")]
    for background, text in zip(backgrounds, _texts(flat), strict=True):
        assert contrast(background, text.get("fill", "")) >= 4.5
    seal = _parse(
        seal_badge("Bündnis", "Partner", "Mitglied", brand=brand, title="t", theme=theme, tone=tone)
    )
    paper = seal.find(f"{SVG}g/{SVG}rect")
    band = seal.find(f"{SVG}g/{SVG}path")
    assert paper is not None and band is not None
    for text in _texts(seal):
        under = band if float(text.get("y", 0)) < badges.SEAL_BAND else paper
        assert contrast(under.get("fill", ""), text.get("fill", "")) >= 4.5, text.text


@pytest.mark.parametrize("brand", ["#c00000", "#ffcc00", "#777777", "#f0f0f0", "#000000"])
def test_banner_colours_keep_aa_contrast(brand: str) -> None:
    pair = badges.banner_colors(brand, "#888888")
    assert contrast(pair.background, pair.text) >= 4.5


class HalfEm:
    """A fake measurer: every character is half the font size wide."""

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return len(text) * size / 2


def test_wrap_breaks_at_spaces_and_after_hyphens() -> None:
    lines = wrap("Evangelisch-lutherische Landeskirche Hannovers", 60, 10, False, HalfEm())
    assert lines == ["Evangelisch-", "lutherische", "Landeskirche", "Hannovers"]
    assert all(HalfEm().width(line, 10) <= 60 for line in lines)


def test_fit_shrinks_before_it_squeezes_and_balances_lines() -> None:
    fitted = fit("Niedersachsen packt an", Box(100, 40, 14, 8, max_lines=2), HalfEm())
    assert fitted.lines == ("Niedersachsen", "packt an") and not fitted.squeezed
    assert fitted.size == 14 or fitted.height <= 40
    smaller = fit("Niedersachsen packt an", Box(100, 12, 14, 8, max_lines=1), HalfEm())
    assert smaller.lines == ("Niedersachsen packt an",) and smaller.size < 14
    assert max(smaller.widths) <= 100 and not smaller.squeezed


def test_fit_squeezes_only_as_a_last_resort_and_loses_no_text() -> None:
    text = "Donaudampfschifffahrtsgesellschaftskapitän und Ehefrau"
    fitted = fit(text, Box(50, 10, 10, 8, max_lines=1), HalfEm())
    assert fitted.squeezed and fitted.size == 8
    assert fitted.lines == (text,)
    assert fitted.widths == (50,)


def test_bundled_font_measures_real_widths() -> None:
    font = bundled_font()
    # Liberation Sans has Arial's advance widths: "M" is 0.833 em, "i" 0.222 em
    assert font.width("M", 1000) == pytest.approx(833, abs=1)
    assert font.width("i", 1000) == pytest.approx(222, abs=1)
    assert font.width("Ü", 11) == font.width("U", 11)
    assert font.width("Mitglied", 11, bold=True) > font.width("Mitglied", 11)
    assert font.covers("Größe Ærø Łódź") and not font.covers("中文")


def test_a_legal_form_is_never_split_across_lines() -> None:
    name = "Förderverein für Völkerverständigung und Begegnung Süd-Ost-Niedersachsen e. V."
    measurer = bundled_font()
    for width in range(60, 400, 7):
        lines = wrap(name, width, 12, False, measurer)
        assert not any(line.endswith(" e.") or line.endswith("e.") for line in lines), lines
        assert not any(line.startswith("V.") for line in lines), lines
