"""The pure checks every layer shares: whole values only, ASCII digits only."""

from __future__ import annotations

import pytest

from widget_service import text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("stadt-sehnde", True),
        ("a", True),
        ("a" * 80, True),
        ("a" * 81, False),
        ("stadt-sehnde\n", False),
        ("Stadt-Sehnde", False),
        ("-sehnde", False),
        ("sehnde-", False),
        ("stadt--sehnde", False),
        ("", False),
        ("straße", False),
    ],
)
def test_is_slug(value: str, expected: bool) -> None:
    assert text.is_slug(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("20", 20),
        ("007", 7),
        ("²", None),
        ("\u0663", None),
        ("5\n", None),
        (" 5", None),
        ("-1", None),
        ("1e3", None),
        ("", None),
        ("9" * 19, None),
    ],
)
def test_whole_number_takes_ascii_digits_only(value: str, expected: int | None) -> None:
    assert text.whole_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#c00000", True),
        ("#C0C0C0", True),
        ("#c00000\n", False),
        ("#fff", False),
        ("c00000", False),
    ],
)
def test_is_hex_color(value: str, expected: bool) -> None:
    assert text.is_hex_color(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.sehnde.de/", True),
        ("HTTP://example.org/a?b=c#d", True),
        ("https://www.sehnde.de/\n", False),
        ("https://", False),
        ("https:///path", False),
        ("javascript:alert(1)", False),
        ("ftp://example.org/", False),
        ("https://exa mple.org/", False),
    ],
)
def test_is_http_url(value: str, expected: bool) -> None:
    assert text.is_http_url(value) is expected


def test_control_characters() -> None:
    assert text.has_control("a\x00b") and text.has_control("a\nb") and text.has_control("\x7f")
    assert not text.has_control("Sehnde – Landkreis Peine")
    # stored text keeps tabs and line breaks, loses the rest and lone surrogates
    assert text.without_control("a\tb\nc\r\x00d\x1fe\ud800f") == "a\tb\nc\rdef"


def test_fitting_keeps_a_value_whole_or_not_at_all() -> None:
    assert text.fitting('"abc"', 5) == '"abc"'
    assert text.fitting('"abcd"', 5) is None  # a cut ETag would never match again
    assert text.fitting(None, 5) is None


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("Sprachcafé im Rathaus", 30, "Sprachcafé im Rathaus"),
        ("Sprachcafé im Rathaus", 21, "Sprachcafé im Rathaus"),
        ("Sprachcafé im Rathaus", 20, "Sprachcafé im…"),
        ("Sprachcafé im Rathaus", 14, "Sprachcafé im…"),
        ("Sprachcafé im Rathaus", 13, "Sprachcafé…"),
        # a word that fills all the room is cut inside
        ("Donaudampfschifffahrt", 10, "Donaudamp…"),
        ("Eins  zwei\n\ndrei", 12, "Eins  zwei…"),
    ],
)
def test_shorten_cuts_between_words(value: str, limit: int, expected: str) -> None:
    assert text.shorten(value, limit) == expected
    assert len(text.shorten(value, limit)) <= limit


def test_single_line() -> None:
    assert text.is_single_line("Stadt Sehnde – Landkreis Peine")
    for breaking in ("\n", "\r", "\t", "\x00", "\x85", "\u2028", "\u2029", "\x7f"):
        assert not text.is_single_line(f"Stadt{breaking}Sehnde"), repr(breaking)


def test_slugify_lives_with_the_other_text_helpers() -> None:
    assert text.slugify("Gemeinde Lüneburger Heide – Süd") == "gemeinde-lueneburger-heide-sued"
    assert len(text.slugify("Wort " * 40)) <= text.MAX_SLUG
