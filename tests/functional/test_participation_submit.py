"""The submit widget: a suggested project or a story, from the embedded form to the queue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.functional.participation_support import (
    PA,
    fresh_token,
    post_submit,
    story,
    submit_path,
)
from tests.mailserver import smtp_server, text_of
from widget_service import MAIL_SENDER
from widget_service.models import Channel, OutgoingMail, Project, ProjectKind, Status


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "FORM_MIN_SECONDS": 0, "FORM_RATE_LIMIT": "1000 per minute"}


def _stored(session: Session, title: str) -> Project | None:
    session.expire_all()
    return session.scalar(select(Project).where(Project.title == title))


def test_the_widget_shows_a_form_with_labels_token_and_honeypot(
    client: FlaskClient, demo: Session
) -> None:
    response = client.get(submit_path())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'action="/submit/niedersachsen-packt-an"' in html
    assert 'name="form_token"' in html and 'name="website_url"' in html
    assert '<label for="pf-title">' in html and 'autocomplete="email"' in html
    assert 'target="_self"' in html  # the document's <base target="_top"> must not apply
    assert "Sprachförderung" in html  # the alliance's topics
    # one token per visitor: no cache may keep the page
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers


def test_a_story_with_a_video_lands_pending_with_a_mail_to_its_sender(
    client: FlaskClient, demo: Session
) -> None:
    response = post_submit(client, story(field="sprachfoerderung"))
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/submit/niedersachsen-packt-an/thanks")
    project = _stored(demo, "Unsere Geschichte aus Ilsede")
    assert project is not None
    assert project.status == Status.PENDING
    assert project.kind == ProjectKind.STORY
    assert project.channel == Channel.SUBMISSION
    assert project.video == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert project.submitter_email == "erika@example.org"
    assert [field.slug for field in project.fields] == ["sprachfoerderung"]
    assert project.body.startswith("<p>Seit 2016 trainieren alle zusammen.</p><p>")
    recipients = {row.recipient for row in demo.scalars(select(OutgoingMail))}
    assert recipients == {"erika@example.org", "buendnis@niedersachsen-packt-an.de"}
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert "Vielen Dank" in thanks.get_data(as_text=True)
    # nothing public before the office publishes it
    assert client.get(f"/p/{PA}/projects/{project.slug}").status_code == 404
    assert "Unsere Geschichte" not in client.get(f"/feeds/{PA}/projects.rss").get_data(as_text=True)


def test_the_mail_reaches_a_real_smtp_server(
    config: dict[str, Any], make_app: Any, demo: Session
) -> None:
    with smtp_server() as (server, port):
        app: Flask = make_app({**config, "SMTP_URL": f"smtp://127.0.0.1:{port}"})
        post_submit(app.test_client(), story())
        report = app.extensions[MAIL_SENDER].send_once()
        assert report is not None and report.sent == 2
        mine = next(m for m in server.messages if m["To"] == "erika@example.org")
        assert "Unsere Geschichte aus Ilsede" in text_of(mine)


def test_missing_and_bad_fields_get_a_message_beside_each_in_the_form_language(
    client: FlaskClient, demo: Session
) -> None:
    bad = story(title="", email="nicht-eine-adresse", link="javascript:alert(1)", consent="")
    response = post_submit(client, bad, query="&lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please check the form" in html  # the summary
    assert 'id="pf-title-error"' in html and 'id="pf-email-error"' in html
    assert 'id="pf-link-error"' in html and 'id="pf-consent-error"' in html
    assert 'aria-invalid="true" autofocus' in html  # focus on the first error
    assert 'value="nicht-eine-adresse"' in html  # what was typed stays
    assert _stored(demo, "") is None
    german = post_submit(client, story(email="x"))
    assert "Bitte geben Sie eine E-Mail-Adresse" in german.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "<script>alert(1)</script>"),
        ("title", '<img src=x onerror="alert(1)">'),
        ("summary", "<a href='javascript:alert(1)'>klick</a>"),
        ("description", "<iframe src=//evil.example></iframe>\n<b onmouseover=alert(1)>x</b>"),
        ("place", "Peine<svg onload=alert(1)>"),
    ],
)
def test_hostile_text_is_stored_as_harmless_text(
    client: FlaskClient, demo: Session, field: str, value: str
) -> None:
    title = value if field == "title" else "Harmlos"
    response = post_submit(client, story(**{field: value, "title": title}))
    assert response.status_code == 303
    project = _stored(demo, title)
    assert project is not None
    for stored in (project.title, project.summary, project.place or ""):
        assert stored in (value, "Harmlos", "Ein Verein und seine neuen Mitglieder.", "Lengede")
    # the description is plain text: every tag in it is shown as text, never as markup
    for tag in ("<script", "<img", "<iframe", "<b ", "<a "):
        assert tag not in project.body


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title", "x" * 201, "title"),
        ("summary", "x" * 501, "summary"),
        ("description", "x" * 5001, "description"),
        ("title", "Zeile\u0000mit NUL", "title"),
        ("title", "zwei\nZeilen", "title"),
        ("video", "javascript:alert(1)", "video"),
        ("link", "ftp://example.org/", "link"),
        ("kind", "advert", "kind"),
        ("field", "no-such-field", "field"),
    ],
)
def test_oversized_and_malformed_values_are_a_clear_400(
    client: FlaskClient, demo: Session, field: str, value: str, error: str
) -> None:
    response = post_submit(client, story(**{field: value}))
    assert response.status_code == 400
    assert f'id="pf-{error}-error"' in response.get_data(as_text=True)
    assert demo.scalar(select(Project).where(Project.channel == Channel.SUBMISSION)) is None


def test_invalid_utf8_is_harmless_text(client: FlaskClient, demo: Session) -> None:
    token = fresh_token(client, submit_path())
    body = "&".join(
        f"{key}={value}" for key, value in story(title="Caf%C3%A9%FF%FE").items() if key != "title"
    )
    response = client.post(
        f"/submit/{PA}",
        data=(body + "&title=Caf%C3%A9%FF%FE&form_token=" + token).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (303, 400)


def test_an_unknown_alliance_is_a_404(client: FlaskClient, demo: Session) -> None:
    token = fresh_token(client, submit_path())
    response = client.post("/submit/no-such-alliance", data={**story(), "form_token": token})
    assert response.status_code == 404


def test_an_approved_story_shows_in_the_widget_and_the_feeds_filtered_by_kind(
    app: Flask, client: FlaskClient, demo: Session
) -> None:
    from widget_service import moderation

    post_submit(client, story())
    project = _stored(demo, "Unsere Geschichte aus Ilsede")
    assert project is not None
    with app.test_request_context():
        moderation.approve(demo, project, "test")
    demo.commit()
    stories = client.get(f"/fragment/projects?alliance={PA}&kind=story").get_data(as_text=True)
    assert "Unsere Geschichte aus Ilsede" in stories
    projects = client.get(f"/fragment/projects?alliance={PA}&kind=project&limit=50")
    assert "Unsere Geschichte aus Ilsede" not in projects.get_data(as_text=True)
    for fmt in ("rss", "atom", "json"):
        feed = client.get(f"/feeds/{PA}/projects.{fmt}?kind=story").get_data(as_text=True)
        assert "Unsere Geschichte aus Ilsede" in feed
        assert "erika@example.org" not in feed  # the sender's address is never published
    page = client.get(f"/p/{PA}/projects/{project.slug}").get_data(as_text=True)
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page
    assert "Vor dem Klick wird nichts von dort geladen" in page
    # nothing on the page is requested from the video host: a link until the click
    assert not re.findall(r'\ssrc="https?://[^"]*youtube', page)
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in page
    assert client.get(f"/feeds/{PA}/projects.rss?kind=advert").status_code == 400
