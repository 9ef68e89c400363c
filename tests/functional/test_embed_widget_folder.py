"""Widgets are data: a copied widget folder (``WIDGETS_PATH``) is a new widget for the embed
routes, the loader and the builder, with no code of its own."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from widget_service.shipped import WIDGETS

PA = "niedersachsen-packt-an"
LABEL = 'label = { de = "Neueste Projekte", en = "Newest projects" }'


@pytest.fixture
def operator_folder(tmp_path: Path) -> Path:
    """The shipped widgets and a copy of ``projects`` named ``neueste``, with its own label."""
    folder = tmp_path / "widgets"
    shutil.copytree(WIDGETS, folder)
    shutil.copytree(folder / "projects", folder / "neueste")
    toml = folder / "neueste" / "widget.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r"^label = .*$", LABEL, text, count=1, flags=re.M), encoding="utf-8")
    return folder


@pytest.fixture
def operator_app(
    operator_folder: Path, config: dict[str, Any], make_app: Any, demo: object
) -> Flask:
    app: Flask = make_app({**config, "WIDGETS_PATH": str(operator_folder)})
    return app


def test_a_copied_widget_answers_as_a_document_and_a_fragment(operator_app: Flask) -> None:
    client = operator_app.test_client()
    for form, heading in (("embed", "h1"), ("fragment", "h2")):
        response = client.get(f"/{form}/neueste?alliance={PA}&limit=2")
        body = response.get_data(as_text=True)
        assert response.status_code == 200, body
        assert re.search(rf"<{heading}[^>]*>Neueste Projekte</{heading}>", body), body[:2000]
        assert "aw-neueste-widget" in body
        assert body.count('class="aw-item-title"') == 2
    english = client.get(f"/fragment/neueste?alliance={PA}&lang=en").get_data(as_text=True)
    assert "Newest projects" in english


def test_the_builder_offers_the_copy_with_its_snippets(operator_app: Flask) -> None:
    client = operator_app.test_client()
    page = client.get("/widgets").get_data(as_text=True)
    assert '<option value="neueste">Neueste Projekte</option>' in page
    chosen = client.get(f"/widgets?widget=neueste&alliance={PA}")
    html = chosen.get_data(as_text=True)
    assert chosen.status_code == 200, html
    assert "data-widget=&#34;neueste&#34;" in html or 'data-widget="neueste"' in html
    assert "/embed/neueste?alliance=" in html


def test_the_loader_knows_a_copy_that_mounts_as_an_iframe(
    operator_folder: Path, config: dict[str, Any], make_app: Any
) -> None:
    toml = operator_folder / "neueste" / "widget.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('mount = "shadow"', 'mount = "iframe"'), encoding="utf-8")
    app = make_app({**config, "WIDGETS_PATH": str(operator_folder)})
    source = app.test_client().get("/embed.js").get_data(as_text=True)
    assert '"neueste": {"de": "Neueste Projekte", "en": "Newest projects"}' in source
    shipped = make_app(config).test_client().get("/embed.js").get_data(as_text=True)
    assert "neueste" not in shipped


def test_the_shipped_app_has_no_such_widget(client: Any) -> None:
    assert client.get(f"/embed/neueste?alliance={PA}").status_code == 404


def test_the_builder_form_comes_from_the_declarations(
    operator_folder: Path, config: dict[str, Any], make_app: Any, demo: object
) -> None:
    toml = operator_folder / "neueste" / "widget.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[parameters.order]\ntype = "choice"\nchoices = ["new", "old"]\n'
        'label = { de = "Reihenfolge", en = "Order" }\n'
        'choice_labels.old = { de = "Älteste zuerst", en = "Oldest first" }\n',
        encoding="utf-8",
    )
    client = make_app({**config, "WIDGETS_PATH": str(operator_folder)}).test_client()
    page = client.get(f"/widgets?widget=neueste&alliance={PA}").get_data(as_text=True)
    field = re.search(
        r'<div class="field" id="f-order" data-widgets="neueste">.*?</div>', page, re.S
    )
    assert field is not None, page
    assert '<label for="b-order">Reihenfolge</label>' in field.group(0)
    assert '<option value="old">Älteste zuerst</option>' in field.group(0)
    assert '<option value="">Alle</option>' in field.group(0)  # no default: "all" is a choice
    english = client.get("/widgets?widget=projects&lang=en").get_data(as_text=True)
    assert '<label for="b-order">Order</label>' in english
    shown = r'id="f-order" data-widgets="neueste" hidden>\s*<label for="b-order">'
    assert re.search(shown, english)
