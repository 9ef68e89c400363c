"""Helpers for the tests of the public forms: read a form's token, fill in and post it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

HZ = "niedersachsen-haelt-zusammen"
PA = "niedersachsen-packt-an"
CALL = "zusammen-mehr"

_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def token_of(response: TestResponse) -> str:
    found = _TOKEN.search(response.get_data(as_text=True))
    assert found is not None, "the page carries no form token"
    return found.group(1)


def fresh_token(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status
    return token_of(response)


def story(**changes: Any) -> dict[str, str]:
    values = {
        "kind": "story",
        "title": "Unsere Geschichte aus Ilsede",
        "summary": "Ein Verein und seine neuen Mitglieder.",
        "description": "Seit 2016 trainieren alle zusammen.\n\n"
        "Heute spielen sie in einer Mannschaft.",
        "place": "Lengede",
        "link": "https://example.org/fussball",
        "video": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "field": "",
        "name": "Erika Muster",
        "email": "erika@example.org",
        "consent": "yes",
        "website_url": "",
    }
    values.update(changes)
    return values


def signature(**changes: Any) -> dict[str, str]:
    values = {
        "name": "Max Mustermann",
        "organisation": "Sportverein Sehnde",
        "place": "Sehnde",
        "email": "max@example.org",
        "show_name": "yes",
        "consent": "yes",
        "website_url": "",
    }
    values.update(changes)
    return values


def application(**changes: Any) -> dict[str, str]:
    values = {
        "organisation": "Gemeinde Ilsede",
        "kind": "municipality",
        "place": "Ilsede",
        "region": "Landkreis Peine",
        "website": "https://www.ilsede.de",
        "resolution": "Gemeinderat, 12.03.2026",
        "name": "Petra Beispiel",
        "email": "petra@ilsede.example",
        "consent": "yes",
        "website_url": "",
    }
    values.update(changes)
    return values


def submit_path(alliance: str = PA, query: str = "") -> str:
    return f"/embed/submit?alliance={alliance}{query}"


def post_submit(
    client: FlaskClient, values: dict[str, str], alliance: str = PA, query: str = ""
) -> TestResponse:
    token = fresh_token(client, submit_path(alliance, query))
    return client.post(
        f"/submit/{alliance}{query.replace('&', '?', 1)}", data={**values, "form_token": token}
    )


def post_sign(
    client: FlaskClient, values: dict[str, str], alliance: str = PA, call: str = CALL
) -> TestResponse:
    token = fresh_token(client, f"/sign/{alliance}/{call}")
    return client.post(f"/sign/{alliance}/{call}", data={**values, "form_token": token})


def post_join(client: FlaskClient, values: dict[str, str], alliance: str = PA) -> TestResponse:
    token = fresh_token(client, f"/join/{alliance}")
    return client.post(f"/join/{alliance}", data={**values, "form_token": token})
