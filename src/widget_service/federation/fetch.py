"""The one place that talks to other hosts: guarded, capped, cached GETs.

Everything a source's URL could be turned into an attack with is refused here:

- only ``http`` and ``https``, only ports 80 and 443, no user name or password in the URL;
- the address is checked after name resolution, at the moment of connecting, for every
  connection (so also on every redirect, and a name that resolves differently the second
  time cannot slip through): private, loopback, link-local (169.254.169.254), unique- and
  site-local, multicast, reserved, unspecified, shared (100.64/10) and any IPv6 form that
  embeds such an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are refused;
  literal addresses in any spelling (``2130706433``, ``0177.1``, ``0x7f.0.0.1``,
  ``[::ffff:7f00:1]``) are read the way the C library would read them;
- hosts in ``FETCH_ALLOW_HOSTS`` skip the address and port checks (an intranet partner);
- a connect timeout, a read timeout, a wall-clock deadline for the whole download (a
  watchdog closes the socket of a body that trickles forever), a cap on the body after
  decompression, a cap on redirects, no proxies or ``.netrc`` from the environment.

Responses go through a requests-cache session (SQLite in the instance folder, or Redis):
every poll revalidates with the stored ``ETag``/``Last-Modified``, so an unchanged source
costs a 304 and the caller is told so (``Fetched.not_modified``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests_cache.backends.sqlite import SQLiteCache
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
)
from urllib3.util.connection import create_connection

from ..timeutil import Deadline

# the errors of a fetch are those of its address guard (and import from here)
from .addresses import FetchError as FetchError
from .addresses import IPAddress, forbidden_reason, host_key, ip_literal
from .addresses import Refused as Refused
from .failures import describe

ALLOWED_SCHEMES = ("http", "https")
ALLOWED_PORTS = (80, 443)
ACCEPT = (
    "application/feed+json, application/json;q=0.9, application/atom+xml, "
    "application/rss+xml, text/calendar, application/xml;q=0.8, text/xml;q=0.7, */*;q=0.1"
)
CHUNK = 64 * 1024
CACHE_FILE = "fetch-cache.sqlite3"
REDIS_NAMESPACE = "widget-service:fetch"


@dataclass(frozen=True)
class FetchSettings:
    """Limits for one download; the defaults are the service's (see ``config.DEFAULTS``)."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_hosts: frozenset[str] = frozenset()
    user_agent: str = "widget-service (federation)"

    def is_allowed_host(self, host: str) -> bool:
        return host_key(host) in self.allow_hosts


@dataclass(frozen=True)
class Fetched:
    """A successful download: the body (decompressed), its type and validators."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    # the source answered 304: the body is the cached copy of what it sent before
    not_modified: bool
    # the download's deadline, which reading the body shares (``parse_feed(deadline=…)``)
    deadline: Deadline


# --- the address guard --------------------------------------------------------------------


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses a name resolves to (tests replace this with a stub resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


# getaddrinfo takes no timeout: lookups run here, and a fetch waits for one only as long
# as its connect timeout and deadline allow (a hung lookup keeps its thread, not the poll)
_RESOLVER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="widget-service-resolve")


def _resolve_in_time(host: str, port: int, settings: FetchSettings) -> list[str]:
    attempt = _ATTEMPT.get()
    left = (
        settings.deadline - (time.monotonic() - attempt.started) if attempt else settings.deadline
    )
    seconds = max(0.0, min(settings.connect_timeout, left))
    lookup = _RESOLVER.submit(resolve_host, host, port)
    try:
        return lookup.result(timeout=seconds)
    except FutureTimeout:
        lookup.cancel()
        raise FetchError(f"the name {host} was not resolved within {seconds:.1f} s") from None


def check_url(url: str, settings: FetchSettings) -> None:
    """Refuse a URL by its scheme, port, credentials or literal address (names are checked
    when connecting, after resolution)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(f"{url[:200]!r} is not a valid address") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise Refused(f"only http and https addresses are fetched, not {scheme or 'this'!r}")
    if parts.username is not None or parts.password is not None:
        raise Refused("addresses with a user name or password are not fetched")
    host = parts.hostname
    if not host:
        raise Refused(f"{url[:200]!r} names no host")
    if settings.is_allowed_host(host):
        return
    literal = ip_literal(host)
    if literal is not None:
        reason = forbidden_reason(literal)
        if reason is not None:
            raise Refused(f"{host} is {reason}")
    _check_port(host, port if port is not None else (443 if scheme == "https" else 80))


def _check_port(host: str, port: int) -> None:
    if port not in ALLOWED_PORTS:
        raise Refused(f"port {port} of {host} is not fetched (only 80 and 443)")


def permitted_addresses(host: str, port: int, settings: FetchSettings) -> list[str]:
    """The addresses to connect to for ``host``; raise :class:`Refused` if any is forbidden.

    One forbidden address refuses the name: a resolver that answers with a public and a
    private address must not get to choose.
    """
    allowed = settings.is_allowed_host(host)
    literal = ip_literal(host)
    if literal is not None:
        candidates: list[IPAddress] = [literal]
    else:
        try:
            resolved = _resolve_in_time(host, port, settings)
        except (OSError, UnicodeError):
            raise FetchError(f"the name {host} could not be resolved") from None
        candidates = []
        for text in resolved:
            try:
                candidates.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError:
                raise Refused(f"{host} resolves to {text!r}, which is not an address") from None
        if not candidates:
            raise FetchError(f"the name {host} has no address")
    if not allowed:
        for candidate in candidates:
            reason = forbidden_reason(candidate)
            if reason is not None:
                shown = host if literal is not None else f"{host} resolves to {candidate}, which"
                raise Refused(f"{shown} is {reason}")
        _check_port(host, port)
    return [str(candidate) for candidate in candidates]


# --- one download: its limits, the watchdog, guarded connections --------------------------


@dataclass
class _Attempt:
    """One call of :meth:`Fetcher.fetch`: its settings, deadline and the sockets it opened."""

    settings: FetchSettings
    started: float = field(default_factory=time.monotonic)
    expired: bool = False
    sockets: list[socket.socket] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        """Called by the watchdog at the deadline: unblock whatever is reading."""
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)

    def past_deadline(self) -> bool:
        return self.expired or time.monotonic() - self.started > self.settings.deadline

    def too_slow(self) -> FetchError:
        return FetchError(f"the download took longer than {self.settings.deadline:g} s")


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_ATTEMPT: ContextVar[_Attempt | None] = ContextVar("widget_service_fetch", default=None)


def _guarded_socket(connection: HTTPConnection) -> socket.socket:
    attempt = _ATTEMPT.get()
    if attempt is None:
        raise Refused("connections are only made by Fetcher.fetch")
    host = connection._dns_host  # the name as it will be resolved (IDNA-encoded)
    port = connection.port or 80
    last_error: OSError | None = None
    for address in permitted_addresses(host, port, attempt.settings):
        try:
            sock = create_connection(
                (address, port),
                connection.timeout,
                source_address=connection.source_address,
                socket_options=connection.socket_options,
            )
        except TimeoutError as error:
            raise ConnectTimeoutError(connection, f"timed out connecting to {host}") from error
        except OSError as error:
            last_error = error
            continue
        attempt.register(sock)
        return sock
    raise NewConnectionError(connection, f"could not connect to {host}") from last_error


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """Connects only through the guard and reads each body under the attempt's caps."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise Refused("fetching through a proxy is not supported")

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        attempt = _ATTEMPT.get()
        if attempt is None:
            raise Refused("connections are only made by Fetcher.fetch")
        check_url(request.url or "", attempt.settings)
        response = super().send(
            request, stream=True, timeout=timeout, verify=verify, cert=cert, proxies=None
        )
        _read_body(response, attempt)
        return response


def _read_body(response: requests.Response, attempt: _Attempt) -> None:
    """Read the body within the caps, decompressed, so nothing downstream reads the socket."""
    limit = attempt.settings.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise FetchError(
            f"the response is larger than {_size(limit)} (it says {_size(int(declared))})"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.raw.stream(CHUNK, decode_content=True):
            size += len(chunk)
            if size > limit:
                raise FetchError(f"the response is larger than {_size(limit)} after decompression")
            if attempt.past_deadline():
                raise attempt.too_slow()
            chunks.append(chunk)
    except FetchError:
        response.close()
        raise
    except (HTTPError, OSError, ValueError) as error:
        response.close()
        if attempt.past_deadline():
            raise attempt.too_slow() from None
        raise FetchError(describe(error, attempt.settings)) from None
    if attempt.past_deadline():
        raise attempt.too_slow()
    response._content = b"".join(chunks)
    response._content_consumed = True


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    if count >= 1024:
        return f"{count / 1024:g} KB"
    return f"{count} bytes"


# --- the fetcher --------------------------------------------------------------------------


class Fetcher:
    """Downloads sources under :class:`FetchSettings`, through a shared requests-cache backend.

    ``fetch`` may be called from several threads at once; each call has its own session,
    connections and deadline.
    """

    def __init__(self, settings: FetchSettings, cache: Any) -> None:
        self.settings = settings
        self.cache = cache

    def close(self) -> None:
        """Close the cache backend's connections."""
        self.cache.close()

    def fetch(
        self,
        url: str,
        accept: str = ACCEPT,
        *,
        validators: tuple[str | None, str | None] | None = None,
    ) -> Fetched:
        """GET ``url`` (following redirects under guard); raise :class:`FetchError`.

        ``accept`` is the Accept header: feeds by default. With ``validators`` (ETag,
        Last-Modified) the request is conditional on them and bypasses the response
        cache: for pictures, whose copies the caller keeps itself.
        """
        attempt = _Attempt(self.settings)
        token = _ATTEMPT.set(attempt)
        watchdog = threading.Timer(self.settings.deadline, attempt.expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            with self._session(accept, validators) as session:
                return self._follow(session, url, attempt)
        except FetchError:
            if attempt.expired:
                raise attempt.too_slow() from None
            raise
        except (requests.RequestException, HTTPError, OSError, ValueError) as error:
            if attempt.past_deadline():
                raise attempt.too_slow() from None
            raise FetchError(describe(error, self.settings)) from None
        finally:
            watchdog.cancel()
            _ATTEMPT.reset(token)

    def _session(
        self, accept: str, validators: tuple[str | None, str | None] | None
    ) -> requests.Session:
        if validators is not None:
            session = requests.Session()
            etag, last_modified = validators
            if etag:
                session.headers["If-None-Match"] = etag
            if last_modified:
                session.headers["If-Modified-Since"] = last_modified
            return self._guarded(session, accept)
        cached: requests.Session = requests_cache.CachedSession(
            backend=self.cache,
            # every use revalidates with the stored validators; no validators, no caching
            expire_after=requests_cache.EXPIRE_IMMEDIATELY,
            cache_control=False,
            allowable_codes=(200,),
            allowable_methods=("GET",),
            # the backend is shared by every fetch; it is closed with the fetcher
            autoclose=False,
        )
        return self._guarded(cached, accept)

    def _guarded(self, session: requests.Session, accept: str) -> requests.Session:
        # no proxies, certificates or .netrc credentials from the environment
        session.trust_env = False
        session.headers.update({"User-Agent": self.settings.user_agent, "Accept": accept})
        adapter = _GuardedAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def _follow(self, session: requests.Session, url: str, attempt: _Attempt) -> Fetched:
        current = url
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        for hop in range(self.settings.max_redirects + 1):
            try:
                check_url(current, self.settings)
                response = session.get(current, allow_redirects=False, timeout=timeout)
            except Refused as error:
                if hop == 0:
                    raise
                raise Refused(f"redirected to {current[:200]}: {error}") from None
            except ValueError as error:
                if isinstance(error, requests.RequestException):
                    raise
                # requests reads a redirect's Location even when it is not to follow it
                detail = _words(str(error), 100)
                raise FetchError(
                    f"the server names an address that is not valid ({detail})"
                ) from None
            if response.is_redirect:
                current = urljoin(current, response.headers["Location"])
                continue
            deadline = Deadline.within(self.settings.deadline, start=attempt.started)
            return _result(current, response, deadline)
        raise FetchError(f"more than {self.settings.max_redirects} redirects")


def _result(url: str, response: requests.Response, deadline: Deadline) -> Fetched:
    from_cache = bool(getattr(response, "from_cache", False))
    status = response.status_code
    if not from_cache and not 200 <= status < 300 and status != 304:
        reason = f" {_words(response.reason, 100)}" if response.reason else ""
        raise FetchError(f"the server answered {status}{reason}")
    headers = response.headers
    return Fetched(
        url=url,
        status=304 if from_cache else status,
        body=b"" if status == 304 and not from_cache else response.content,
        content_type=headers.get("Content-Type"),
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        not_modified=from_cache or status == 304,
        deadline=deadline,
    )


def _words(text: str, limit: int) -> str:
    """Text a server sent, on one line and cut to ``limit``."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- configuration ------------------------------------------------------------------------


def user_agent(public_url: str | None) -> str:
    """The User-Agent: the service, its version, and where the instance is."""
    try:
        version = metadata.version("widget-service")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        version = "dev"
    where = f"+{public_url}" if public_url else "alliance widget service"
    return f"widget-service/{version} ({where}; federation)"


def settings_from_config(config: Mapping[str, Any]) -> FetchSettings:
    """Fetch settings from the app's ``FETCH_*`` configuration."""
    hosts: Iterable[str] = config.get("FETCH_ALLOW_HOSTS") or ()
    return FetchSettings(
        connect_timeout=float(config["FETCH_CONNECT_TIMEOUT"]),
        read_timeout=float(config["FETCH_READ_TIMEOUT"]),
        deadline=float(config["FETCH_DEADLINE"]),
        max_bytes=int(config["FETCH_MAX_BYTES"]),
        max_redirects=int(config["FETCH_MAX_REDIRECTS"]),
        allow_hosts=frozenset(host_key(host) for host in hosts if host.strip()),
        user_agent=user_agent(config.get("PUBLIC_URL")),
    )


def make_cache(config: Mapping[str, Any], instance_path: str) -> Any:
    """The response cache: Redis when ``REDIS_URL`` is set, else SQLite in the instance folder.

    JSON, not pickle: a shared cache must not be able to make us run code.
    """
    redis_url = config.get("REDIS_URL")
    if redis_url:
        import redis  # only needed when Redis is configured
        from requests_cache.backends.redis import RedisCache

        return RedisCache(
            namespace=REDIS_NAMESPACE,
            connection=redis.Redis.from_url(str(redis_url)),
            serializer="json",
            # kept until replaced: sources revalidate on their own schedule, however long
            ttl=False,
        )
    path = config.get("FETCH_CACHE_PATH") or str(Path(instance_path) / CACHE_FILE)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteCache(path, serializer="json", busy_timeout=5000, wal=True)


def fetcher_from_config(config: Mapping[str, Any], instance_path: str) -> Fetcher:
    """A :class:`Fetcher` as the app's configuration describes it."""
    return Fetcher(settings_from_config(config), make_cache(config, instance_path))
