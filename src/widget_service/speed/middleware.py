"""The response cache and compression, as WSGI middleware around the Flask app.

A warm request — the same URL asked before, nothing written since — is answered here from
the stored bytes: no routing, no query, no template, not even a request context. That is
what lets a warm answer keep pace with a bare Flask route.

The key is everything a public answer depends on: scheme, host, path, the query with its
parameters sorted, and the language (``?lang=``, else the best of ``Accept-Language``, as
:func:`widget_service.i18n.select_locale` chooses it), under the current content
generation (:mod:`.generation`). Only answers that say they may be shared are kept: 200,
``Cache-Control: public`` with a ``max-age``, no ``Set-Cookie``, no ``Vary`` beyond language
and encoding. An entry lives at most the answer's ``max-age`` (so what changes with the
clock alone — an event that has passed — turns over like it does in any cache), and a
write makes every entry stale at once. Conditional requests are answered here (ETag, then
Last-Modified) with 304. The office (``/admin``), requests with credentials and everything
but GET and HEAD always go to the app.

Text bodies are gzip-compressed when the client asks and nothing in front has removed the
request's ``Accept-Encoding`` (the shipped nginx does, and compresses itself).
"""

from __future__ import annotations

import gzip
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from hashlib import sha256
from operator import itemgetter
from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_date

from ..i18n import DEFAULT, LANGUAGES
from .generation import Marker
from .store import NOT_STORED, Entry, MemoryStore, RedisStore

log = logging.getLogger(__name__)
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/feed+json",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "application/geo+json",
    "image/svg+xml",
)
MIN_COMPRESS = 512  # bytes: below that gzip saves less than its own framing costs
SHAREABLE_VARY = frozenset({"accept-language", "accept-encoding", "origin"})
# what a 304 leaves out: it describes the body the client already has
ENTITY = frozenset({"content-type", "content-length", "content-encoding", "content-language"})
REFUSES_GZIP = re.compile(r"(^|,)\s*gzip\s*;\s*q=0(\.0*)?\s*(,|$)")
# a form's token is good for one use: a page that carries one is never shared, whatever
# its Cache-Control says
FORM_TOKEN = b'name="form_token"'
MAX_AGE = re.compile(r"max-age=(\d+)")
# what the app writes into the environ of a request it renders: the route that answered (its
# URL rule) and the route's class (monitoring does), kept with the entry and put back into
# the environ of each hit
ROUTE_CLASS = "widget_service.route_class"
ROUTE = "widget_service.route"
# put into the environ of a hit before the listeners hear of it: the status sent from the
# cache (200, or 304 for a conditional request) and time.perf_counter() at its arrival
CACHE_STATUS = "widget_service.cache_status"
STARTED = "widget_service.started"


def accepts_gzip(environ: Environ) -> bool:
    accepted = environ.get("HTTP_ACCEPT_ENCODING", "")
    return "gzip" in accepted and not REFUSES_GZIP.search(accepted)


def is_compressible(headers: list[tuple[str, str]]) -> bool:
    content_type = ""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "content-encoding":
            return False
        if lowered == "content-type":
            content_type = value.lower()
    return content_type.startswith(COMPRESSIBLE)


def _with_vary_encoding(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    for index, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            if "accept-encoding" not in value.lower():
                headers[index] = (name, value + ", Accept-Encoding")
            return headers
    headers.append(("Vary", "Accept-Encoding"))
    return headers


class ClosingBody:
    """A buffered body that still closes the app's own iterable (mail is sent on close)."""

    def __init__(self, chunks: list[bytes], inner: Iterable[bytes] | None) -> None:
        self.chunks = chunks
        self.inner = inner

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


class ResponseCache:
    """WSGI middleware: answers warm requests from the store, compresses text bodies."""

    def __init__(
        self,
        app: WSGIApp,
        marker: Marker,
        memory: MemoryStore,
        redis_store: RedisStore | None = None,
        *,
        cache: bool = True,
        compress: bool = True,
        max_age_cap: int | None = None,
    ) -> None:
        self.app = app
        self.marker = marker
        self.memory = memory
        self.redis_store = redis_store
        self.cache = cache
        self.compress = compress
        self.max_age_cap = max_age_cap
        self._token: str | None = None
        self._languages: dict[str, str] = {}
        self.hits = 0
        self.misses = 0
        # told of each answer given from the cache, which the app's own hooks never see
        # (e.g. counting an embed's reach, metrics): called with the request's WSGI environ,
        # which then holds ROUTE, ROUTE_CLASS, CACHE_STATUS and STARTED
        self.hit_listeners: list[Callable[[Environ], None]] = []
        # told of each lookup that found nothing, once the app has rendered the answer: the
        # environ then holds the ROUTE_CLASS the app gave it
        self.miss_listeners: list[Callable[[Environ], None]] = []

    # -- the request --------------------------------------------------------------------------

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            self.cache
            and (method == "GET" or method == "HEAD")
            and "HTTP_AUTHORIZATION" not in environ
            and not environ.get("PATH_INFO", "").startswith("/admin")
        ):
            return self._cached(environ, start_response)
        return self._through(environ, start_response)

    def _cached(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        token = self.marker.token()
        if token is None:
            return self._through(environ, start_response)
        if token != self._token:
            self.memory.clear()  # every entry was made under an older generation
            self._token = token
        key = token + "\x00" + self.key(environ)
        entry = self.memory.get(key)
        if entry is None:
            entry = self._shared_get(key)
        if entry is not None:
            self.hits += 1
            answer = self._answer(entry, environ, start_response)
            environ[ROUTE_CLASS] = entry.route_class
            environ[ROUTE] = entry.route
            environ[STARTED] = started
            for listener in self.hit_listeners:
                listener(environ)
            return answer
        if environ.get("REQUEST_METHOD") == "HEAD":
            return self._through(environ, start_response)
        self.misses += 1
        # rendered whole, whatever the client holds; the conditional is answered below
        inner = dict(environ)
        inner.pop("HTTP_IF_NONE_MATCH", None)
        inner.pop("HTTP_IF_MODIFIED_SINCE", None)
        status, headers, body, result = self._render(inner)
        route_class = str(inner.get(ROUTE_CLASS) or "")
        environ[ROUTE_CLASS] = route_class
        for listener in self.miss_listeners:
            listener(environ)
        entry = self._storable(status, headers, body)
        if entry is None:
            return self._emit(status, headers, body, result, environ, start_response)
        entry.route_class = route_class
        entry.route = str(inner.get(ROUTE) or "")
        self.memory.put(key, entry)
        self._shared_put(key, entry)
        return self._answer(entry, environ, start_response, result)

    def key(self, environ: Environ) -> str:
        """What the answer depends on besides the content: address, query, language."""
        query = environ.get("QUERY_STRING", "")
        language = ""
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            pairs.sort(key=itemgetter(0))
            query = urlencode(pairs)
            for name, value in pairs:
                if name == "lang" and value in LANGUAGES:
                    language = value
        if not language:
            language = self._language(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
        return "\x00".join(
            (
                environ.get("wsgi.url_scheme", "http"),
                environ.get("HTTP_HOST", ""),
                environ.get("SCRIPT_NAME", ""),
                environ.get("PATH_INFO", ""),
                query,
                language,
            )
        )

    def _language(self, header: str) -> str:
        known = self._languages.get(header)
        if known is None:
            accepted = parse_accept_header(header, LanguageAccept)
            known = accepted.best_match(LANGUAGES, default=DEFAULT) or DEFAULT
            if len(self._languages) > 512:
                self._languages.clear()
            self._languages[header] = known
        return known

    # -- the shared store ---------------------------------------------------------------------

    def _shared_get(self, key: str) -> Entry | None:
        if self.redis_store is None or not self.marker.redis_usable():
            return None
        try:
            entry = self.redis_store.get(_digest(key))
        except Exception as error:  # any Redis failure: fall back, say so
            self.marker.redis_failed(error)
            return None
        if entry is not None:
            self.memory.put(key, entry)
        return entry

    def _shared_put(self, key: str, entry: Entry) -> None:
        if self.redis_store is None or not self.marker.redis_usable():
            return
        try:
            self.redis_store.put(_digest(key), entry)
        except Exception as error:  # any Redis failure: fall back, say so
            self.marker.redis_failed(error)

    # -- rendering and answering --------------------------------------------------------------

    def _render(
        self, environ: Environ
    ) -> tuple[str, list[tuple[str, str]], bytes, Iterable[bytes]]:
        captured: list[Any] = []
        written: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], _exc: Any = None) -> Any:
            captured[:] = [status, headers]
            return written.append

        result = self.app(environ, capture)
        chunks = written + list(result)
        return captured[0], list(captured[1]), b"".join(chunks), result

    def _storable(self, status: str, headers: list[tuple[str, str]], body: bytes) -> Entry | None:
        if not status.startswith("200") or FORM_TOKEN in body:
            return None
        cache_control = ""
        etag = None
        for name, value in headers:
            lowered = name.lower()
            if lowered == "cache-control":
                cache_control = value.lower()
            elif lowered == "set-cookie":
                return None
            elif lowered == "vary":
                varies = {part.strip().lower() for part in value.split(",")}
                if not varies <= SHAREABLE_VARY:
                    return None
            elif lowered == "etag":
                etag = value
        if "public" not in cache_control or any(
            word in cache_control for word in ("no-store", "no-cache", "private")
        ):
            return None
        found = MAX_AGE.search(cache_control)
        max_age = int(found.group(1)) if found else 0
        if self.max_age_cap is not None:
            max_age = min(max_age, self.max_age_cap)
        if max_age <= 0:
            return None
        kept = [(n, v) for n, v in self._capped(headers) if n.lower() not in NOT_STORED]
        compressible = self.compress and len(body) >= MIN_COMPRESS and is_compressible(kept)
        if compressible:
            kept = _with_vary_encoding(kept)
        return Entry(status, kept, body, time.time() + max_age, etag, compressible)

    def _answer(
        self,
        entry: Entry,
        environ: Environ,
        start_response: StartResponse,
        result: Iterable[bytes] | None = None,
    ) -> Iterable[bytes]:
        headers = list(entry.headers)
        body = entry.body
        etag = entry.etag
        if entry.compressible and accepts_gzip(environ):
            before = entry.size
            body = entry.gzipped()
            if before != entry.size:
                self.memory.grew(entry, before)
            if etag is not None and etag.endswith('"'):
                etag = etag[:-1] + '-gzip"'  # another representation, another strong ETag
                headers = [(n, etag if n.lower() == "etag" else v) for n, v in headers]
            headers.append(("Content-Encoding", "gzip"))
        if _not_modified(environ, etag, headers):
            environ[CACHE_STATUS] = 304
            start_response("304 Not Modified", [h for h in headers if h[0].lower() not in ENTITY])
            return ClosingBody([], result)
        headers.append(("Content-Length", str(len(body))))
        environ[CACHE_STATUS] = int(entry.status[:3])
        start_response(entry.status, headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return ClosingBody([], result)
        return ClosingBody([body], result)

    def _through(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Not cacheable: straight to the app, compressed when worth it."""
        if not (self.compress and accepts_gzip(environ)) and self.max_age_cap is None:
            return self.app(environ, start_response)
        # the client holds our compressed copy's ETag: the app knows the plain one
        held = environ.get("HTTP_IF_NONE_MATCH", "")
        gzip_tags = '-gzip"' in held
        if gzip_tags:
            environ = {**environ, "HTTP_IF_NONE_MATCH": held.replace('-gzip"', '"')}
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if gzip_tags and status.startswith("304"):
                headers = [(n, _gzip_etag(v) if n.lower() == "etag" else v) for n, v in headers]
            captured[:] = [status, headers, exc_info]
            return lambda _data: None  # Flask never writes; a write here is dropped

        result = self.app(environ, capture)
        if not captured:  # an app that starts its answer lazily: read it all first
            chunks = list(result)
            result = ClosingBody(chunks, result)
        status, headers, exc_info = captured
        headers = self._capped(headers)
        if not (self.compress and accepts_gzip(environ) and is_compressible(headers)):
            start_response(status, headers, exc_info)
            return result
        body = b"".join(result)
        return self._emit(status, headers, body, result, environ, start_response)

    def _emit(
        self,
        status: str,
        headers: list[tuple[str, str]],
        body: bytes,
        result: Iterable[bytes],
        environ: Environ,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        headers = self._capped(headers)
        if (
            self.compress
            and len(body) >= MIN_COMPRESS
            and accepts_gzip(environ)
            and is_compressible(headers)
        ):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers = [
                (n, _gzip_etag(v) if n.lower() == "etag" else v)
                for n, v in headers
                if n.lower() != "content-length"
            ]
            headers = _with_vary_encoding(headers)
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return ClosingBody([body] if environ.get("REQUEST_METHOD") != "HEAD" else [], result)

    def _capped(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Every ``max-age`` held to ``RESPONSE_MAX_AGE_CAP`` seconds when one is set."""
        cap = self.max_age_cap
        if cap is None:
            return headers

        def shorter(found: re.Match[str]) -> str:
            return f"max-age={min(int(found.group(1)), cap)}"

        return [
            (n, MAX_AGE.sub(shorter, v) if n.lower() == "cache-control" else v) for n, v in headers
        ]


def _gzip_etag(value: str) -> str:
    return value[:-1] + '-gzip"' if value.endswith('"') else value


def _digest(key: str) -> str:
    return sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _not_modified(environ: Environ, etag: str | None, headers: list[tuple[str, str]]) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
    wanted = environ.get("HTTP_IF_NONE_MATCH")
    if wanted is not None:
        if etag is None:
            return False
        if wanted.strip() == "*":
            return True
        ours = etag.removeprefix("W/")
        return any(tag.strip().removeprefix("W/") == ours for tag in wanted.split(","))
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is None:
        return False
    last_modified = next((v for n, v in headers if n.lower() == "last-modified"), None)
    if last_modified is None:
        return False
    asked, have = parse_date(since), parse_date(last_modified)
    return asked is not None and have is not None and have <= asked
