"""The record schema: one declaration per field, read by import, API checks and JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from widget_service.record_schema import (
    HTML_LENGTH,
    MESSAGES,
    SECTIONS,
    SUMMARY_LENGTH,
    Line,
    Problem,
    Text,
    columns,
    fit_values,
    json_schema,
    keys,
    model,
    openapi_components,
    record_fields,
    required_new,
    validate_record,
)

GOLDEN_EXPORT = Path(__file__).resolve().parents[1] / "golden" / "demo-export.json"
EVENT = {
    "alliance": "niedersachsen-packt-an",
    "slug": "fachtag",
    "title": "Fachtag",
    "starts": "2026-12-03T18:00:00+01:00",
}


@pytest.mark.parametrize("section", SECTIONS)
def test_every_field_maps_to_an_attribute_of_its_model(section: str) -> None:
    stored_as = model(section)
    for name, field in record_fields(section).items():
        attribute = field.attribute or name
        assert hasattr(stored_as, attribute), f"{section}.{name} → {stored_as.__name__}.{attribute}"
    for attribute in columns(section):
        assert attribute in stored_as.__table__.columns, f"{section}: {attribute} is no column"


def test_keys_and_what_a_new_record_needs() -> None:
    assert keys("events") == ("alliance", "slug")
    assert keys("sources") == ("alliance", "url", "kind")
    assert required_new("events") == ("title", "starts")
    assert required_new("calls") == ("title",)
    # renamed fields are stored under their attribute
    assert "button_label" in columns("calls") and "published_at" in columns("projects")


def test_a_new_record_needs_its_keys_and_required_fields() -> None:
    checked = validate_record("events", {"alliance": "a", "title": "T"})
    assert [(error.field, error.problem.code) for error in checked.errors] == [
        ("slug", "required"),
        ("starts", "required"),
    ]
    assert checked.values == {}


def test_a_change_checks_only_what_is_given() -> None:
    checked = validate_record("events", {"ends": "2026-12-03T20:00:00+01:00"}, partial=True)
    assert checked.errors == []
    assert checked.values == {"ends": dt.datetime(2026, 12, 3, 19, tzinfo=dt.UTC)}
    bad = validate_record("events", {"starts": "morgen"}, partial=True)
    assert [error.as_json() for error in bad.errors] == [
        {
            "field": "starts",
            "message": "not an ISO 8601 date-time",
            "code": "datetime",
            "params": {},
        }
    ]


def test_the_api_leaves_out_what_the_token_says() -> None:
    # alliance and partner come from the token; the slug is made from the title
    api = {"exclude": ("alliance", "partner"), "partial": ("slug",)}
    assert validate_record("projects", {"title": "Sprachcafé"}, **api).errors == []
    checked = validate_record("projects", {"title": "T", "partner": "landkreis-peine"}, **api)
    assert [(error.field, str(error.problem)) for error in checked.errors] == [
        ("partner", "unknown field")
    ]
    missing = validate_record("projects", {"summary": "ohne Titel"}, **api)
    assert [error.field for error in missing.errors] == ["title"]


def test_errors_carry_a_code_and_params_for_other_languages() -> None:
    checked = validate_record("events", {**EVENT, "title": "x" * 301, "status": "live"})
    assert [(e.field, e.problem.code, e.problem.params) for e in checked.errors] == [
        ("title", "too_long", {"limit": 300}),
        (
            "status",
            "choice",
            {"options": "pending, published, rejected, archived, cancelled"},
        ),
    ]
    for error in checked.errors:
        template = MESSAGES[error.problem.code]
        assert str(error.problem) == template.format(**error.problem.params)


def test_errors_inside_action_fields_name_their_place() -> None:
    alliance = {
        "slug": "a",
        "name": "A",
        "fields": [{"slug": "eins", "label": "Eins"}, {"slug": "Zwei", "label": {"en": "Two"}}],
    }
    checked = validate_record("alliances", alliance)
    assert [error.field for error in checked.errors] == ["fields[1].slug", "fields[1].label"]


def test_a_record_that_is_not_an_object() -> None:
    checked = validate_record("projects", ["title"])
    assert [(error.field, str(error.problem)) for error in checked.errors] == [
        ("", "must be an object")
    ]


# --- what the import refuses ------------------------------------------------------------


def _single_line_fields() -> list[tuple[str, str]]:
    return [
        (section, name)
        for section in SECTIONS
        for name, field in record_fields(section).items()
        if isinstance(field, Line)
    ]


@pytest.mark.parametrize(("section", "name"), _single_line_fields())
@pytest.mark.parametrize("breaking", ["\n", "\r", "\u2028", "\x00", "\x1b", "\x85", "\t"])
def test_single_line_fields_refuse_line_breaks_and_control_characters(
    section: str, name: str, breaking: str
) -> None:
    checked = validate_record(section, {name: f"Stadt{breaking}Sehnde"}, partial=True)
    assert [(error.field, str(error.problem)) for error in checked.errors] == [
        (name, "must be a single line, without line breaks or control characters")
    ]


def test_white_space_around_a_line_is_not_a_line_break() -> None:
    checked = validate_record("partners", {"name": "  Stadt Sehnde\n"}, partial=True)
    assert checked.errors == [] and checked.values == {"name": "Stadt Sehnde"}


def test_long_texts_keep_their_line_breaks() -> None:
    checked = validate_record("projects", {"summary": "Eins.\n\nZwei."}, partial=True)
    assert checked.values == {"summary": "Eins.\n\nZwei."}


@pytest.mark.parametrize("section", ["alliances", "partners", "projects", "events", "calls"])
def test_the_reserved_slug_all_names_no_record(section: str) -> None:
    checked = validate_record(section, {"slug": "all"}, partial=True)
    assert [(error.field, str(error.problem)) for error in checked.errors] == [
        ("slug", "'all' is reserved: in addresses it means every alliance")
    ]


@pytest.mark.parametrize(
    ("section", "name", "limit"),
    [
        ("projects", "summary", SUMMARY_LENGTH),
        ("alliances", "description", 5_000),
        ("partners", "description", 5_000),
        ("calls", "text", 5_000),
    ],
)
def test_long_texts_have_limits(section: str, name: str, limit: int) -> None:
    assert validate_record(section, {name: "x" * limit}, partial=True).errors == []
    checked = validate_record(section, {name: "x" * (limit + 1)}, partial=True)
    assert [str(error.problem) for error in checked.errors] == [
        f"is longer than {limit} characters"
    ]


@pytest.mark.parametrize(("section", "name"), [("projects", "body"), ("events", "description")])
def test_html_is_measured_after_cleaning(section: str, name: str) -> None:
    paragraph = "<p>" + "x" * (HTML_LENGTH - 7) + "</p>"
    assert validate_record(section, {name: paragraph}, partial=True).errors == []
    # what the cleaning removes does not count
    padded = paragraph + "<script>" + "y" * 1000 + "</script>"
    assert validate_record(section, {name: padded}, partial=True).errors == []
    longer = "<p>" + "x" * (HTML_LENGTH - 6) + "</p>"
    assert [
        str(e.problem) for e in validate_record(section, {name: longer}, partial=True).errors
    ] == [f"is longer than {HTML_LENGTH} characters"]


def test_html_far_too_long_is_refused_before_cleaning() -> None:
    checked = validate_record("projects", {"body": "x" * (2 * HTML_LENGTH + 1)}, partial=True)
    assert [error.problem.code for error in checked.errors] == ["too_long_html"]


def test_a_date_time_beyond_utc_is_out_of_range_not_unreadable() -> None:
    checked = validate_record("events", {**EVENT, "starts": "9999-12-31T23:59:59-12:00"})
    assert [str(error.problem) for error in checked.errors] == ["must be in the years 1900 to 9998"]


# --- federation: cut, not refused --------------------------------------------------------


def test_federated_text_is_cut_at_a_word_boundary() -> None:
    values = {
        "title": "Wort " * 100,
        "summary": "Satz mit Worten. " * 100,
        "body": "<p>" + "Wort " * 20_000 + "</p>",
        "image": "https://example.org/" + "x" * 2000,
    }
    fitted = fit_values("projects", values)
    for name, limit in (("title", 300), ("summary", SUMMARY_LENGTH)):
        kept = fitted[name].removesuffix("…")
        assert len(kept) < len(fitted[name]) <= limit
        # the cut falls where a word ended
        assert values[name].startswith(kept) and values[name][len(kept)] == " "
    assert len(fitted["body"]) <= HTML_LENGTH
    assert fitted["body"].startswith("<p>Wort Wort") and fitted["body"].endswith("Wort…</p>")
    assert fitted["image"] == values["image"]  # an address is not cut: it would lead nowhere
    short = {"title": "Sprachcafé", "summary": "Kurz."}
    assert fit_values("projects", short) == short


# --- JSON Schema --------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_the_demo_export_matches_the_json_schema(section: str) -> None:
    schema = json_schema(section)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    records = json.loads(GOLDEN_EXPORT.read_text(encoding="utf-8"))[section]
    for record in records:
        assert list(validator.iter_errors(record)) == [], record
        assert validate_record(section, record).errors == []


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "all"},
        {"title": "Zwei\nZeilen"},
        {"title": ""},
        {"summary": "x" * (SUMMARY_LENGTH + 1)},
        {"status": "live"},
        {"fields": "sprachfoerderung"},
        {"colour": "#c00000"},
    ],
)
def test_what_the_schema_refuses_the_json_schema_refuses(change: dict[str, Any]) -> None:
    record = {"alliance": "a", "slug": "p", "title": "T", **change}
    assert validate_record("projects", record).errors != []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, json_schema("projects"), jsonschema.Draft202012Validator)


def test_null_is_allowed_where_the_schema_allows_it() -> None:
    record = {"alliance": "a", "slug": "p", "title": "T", "published": None, "partner": None}
    assert validate_record("projects", record).errors == []
    jsonschema.validate(record, json_schema("projects"), jsonschema.Draft202012Validator)


def test_the_openapi_components_for_the_partner_api() -> None:
    components = openapi_components()
    posted = components["ProjectInput"]
    assert "alliance" not in posted["properties"] and "partner" not in posted["properties"]
    assert posted["required"] == ["title"]
    assert components["EventInput"]["required"] == ["title", "starts"]
    assert "required" not in components["EventPatch"]
    assert components["EventRecord"]["required"] == ["alliance", "slug", "title", "starts"]
    assert components["ProjectRecord"]["properties"]["published"]["type"] == ["string", "null"]
    for schema in components.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    # OpenAPI 3.0 has no null type; it marks such fields nullable
    old = openapi_components(nullable="nullable")["ProjectRecord"]["properties"]["published"]
    assert old["type"] == "string" and old["nullable"] is True
    errors = {"errors": [{"field": "starts", "message": "not an ISO 8601 date-time"}]}
    resolver = {"components": {"schemas": components}}
    jsonschema.validate(
        errors, {**components["Errors"], **resolver}, jsonschema.Draft202012Validator
    )


def test_problem_messages_are_english_templates() -> None:
    problem = Problem("too_long", limit=200)
    assert problem == "is longer than 200 characters"
    assert (problem.code, problem.params) == ("too_long", {"limit": 200})
    assert isinstance(record_fields("projects")["summary"], Text)
