"""JSON Feed 1.1, read with the standard ``json`` module, with the ``_alliance`` extension
that other instances of this service write (``docs/json-feed.md``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from ..models import SourceKind
from ..text import is_slug
from .remote import (
    LOCATION,
    NAME,
    PLACE,
    TITLE,
    VIA,
    ParsedFeed,
    ParseError,
    RemoteItem,
    RemotePartner,
    _check_count,
    _check_event,
    _clean_html,
    _clean_text,
    _guid,
    _in_time,
    _link,
    _moment,
    _optional_text,
    _summary,
    _text_as_html,
    _unique,
    _zone,
)

JSON_FEED_VERSION = "https://jsonfeed.org/version/"


def _json_feed(body: bytes, url: str, kind: SourceKind, max_items: int) -> ParsedFeed:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(f"the JSON Feed is not valid UTF-8 (byte {error.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"the JSON Feed is not valid JSON: {error}") from None
    except RecursionError:
        raise ParseError("the JSON Feed is nested too deeply") from None
    except ValueError as error:  # Python reads at most 4,300 digits of a whole number
        if "digits" in str(error):
            raise ParseError("a number in the JSON Feed is too long") from None
        raise ParseError(f"the JSON Feed cannot be read: {error}") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_VERSION
    ):
        raise ParseError("the JSON document is not a JSON Feed (no jsonfeed.org version)")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise ParseError("the JSON Feed has no list of items")
    _check_count(len(raw_items), max_items)
    base = _link(document.get("feed_url"), url) or url
    items = []
    extended = False
    for number, raw in enumerate(raw_items, start=1):
        _in_time()
        if not isinstance(raw, dict):
            raise ParseError(f"item {number} of the JSON Feed is not an object")
        extended = extended or isinstance(raw.get("_alliance"), dict)
        items.append(_json_item(raw, number, base, kind))
    title = _optional_text(document.get("title"), TITLE)
    return ParsedFeed("instance" if extended else "json", title, _unique(items))


def _json_item(raw: Mapping[str, Any], number: int, base: str, kind: SourceKind) -> RemoteItem:
    identifier = raw.get("id")
    if isinstance(identifier, bool) or not isinstance(identifier, str | int):
        raise ParseError(f"item {number} of the JSON Feed has no id")
    guid = _guid(identifier, f"item {number}")
    where = f"item {guid[:100]!r}"
    extension = raw.get("_alliance")
    ext: Mapping[str, Any] = extension if isinstance(extension, dict) else {}
    if ext.get("kind") is not None and ext.get("kind") not in ("project", "event"):
        raise ParseError(f"{where}: _alliance.kind {str(ext.get('kind'))[:40]!r} is unknown")
    expected = "event" if kind is SourceKind.EVENTS else "project"
    if ext.get("kind") not in (None, expected):
        raise ParseError(
            f"{where} is a {ext.get('kind')}, but this source is for {kind.value}; "
            "subscribe to the other feed of that instance"
        )
    if raw.get("content_html"):
        body = _clean_html(raw.get("content_html"))
    else:
        body = _text_as_html(raw.get("content_text"))
    title = _clean_text(raw.get("title"), TITLE) or _clean_text(raw.get("summary") or body, 80)
    if not title:
        raise ParseError(f"{where} has neither a title nor any text")
    published = _moment(raw.get("date_published"), where, "date_published")
    modified = _moment(raw.get("date_modified"), where, "date_modified")
    # the original page: the first instance's, which later instances pass on unchanged
    original = (
        _link(ext.get("origin"), base)
        or _link(raw.get("external_url"), base)
        or _link(raw.get("url"), base)
    )
    item = RemoteItem(
        guid=guid,
        title=title,
        summary=_summary(raw.get("summary"), body),
        body=body,
        url=original,
        published=published or modified,
        via=_optional_text(ext.get("via"), VIA),
        partner=_partner(ext.get("partner")),
        fields=tuple(_field_slugs(ext.get("fields"))),
        place=_optional_text(ext.get("place"), PLACE),
        region=_optional_text(ext.get("region"), PLACE),
        image=_link(raw.get("image"), base) or _link(raw.get("banner_image"), base),
    )
    if kind is not SourceKind.EVENTS:
        return item
    zone = _zone(ext.get("timezone"))
    event = replace(
        item,
        starts=_moment(ext.get("starts"), where, "_alliance.starts", zone),
        ends=_moment(ext.get("ends"), where, "_alliance.ends", zone),
        timezone=zone,
        location=_optional_text(ext.get("location"), LOCATION),
        online=_link(ext.get("online"), base),
        cancelled=ext.get("status") == "cancelled",
    )
    hint = "the JSON Feed of an events source needs _alliance.starts (see docs/json-feed.md)"
    return _check_event(event, where, hint)


def _partner(value: Any) -> RemotePartner | None:
    if not isinstance(value, dict):
        return None
    name = _clean_text(value.get("name"), NAME)
    if not name:
        return None
    slug = value.get("slug")
    return RemotePartner(
        name=name,
        slug=slug if isinstance(slug, str) and is_slug(slug) else None,
        region=_optional_text(value.get("region"), PLACE),
    )


def _field_slugs(value: Any) -> Iterable[str]:
    if not isinstance(value, list):
        return
    for entry in value[:50]:
        slug = entry.get("slug") if isinstance(entry, dict) else entry
        if isinstance(slug, str) and is_slug(slug):
            yield slug
