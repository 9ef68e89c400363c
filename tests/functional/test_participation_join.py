"""Applying to become a partner: the form, the stored application, the mails."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.functional.participation_support import PA, application, post_join
from widget_service.models import Application, ApplicationStatus, OutgoingMail, PartnerKind


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "FORM_MIN_SECONDS": 0, "FORM_RATE_LIMIT": "1000 per minute"}


def test_the_form_page_is_accessible_and_framable(client: FlaskClient, demo: Session) -> None:
    response = client.get(f"/join/{PA}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label for="pf-organisation">' in html and 'autocomplete="organization"' in html
    assert '<option value="municipality">' in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_an_application_waits_for_the_office(client: FlaskClient, demo: Session) -> None:
    response = post_join(client, application())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/join/{PA}/thanks"
    stored = demo.scalar(select(Application))
    assert stored is not None
    assert stored.status == ApplicationStatus.PENDING
    assert stored.kind == PartnerKind.MUNICIPALITY
    assert stored.resolution == "Gemeinderat, 12.03.2026"
    assert stored.alliance.slug == PA
    recipients = {row.recipient for row in demo.scalars(select(OutgoingMail))}
    assert recipients == {"petra@ilsede.example", "buendnis@niedersachsen-packt-an.de"}
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation", ""),
        ("kind", "pirate-ship"),
        ("website", "javascript:alert(1)"),
        ("email", "petra"),
        ("organisation", "x" * 201),
        ("resolution", "a\u0007b"),
        ("consent", "no"),
    ],
)
def test_bad_values_are_a_400_with_a_message_beside_the_field(
    client: FlaskClient, demo: Session, field: str, value: str
) -> None:
    response = post_join(client, application(**{field: value}))
    assert response.status_code == 400
    assert f'id="pf-{field}-error"' in response.get_data(as_text=True)
    assert demo.scalar(select(Application)) is None


def test_script_in_a_name_stays_text(client: FlaskClient, demo: Session) -> None:
    post_join(client, application(organisation="<script>alert(1)</script>"))
    stored = demo.scalar(select(Application))
    assert stored is not None and stored.organisation == "<script>alert(1)</script>"
    page = client.get(f"/join/{PA}").get_data(as_text=True)
    assert "<script>alert(1)" not in page


def test_the_alliance_page_and_the_partners_widget_lead_to_the_form(
    client: FlaskClient, demo: Session
) -> None:
    assert f'href="/join/{PA}"' in client.get(f"/p/{PA}").get_data(as_text=True)
    widget = client.get(f"/fragment/partners?alliance={PA}&lang=en").get_data(as_text=True)
    assert f"/join/{PA}?lang=en" in widget and "Become a partner" in widget
