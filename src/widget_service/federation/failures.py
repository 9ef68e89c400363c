"""Why a download failed, in words for the office: the cause is looked for in the whole
chain of exceptions and said plainly, not in the libraries' own words."""

from __future__ import annotations

import http.client
import ssl
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import requests
from urllib3.exceptions import (
    DecodeError,
    IncompleteRead,
    InvalidChunkLength,
    LocationParseError,
    ProtocolError,
    ReadTimeoutError,
)

if TYPE_CHECKING:
    from .fetch import FetchSettings


def describe(error: BaseException, settings: FetchSettings) -> str:
    """What went wrong, in words for the office.

    The libraries' own messages name their objects (``_GuardedHTTPPool(host=…)``,
    ``IncompleteRead(5 bytes read…)``); the cause is looked for in the whole chain of
    exceptions and said plainly.
    """
    causes = _causes(error)
    for kind, say in _IN_WORDS:
        for cause in causes:
            if isinstance(cause, kind):
                return say(cause, settings)
    for cause in reversed(causes):
        reason = getattr(cause, "strerror", None)
        if isinstance(cause, OSError) and isinstance(reason, str) and reason:
            return f"could not connect: {reason[0].lower()}{reason[1:]}"
    return f"the download failed ({type(error).__name__})"


def _causes(error: BaseException) -> list[BaseException]:
    """The exception and every one it wraps: causes, contexts, reasons and arguments."""
    found: list[BaseException] = []
    waiting = [error]
    while waiting and len(found) < 50:
        current = waiting.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        inner += list(current.args)
        waiting += [item for item in inner if isinstance(item, BaseException)]
    return found


def _tls_failure(error: BaseException, settings: FetchSettings) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = str(error.verify_message or "it could not be verified").rstrip(".")
        return f"the server's certificate was not accepted: {detail}"
    reason = getattr(error, "reason", None)
    detail = f" ({reason.lower().replace('_', ' ')})" if isinstance(reason, str) else ""
    return f"the secure connection (TLS) to the server failed{detail}"


def _incomplete(error: BaseException, settings: FetchSettings) -> str:
    partial = getattr(error, "partial", None)
    count = len(partial) if isinstance(partial, bytes) else partial
    got = f" after {count} bytes" if isinstance(count, int) else ""
    return f"the server broke off the response{got}"


def _decoding(error: BaseException, settings: FetchSettings) -> str:
    return "the response says it is compressed, but it cannot be decompressed"


_Say = Callable[[BaseException, "FetchSettings"], str]
# the most telling first: a timeout wrapped in a connection error is a timeout
_IN_WORDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], _Say], ...] = (
    (
        (ReadTimeoutError, requests.ReadTimeout),
        lambda _, s: f"the server did not send anything for {s.read_timeout:g} s",
    ),
    (
        # not urllib3's ConnectTimeoutError: every failure to connect is one of those
        requests.ConnectTimeout,
        lambda _, s: f"could not connect: no answer within {s.connect_timeout:g} s",
    ),
    (ssl.SSLError, _tls_failure),
    (ConnectionRefusedError, lambda *_: "could not connect: the connection was refused"),
    (
        http.client.RemoteDisconnected,
        lambda *_: "the server closed the connection without answering",
    ),
    (
        (ConnectionResetError, BrokenPipeError, ConnectionAbortedError),
        lambda *_: "the server broke off the connection",
    ),
    (InvalidChunkLength, lambda *_: "the server's response is broken (a malformed chunk)"),
    ((IncompleteRead, http.client.IncompleteRead), _incomplete),
    ((DecodeError, requests.exceptions.ContentDecodingError, zlib.error), _decoding),
    (http.client.BadStatusLine, lambda *_: "the server did not answer in HTTP"),
    (http.client.LineTooLong, lambda *_: "the server sent a header line that is too long"),
    (
        (http.client.HTTPException, ProtocolError),
        lambda *_: "the server's answer is not valid HTTP",
    ),
    (
        (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, LocationParseError),
        lambda *_: "not a valid address",
    ),
    (TimeoutError, lambda _, s: f"the server did not send anything for {s.read_timeout:g} s"),
)
