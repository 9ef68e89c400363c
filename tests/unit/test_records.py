"""Checking the import format without a database: every problem named by record, field, line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import String

from widget_service import models
from widget_service.records import (
    SCHEMAS,
    Checker,
    ImportFileError,
    Invalid,
    Problems,
    check_document,
    load_json,
    read_partner_csv,
    slugify,
)


def _problems(document: dict[str, object]) -> list[str]:
    problems = Problems()
    check_document(document, problems)
    return problems.items


def test_a_valid_document_has_no_problems() -> None:
    document = {
        "alliances": [
            {
                "slug": "niedersachsen-packt-an",
                "name": "Niedersachsen packt an",
                "color": "#C00000",
                "fields": [{"slug": "sprachfoerderung", "label": {"de": "Sprachförderung"}}],
            }
        ],
        "projects": [
            {
                "alliance": "niedersachsen-packt-an",
                "slug": "sprachcafe",
                "title": "Sprachcafé",
                "published": "2020-11-02T10:00:00+01:00",
                "status": "published",
            }
        ],
    }
    problems = Problems()
    records = check_document(document, problems)
    assert problems.items == []
    assert [record.section for record in records] == ["alliances", "projects"]
    assert records[0].values["color"] == "#c00000"
    assert records[0].values["fields"][0]["label"] == {
        "de": "Sprachförderung",
        "en": "Sprachförderung",
    }


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"starts": "3.12.2026 18 Uhr"}, "events[0].starts: not an ISO 8601 date-time"),
        ({"starts": "2026-12-03"}, "events[0].starts: not an ISO 8601 date-time"),
        ({"starts": 20261203}, "events[0].starts: not an ISO 8601 date-time"),
        ({"starts": None}, "events[0].starts: must not be empty"),
        ({"ends": "2026-12-03T17:00:00+01:00"}, "events[0].ends: is before starts"),
        (
            {"online": "javascript:alert(1)"},
            "events[0].online: must be an absolute http or https address",
        ),
        ({"slug": "Bad Slug"}, "events[0].slug: must be a slug"),
        ({"slug": "fachtag\n"}, "events[0].slug: must be a slug"),
        ({"status": "live"}, "events[0].status: must be one of pending, published"),
        ({"title": "   "}, "events[0].title: must not be empty"),
        ({"title": "x" * 301}, "events[0].title: is longer than 300 characters"),
        ({"colour": "#fff"}, "events[0].colour: unknown field"),
        ({"fields": "sprachfoerderung"}, "events[0].fields: must be a list of slugs"),
        ({"timezone": "Berlin"}, "events[0].timezone: must be a time zone such as Europe/Berlin"),
    ],
)
def test_each_bad_value_names_record_and_field(record: dict[str, object], expected: str) -> None:
    event = {
        "alliance": "niedersachsen-packt-an",
        "slug": "fachtag",
        "title": "Fachtag",
        "starts": "2026-12-03T18:00:00+01:00",
        **record,
    }
    problems = _problems({"events": [event]})
    assert len(problems) == 1
    assert problems[0].startswith(expected), problems


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    problems = _problems(
        {
            "partners": [
                {"slug": "ok", "name": "OK", "kind": "church"},
                {"slug": "x", "name": "X", "kind": "castle", "ags": "1234"},
            ],
            "memberships": [{"alliance": "a", "partner": "ok", "since": "07.10.2020"}],
            "projekte": [],
        }
    )
    assert problems == [
        "line 1: projekte: unknown section; expected one of alliances, partners, memberships, "
        "projects, events, calls, sources",
        "partners[1].kind: must be one of municipality, district, association, church, union, "
        "company, initiative, person",
        "partners[1].ags: must be the 8-digit Amtlicher Gemeindeschlüssel",
        "memberships[0].since: not an ISO 8601 date (2020-10-07)",
    ]


def test_missing_keys_and_duplicates() -> None:
    problems = _problems(
        {
            "projects": [
                {"title": "ohne Schlüssel"},
                {"alliance": "a", "slug": "p", "title": "eins"},
                {"alliance": "a", "slug": "p", "title": "zwei"},
            ]
        }
    )
    assert problems == [
        "projects[0].alliance: is required",
        "projects[0].slug: is required",
        "projects[2]: the same record as projects[1]",
    ]


def test_sections_must_be_lists_of_objects() -> None:
    assert _problems({"partners": {"slug": "x"}}) == ["partners: must be a list of objects"]
    assert _problems({"partners": ["x"]}) == ["partners[0]: must be an object"]


def test_alliance_fields_are_checked() -> None:
    problems = _problems(
        {
            "alliances": [
                {
                    "slug": "a",
                    "name": "A",
                    "fields": [
                        {"slug": "eins", "label": {"de": "Eins"}},
                        {"slug": "eins", "label": {"de": "Nochmal"}},
                    ],
                }
            ]
        }
    )
    assert problems == ["alliances[0].fields[1].slug: 'eins' appears twice"]
    assert _problems({"alliances": [{"slug": "a", "name": "A", "fields": [{"slug": "x"}]}]}) == [
        "alliances[0].fields[0].label: "
        'must be {"de": "…", "en": "…"} with at least the German label'
    ]


def test_html_fields_are_sanitised_on_the_way_in() -> None:
    problems = Problems()
    records = check_document(
        {
            "projects": [
                {"alliance": "a", "slug": "p", "title": "T", "body": "<p>x</p><script>y</script>"}
            ]
        },
        problems,
    )
    assert records[0].values["body"] == "<p>x</p>"


def test_json_problems_carry_the_line_of_their_record() -> None:
    text = json.dumps(
        {
            "projects": [
                {"alliance": "a", "slug": "ok", "title": "OK"},
                {"alliance": "a", "slug": "bad", "title": "Bad", "published": "gestern"},
            ]
        },
        indent=2,
    )
    data = load_json(text)
    problems = Problems()
    check_document(data, problems)
    # the record's "{" stands two lines above its "slug"
    bad_line = _line_of('"slug": "bad"', text) - 2
    assert problems.items == [f"line {bad_line}: projects[1].published: not an ISO 8601 date-time"]


def _line_of(needle: str, text: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_broken_json_names_line_and_column() -> None:
    with pytest.raises(ImportFileError, match=r"line 3, column 1: not valid JSON"):
        load_json('{\n  "partners": [\n}')
    with pytest.raises(ImportFileError, match="one JSON object"):
        load_json("[1, 2]")


CSV_SEMICOLON = (
    "\ufeffName;Art;Ort;Landkreis;AGS;Website;Mitglied seit;Beschluss\n"
    "Landkreis Peine;Landkreis;Peine;Landkreis Peine;;https://www.landkreis-peine.de;07.10.2020;"
    '"Kreistag, Beschlussvorlage 2020/740, 07.10.2020"\n'
    "Stadtverwaltung Sehnde;Kommune;Sehnde;Region Hannover;03241020;;2020-11-02;\n"
    "\n"
)


def test_partner_csv_as_german_spreadsheets_export_it() -> None:
    document = read_partner_csv(CSV_SEMICOLON.encode("utf-8"), alliance="niedersachsen-packt-an")
    assert document["partners"] == [
        {
            "slug": "landkreis-peine",
            "name": "Landkreis Peine",
            "kind": "district",
            "place": "Peine",
            "region": "Landkreis Peine",
            "website": "https://www.landkreis-peine.de",
        },
        {
            "slug": "stadtverwaltung-sehnde",
            "name": "Stadtverwaltung Sehnde",
            "kind": "municipality",
            "place": "Sehnde",
            "region": "Region Hannover",
            "ags": "03241020",
        },
    ]
    assert document["memberships"][0] == {
        "alliance": "niedersachsen-packt-an",
        "partner": "landkreis-peine",
        "since": "2020-10-07",
        "resolution": "Kreistag, Beschlussvorlage 2020/740, 07.10.2020",
    }
    assert document["memberships"][1]["since"] == "2020-11-02"


def test_partner_csv_with_commas_and_without_bom() -> None:
    raw = b"name,kind,place\nBistum Hildesheim,church,Hildesheim\n"
    document = read_partner_csv(raw)
    assert document == {
        "partners": [
            {
                "slug": "bistum-hildesheim",
                "name": "Bistum Hildesheim",
                "kind": "church",
                "place": "Hildesheim",
            }
        ]
    }


def test_partner_csv_problems_name_the_line() -> None:
    with pytest.raises(ImportFileError, match="line 3: name: must not be empty"):
        read_partner_csv(b"Name;Ort\nA;B\n;Peine\n")
    with pytest.raises(ImportFileError, match="line 1: no column 'name'"):
        read_partner_csv(b"Titel;Ort\nA;B\n")
    with pytest.raises(ImportFileError, match="line 3: the file is not UTF-8"):
        read_partner_csv("Name;Ort\nGemeinde Lengede;Lengede\nStadt Göttingen;x\n".encode("cp1252"))
    with pytest.raises(ImportFileError, match="line 1: the file is empty"):
        read_partner_csv(b"")


def test_csv_records_keep_their_line_for_later_checks() -> None:
    document = read_partner_csv(b"Name;Art;AGS\nA;Kirche;123\n")
    problems = Problems()
    check_document(document, problems)
    assert problems.items == [
        "line 2: partners[0].ags: must be the 8-digit Amtlicher Gemeindeschlüssel"
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Stadtverwaltung Sehnde", "stadtverwaltung-sehnde"),
        (
            "Evangelisch-lutherische Landeskirche Hannovers",
            "evangelisch-lutherische-landeskirche-hannovers",
        ),
        ("Gemeinde Lüneburger Heide – Süd", "gemeinde-lueneburger-heide-sued"),
        ("Straße & Café", "strasse-cafe"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


# import key → column, where the names differ
_COLUMN_OF = {("calls", "button"): "button_label", ("calls", "link"): "button_link"}
_MODELS = {
    "alliances": models.Alliance,
    "partners": models.Partner,
    "memberships": models.Membership,
    "projects": models.Project,
    "events": models.Event,
    "calls": models.Call,
    "sources": models.Source,
}


def _of_length(length: int) -> list[str]:
    # one value of each form a text field takes (plain, address, e-mail), padded to length
    return [
        "x" * length,
        "https://example.org/" + "x" * (length - 20),
        "x" * (length - 11) + "@example.de",
    ]


# checked against a closed list, not by length
_LISTED = {("events", "timezone")}


def _bounded_columns() -> list[tuple[str, str, int]]:
    found = []
    for section, schema in SCHEMAS.items():
        columns = _MODELS[section].__table__.columns
        for key in schema:
            if (section, key) in _LISTED:
                continue
            name = _COLUMN_OF.get((section, key), key)
            if name in columns and isinstance(columns[name].type, String):
                length = columns[name].type.length
                if length is not None and length > 30:
                    found.append((section, key, length))
    return found


@pytest.mark.parametrize(("section", "key", "length"), _bounded_columns())
def test_no_checked_value_is_longer_than_its_column(section: str, key: str, length: int) -> None:
    # PostgreSQL refuses what does not fit; the check must refuse it first and name the field
    check = SCHEMAS[section][key]
    fitting = [value for value in _of_length(length) if _accepts(check, value)]
    assert fitting, f"{section}.{key}: no value of {length} characters is accepted"
    for value in _of_length(length + 1):
        assert not _accepts(check, value), f"{section}.{key} accepts {length + 1} characters"


def _accepts(check: Checker, value: str) -> bool:
    try:
        check(value)
    except Invalid:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0001-01-01T00:00:00+01:00", "must be in the years 1900 to 9998"),
        ("9999-12-31T23:30:00-01:00", "must be in the years 1900 to 9998"),
        ("2026-12-03T18:00:00+01:00", None),
    ],
)
def test_event_times_stay_in_plausible_years(value: str, problem: str | None) -> None:
    event = {"alliance": "a", "slug": "b", "title": "c", "starts": value}
    problems = _problems({"events": [event]})
    if problem is None:
        assert problems == []
    else:
        assert problems == [f"events[0].starts: {problem}"]


def test_a_line_break_in_a_name_is_named_with_its_line() -> None:
    text = json.dumps(
        {
            "partners": [
                {"slug": "sehnde", "name": "Stadt\nSehnde", "kind": "municipality"},
                {
                    "slug": "peine",
                    "name": "Landkreis Peine",
                    "kind": "district",
                    "place": "Pei\x00ne",
                },
            ],
            "memberships": [
                {
                    "alliance": "a",
                    "partner": "peine",
                    "since": "2020-10-07",
                    "resolution": "a\u2028b",
                }
            ],
        },
        indent=2,
    )
    problems = Problems()
    check_document(load_json(text), problems)
    single = "must be a single line, without line breaks or control characters"
    # each record's "{" stands a line above its first key
    sehnde, peine, member = (
        _line_of(needle, text) - 1
        for needle in ('"slug": "sehnde"', '"slug": "peine"', '"alliance": "a"')
    )
    assert problems.items == [
        f"line {sehnde}: partners[0].name: {single}",
        f"line {peine}: partners[1].place: {single}",
        f"line {member}: memberships[0].resolution: {single}",
    ]


def test_an_action_field_label_is_one_line() -> None:
    problems = _problems(
        {"alliances": [{"slug": "a", "name": "A", "fields": [{"slug": "x", "label": "X\nY"}]}]}
    )
    assert problems == [
        "alliances[0].fields[0].label: "
        "must be a single line, without line breaks or control characters"
    ]


@pytest.mark.parametrize(
    ("section", "record"),
    [
        ("alliances", {"slug": "all", "name": "Alle"}),
        ("partners", {"slug": "all", "name": "Alle", "kind": "person"}),
        ("projects", {"alliance": "a", "slug": "all", "title": "Alle"}),
        ("events", {"alliance": "a", "slug": "all", "title": "Alle", "starts": "2026-12-03T18:00"}),
        ("calls", {"alliance": "a", "slug": "all", "title": "Alle"}),
    ],
)
def test_the_reserved_slug_is_refused(section: str, record: dict[str, object]) -> None:
    assert _problems({section: [record]}) == [
        f"{section}[0].slug: 'all' is reserved: in addresses it means every alliance"
    ]


def test_a_partner_list_cannot_make_the_reserved_slug() -> None:
    document = read_partner_csv(b"Name;Art\nAll;Verein\n")
    problems = Problems()
    check_document(document, problems)
    assert problems.items == [
        "line 2: partners[0].slug: 'all' is reserved: in addresses it means every alliance"
    ]


def test_a_summary_of_ten_megabytes_is_refused() -> None:
    project = {"alliance": "a", "slug": "p", "title": "T", "summary": "x" * 10_000_000}
    assert _problems({"projects": [project]}) == [
        "projects[0].summary: is longer than 1000 characters"
    ]


@pytest.mark.parametrize("digits", ["9" * 100_000, "-" + "1" * 5_000])
def test_a_number_too_long_to_read_is_named_with_its_place(digits: str) -> None:
    before = '    {"alliance": "a", "interval_minutes": '
    text = '{\n  "sources": [\n' + before + digits + "}\n  ]\n}"
    with pytest.raises(ImportFileError) as caught:
        load_json(text)
    column = len(before) + 1
    assert str(caught.value) == (
        f"line 3, column {column}: a number with more than 4300 digits cannot be read"
    )


def test_numbers_that_python_reads_still_load() -> None:
    assert load_json('{"a": [1, 2.5, -3, 1e400, ' + "9" * 4300 + "]}")["a"][:3] == [1, 2.5, -3]


def test_a_csv_cell_too_long_names_line_and_column() -> None:
    huge = "x" * 131_073
    with pytest.raises(ImportFileError) as caught:
        read_partner_csv(f"Name;Ort;Notiz\nA;B;C\nD;{huge};E\nF;G;{huge}\n".encode())
    assert str(caught.value).splitlines() == [
        "line 3: place: the cell holds more than 131072 characters",
        "line 4: column 'Notiz': the cell holds more than 131072 characters",
    ]


def test_a_csv_cell_of_the_longest_length_is_read() -> None:
    name = "x" * 131_072
    document = read_partner_csv(f"Name\n{name}\n".encode())
    problems = Problems()
    check_document(document, problems)
    assert problems.items == ["line 2: partners[0].name: is longer than 200 characters"]


def test_an_action_field_needs_its_slug() -> None:
    problems = _problems({"alliances": [{"slug": "a", "name": "A", "fields": [{"label": "X"}]}]})
    assert problems == ["alliances[0].fields[0].slug: is required"]
