"""English pages mark the alliances' German content as German (WCAG 3.1.2), and show
action fields in the page's language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from widget_service.demo import demo_document
from widget_service.timeutil import today

PA = "niedersachsen-packt-an"
HZ = "niedersachsen-haelt-zusammen"
PAGES = [
    "/",
    f"/p/{PA}",
    f"/p/{HZ}",
    f"/p/{PA}/projects",
    "/p/all/projects",
    f"/p/{PA}/events",
    "/p/all/events",
    f"/p/{PA}/projects/sprachcafe-sehnde",
    f"/p/{HZ}/events/konferenz-zusammenhalt",
    f"/p/{PA}/partners/landkreis-peine",
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def german_texts() -> list[str]:
    """Sentences and titles of the demo content (names of places and partners are proper
    names, which WCAG 3.1.2 leaves unmarked)."""
    document = demo_document(today())
    found = [alliance["description"] for alliance in document["alliances"]]
    for project in document["projects"]:
        found += [project["title"], project.get("summary") or ""]
        found += re.findall(r">([^<]+)<", project.get("body") or "")
    for event in document["events"]:
        found.append(event["title"])
        found += re.findall(r">([^<]+)<", event.get("description") or "")
    for call in document["calls"]:
        found += [call["title"], call.get("tagline") or "", call.get("text") or ""]
    return [text.strip() for text in found if len(text.strip()) >= 12]


def proper_names() -> set[str]:
    """Partners, places and regions: names, which read the same in any language."""
    document = demo_document(today())
    names = set()
    for partner in document["partners"]:
        names |= {partner["name"], partner.get("place") or "", partner.get("region") or ""}
    return names


class LanguageOfText(HTMLParser):
    """Each piece of text in the body with the language it is marked with."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.pieces: list[tuple[str, str]] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        if tag in VOID:
            return
        lang = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if self.in_body and text and self.stack and self.stack[-1][0] not in ("script", "style"):
            self.pieces.append((text, self.stack[-1][1]))


def unmarked_german(html: str, german: list[str]) -> list[str]:
    parser = LanguageOfText()
    parser.feed(html)
    wrong = []
    names = proper_names()
    for text, lang in parser.pieces:
        stem = text.removesuffix("...").removesuffix("…").strip()
        if len(stem) < 12 or stem in names:
            continue
        if any(stem in sentence or sentence in stem for sentence in german) and lang != "de":
            wrong.append(text)
    return wrong


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", PAGES)
def test_english_pages_mark_german_content(client: FlaskClient, url: str) -> None:
    html = client.get(url + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert unmarked_german(html, german_texts()) == []


@pytest.mark.usefixtures("demo")
def test_the_check_finds_german_content_left_unmarked(client: FlaskClient) -> None:
    html = client.get(f"/p/{PA}/projects/sprachcafe-sehnde?lang=en").get_data(as_text=True)
    stripped = html.replace(' lang="de"', "")
    assert unmarked_german(stripped, german_texts())


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", PAGES)
def test_german_pages_need_no_marks(client: FlaskClient, url: str) -> None:
    html = client.get(url + "?lang=de").get_data(as_text=True)
    body = html[html.index("<body") :]
    # only the language switch and the link to the Leichte Sprache page are marked
    assert set(re.findall(r' lang="(\w+)"', body)) <= {"en", "de"}
    assert body.count(' lang="de"') <= 1


@pytest.mark.usefixtures("demo")
def test_action_fields_are_labelled_in_the_page_language(client: FlaskClient) -> None:
    english = client.get(f"/p/{PA}/projects?lang=en").get_data(as_text=True)
    german = client.get(f"/p/{PA}/projects?lang=de").get_data(as_text=True)
    assert "Language support" in english and "Sprachförderung" not in english
    assert "Sprachförderung" in german and "Language support" not in german
