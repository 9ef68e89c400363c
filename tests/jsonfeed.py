"""A strict reader of JSON Feed 1.1 for the tests (feedparser 6 reads RSS and Atom only).

It checks what https://jsonfeed.org/version/1.1 requires of a feed and its items and
returns the document, so a test fails with the rule that was broken.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

TOP_LEVEL = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
ITEM = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}


def _url(value: Any, where: str) -> None:
    assert isinstance(value, str), f"{where} must be a string"
    parts = urlsplit(value)
    assert parts.scheme in ("http", "https") and parts.netloc, f"{where} must be absolute: {value}"


def _date(value: Any, where: str) -> None:
    assert isinstance(value, str), f"{where} must be a string"
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{where} needs an offset (RFC 3339): {value}"


def _authors(value: Any, where: str) -> None:
    assert isinstance(value, list) and value, f"{where} must be a non-empty list"
    for author in value:
        assert set(author) <= {"name", "url", "avatar"} and author, f"{where}: {author}"
        if "url" in author:
            _url(author["url"], f"{where}.url")


def _known(keys: set[str], allowed: set[str], where: str) -> None:
    unknown = {key for key in keys - allowed if not key.startswith("_")}
    assert not unknown, f"{where} has keys JSON Feed 1.1 does not define: {unknown}"


def read_json_feed(body: bytes | str) -> dict[str, Any]:
    """Parse a JSON Feed 1.1 document, asserting its rules; return it."""
    document = json.loads(body)
    assert isinstance(document, dict)
    _known(set(document), TOP_LEVEL, "feed")
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["title"]
    for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon"):
        if key in document:
            _url(document[key], key)
    if "authors" in document:
        _authors(document["authors"], "authors")
    assert isinstance(document["items"], list)
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids)), "item ids must be unique"
    for item in document["items"]:
        where = f"item {item.get('id')}"
        _known(set(item), ITEM, where)
        assert isinstance(item["id"], str) and item["id"], f"{where}: id must be a string"
        assert "content_html" in item or "content_text" in item, f"{where}: needs content"
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item:
                _url(item[key], f"{where}.{key}")
        for key in ("date_published", "date_modified"):
            if key in item:
                _date(item[key], f"{where}.{key}")
        if "authors" in item:
            _authors(item["authors"], f"{where}.authors")
        if "tags" in item:
            assert all(isinstance(tag, str) for tag in item["tags"]), f"{where}.tags"
    return document
