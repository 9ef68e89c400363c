"""Imprint, privacy, accessibility and Leichte Sprache: the operator's details from the
configuration, shown on every page's footer, and a warning at start when they are missing."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_SECRET
from widget_service.legal.operator import FICTITIOUS, REQUIRED

PA = "niedersachsen-packt-an"
LEGAL = ["/imprint", "/privacy", "/accessibility", "/leichte-sprache"]
OPERATOR = {
    "OPERATOR_NAME": "Stadt Sehnde",
    "OPERATOR_ADDRESS": "Nordstraße 21 | 31319 Sehnde",
    "OPERATOR_REPRESENTATIVE": "Der Bürgermeister",
    "OPERATOR_EMAIL": "buergerbuero@sehnde.example",
    "OPERATOR_PHONE": "05138 707-0",
    "OPERATOR_DPO_NAME": "Datenschutzbeauftragte der Stadt Sehnde",
    "OPERATOR_DPO_EMAIL": "datenschutz@sehnde.example",
    "OPERATOR_AUTHORITY_NAME": "Die Landesbeauftragte für den Datenschutz Niedersachsen",
    "OPERATOR_AUTHORITY_URL": "https://www.lfd.niedersachsen.de",
    "OPERATOR_STATEMENT_REVIEWED": "2026-11-02",
}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def sehnde(config: dict[str, Any]) -> dict[str, Any]:
    config.update(OPERATOR)
    return config


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("url", LEGAL)
def test_legal_pages_answer_in_both_languages_with_cache_headers(
    client: FlaskClient, url: str, lang: str
) -> None:
    response = client.get(f"{url}?lang={lang}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "max-age=" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and "<h1>" in html


@pytest.mark.usefixtures("sehnde")
@pytest.mark.parametrize("url", ["/", f"/p/{PA}", "/feeds", "/widgets", *LEGAL])
def test_every_page_names_the_operator_and_links_the_legal_pages(
    client: FlaskClient, url: str
) -> None:
    html = client.get(url).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    assert "Stadt Sehnde" in footer and "mailto:buergerbuero@sehnde.example" in footer
    for link in LEGAL:
        assert f'href="{link}' in footer, link


@pytest.mark.usefixtures("sehnde")
def test_imprint_names_provider_representative_and_contact(client: FlaskClient) -> None:
    text = text_of(client.get("/imprint").get_data(as_text=True))
    assert "Diensteanbieter (§ 5 DDG)" in text
    assert "Stadt Sehnde Nordstraße 21 31319 Sehnde" in text
    assert "Vertreten durch Der Bürgermeister" in text
    assert "Verantwortlich für den Inhalt (§ 18 Abs. 2 MStV) Der Bürgermeister" in text
    assert "tel:05138707-0" in client.get("/imprint").get_data(as_text=True)
    assert "nicht eingerichtet" not in text


@pytest.mark.usefixtures("sehnde")
def test_privacy_names_controller_officer_purposes_bases_storage_rights_and_authority(
    client: FlaskClient,
) -> None:
    html = client.get("/privacy").get_data(as_text=True)
    text = text_of(html)
    assert "Stadt Sehnde" in text and "datenschutz@sehnde.example" in text
    # a public body: its task in the public interest, under Lower Saxony's law
    assert "Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit § 3 NDSG" in text
    assert "Art. 6 Abs. 1 lit. a DSGVO" in text  # the forms: consent
    for what in ("Zweck", "Rechtsgrundlage", "Speicherdauer", "Empfänger"):
        assert what in text, what
    assert "Zugriffsprotokolle werden nach 7 Tagen gelöscht." in text
    assert "90 Tage nach dem Ende des Aufrufs automatisch gelöscht" in text
    for article in ("Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 77"):
        assert article in text, article
    assert "Die Landesbeauftragte für den Datenschutz Niedersachsen" in text
    # the office's statistics have a section of their own
    assert 'id="reach"' in html and "Reichweitenzählung" in text


def test_a_private_operator_names_its_legitimate_interest(
    make_app: Callable[[dict[str, Any]], Flask], config: dict[str, Any]
) -> None:
    app = make_app({**config, **OPERATOR, "OPERATOR_PUBLIC_BODY": False})
    text = text_of(app.test_client().get("/privacy").get_data(as_text=True))
    assert "Art. 6 Abs. 1 lit. f DSGVO" in text and "NDSG" not in text


@pytest.mark.usefixtures("sehnde")
@pytest.mark.parametrize("page_lang", ["de", "en"])
def test_privacy_gives_webmasters_the_note_in_german_and_english(
    client: FlaskClient, page_lang: str
) -> None:
    html = client.get(f"/privacy?lang={page_lang}").get_data(as_text=True)
    german = re.search(r'<textarea id="privacy-note-de" lang="de"[^>]*>([^<]+)</textarea>', html)
    english = re.search(r'<textarea id="privacy-note-en" lang="en"[^>]*>([^<]+)</textarea>', html)
    assert german and english
    assert "ohne den Pfad der Seite" in german.group(1)
    assert "Stadt Sehnde" in german.group(1) and "localhost" in german.group(1)
    assert "without the path of the page" in english.group(1)
    assert "http://localhost/privacy?lang=en" in english.group(1)
    assert 'data-copy="privacy-note-de"' in html


@pytest.mark.usefixtures("sehnde")
def test_accessibility_statement_has_status_date_gaps_feedback_and_conciliation(
    client: FlaskClient,
) -> None:
    html = client.get("/accessibility").get_data(as_text=True)
    text = text_of(html)
    assert "BITV 2.0" in text and "teilweise mit der BITV 2.0 vereinbar" in text
    assert "am 2. November 2026 erstellt" in text
    assert "Nicht barrierefreie Inhalte" in text and "Gebärdensprache" in text
    assert 'href="mailto:buergerbuero@sehnde.example?subject=' in html
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in html
    assert "§ 16 Behindertengleichstellungsgesetz" in text
    assert 'href="/leichte-sprache"' in html


def test_the_easy_read_page_is_german_on_an_english_site(client: FlaskClient) -> None:
    html = client.get("/leichte-sprache?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<div class="prose easy-read" lang="de">' in html
    assert "Diese Seite in Leichter Sprache" in html
    # the footer link names the page in its own language
    assert 'lang="de" hreflang="de"' in html


def test_development_and_tests_show_plainly_fictitious_values(client: FlaskClient) -> None:
    text = text_of(client.get("/imprint").get_data(as_text=True))
    assert FICTITIOUS["OPERATOR_NAME"] in text and "fiktiv" in text


PRODUCTION = {"ENV": "production", "SECRET_KEY": TEST_SECRET}


def test_outside_development_missing_details_are_named_at_start(
    make_app: Callable[[dict[str, Any]], Flask],
    config: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        app = make_app({**config, **PRODUCTION, "OPERATOR_EMAIL": "info@sehnde.example"})
    warned = " ".join(record.getMessage() for record in caplog.records)
    for key in REQUIRED:
        if key != "OPERATOR_EMAIL":
            assert f"WIDGETS_{key}" in warned, key
    assert "WIDGETS_OPERATOR_EMAIL" not in warned
    # the pages say so rather than showing a made-up operator
    text = text_of(app.test_client().get("/imprint").get_data(as_text=True))
    assert "noch nicht eingerichtet" in text and "fiktiv" not in text


def test_a_complete_configuration_starts_without_a_warning(
    make_app: Callable[[dict[str, Any]], Flask],
    config: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        make_app({**config, **PRODUCTION, **OPERATOR})
    assert not [record for record in caplog.records if "legal pages" in record.getMessage()]


def test_the_operator_comes_from_widgets_environment_variables(
    make_app: Callable[[dict[str, Any]], Flask],
    config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WIDGETS_OPERATOR_NAME", "Landkreis Peine")
    monkeypatch.setenv("WIDGETS_OPERATOR_ADDRESS", "Burgstraße 1 | 31224 Peine")
    monkeypatch.setenv("WIDGETS_OPERATOR_LOG_DAYS", "14")
    app = make_app(config)
    text = text_of(app.test_client().get("/privacy").get_data(as_text=True))
    assert "Landkreis Peine Burgstraße 1 31224 Peine" in text
    assert "nach 14 Tagen gelöscht" in text
