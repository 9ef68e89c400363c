"""Helpers for the office's tests: accounts, logging in, the CSRF token of a page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from widget_service import accounts
from widget_service.models import Role, User

PASSWORD = "ein-langes-passwort-1"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(
    session: Session,
    email: str,
    role: Role = Role.ADMIN,
    alliances: tuple[str, ...] = (),
    partner: str | None = None,
) -> User:
    return accounts.create_user(
        session, email, PASSWORD, role, alliances=list(alliances), partner=partner
    )


def csrf_of(response: TestResponse) -> str:
    found = _TOKEN.search(response.get_data(as_text=True))
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    page = client.get("/admin/login")
    return client.post(
        "/admin/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page)},
    )


def post(
    client: FlaskClient, url: str, data: dict[str, object], form_page: str | None = None
) -> TestResponse:
    """POST a form of the office, with the CSRF token of ``form_page`` (default: ``url``)."""
    page = client.get(form_page or url)
    return client.post(url, data={**data, "csrf_token": csrf_of(page)})
