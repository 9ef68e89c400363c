"""The fetcher against a local server: validators, caps, redirects, refused connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.federation_support import FEED_HOST, FeedServer
from widget_service.federation import fetch
from widget_service.federation.fetch import Fetcher, FetchError, FetchSettings, Refused

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[Fetcher]:
    settings = FetchSettings(
        connect_timeout=2,
        read_timeout=2,
        deadline=1.5,
        max_bytes=1024 * 1024,
        max_redirects=3,
        allow_hosts=frozenset({FEED_HOST}),
        user_agent=fetch.user_agent("https://widgets.example"),
    )
    cache = fetch.make_cache({"FETCH_CACHE_PATH": str(tmp_path / "cache.sqlite3")}, str(tmp_path))
    own = Fetcher(settings, cache)
    yield own
    own.close()


def test_the_second_fetch_is_a_304_with_the_cached_body(
    feeds: FeedServer, fetcher: Fetcher
) -> None:
    feeds.serve("/feed.rss", RSS, "application/rss+xml")
    first = fetcher.fetch(feeds.url("/feed.rss"))
    second = fetcher.fetch(feeds.url("/feed.rss"))
    assert (first.status, first.not_modified, first.body) == (200, False, RSS)
    assert (second.status, second.not_modified, second.body) == (304, True, RSS)
    assert second.etag == first.etag is not None
    assert feeds.statuses("/feed.rss") == [200, 304]
    assert feeds.hits[1].headers["If-None-Match"] == first.etag


def test_a_source_without_validators_is_fetched_whole_each_time(
    feeds: FeedServer, fetcher: Fetcher
) -> None:
    feeds.serve("/plain.rss", RSS, "application/rss+xml", etag=False)
    assert not fetcher.fetch(feeds.url("/plain.rss")).not_modified
    assert not fetcher.fetch(feeds.url("/plain.rss")).not_modified
    assert feeds.statuses("/plain.rss") == [200, 200]


def test_the_user_agent_names_the_service(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve("/feed.rss", RSS, "application/rss+xml")
    fetcher.fetch(feeds.url("/feed.rss"))
    agent = feeds.hits[0].headers["User-Agent"]
    assert agent.startswith("widget-service/") and "+https://widgets.example" in agent


def _huge(with_length: bool) -> Callable[[BaseHTTPRequestHandler], int]:
    def handler(request: BaseHTTPRequestHandler) -> int:
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        if with_length:
            request.send_header("Content-Length", str(50 * 1024 * 1024))
        request.end_headers()
        chunk = b"x" * (1024 * 1024)
        for _ in range(50):
            request.wfile.write(chunk)
        return 200

    return handler


def test_a_50_mb_body_is_refused_by_its_length_or_once_past_the_cap(
    feeds: FeedServer, fetcher: Fetcher
) -> None:
    feeds.routes["/said.xml"] = _huge(with_length=True)
    feeds.routes["/unsaid.xml"] = _huge(with_length=False)
    with pytest.raises(FetchError, match=r"larger than 1 MB \(it says 50 MB\)"):
        fetcher.fetch(feeds.url("/said.xml"))
    with pytest.raises(FetchError, match="larger than 1 MB after decompression"):
        fetcher.fetch(feeds.url("/unsaid.xml"))


def test_refused_addresses_are_never_connected_to(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve("/secret", b"internal", "text/plain")
    port = feeds.port
    for url in (
        f"http://127.0.0.1:{port}/secret",
        f"http://2130706433:{port}/secret",
        f"http://0x7f.1:{port}/secret",
        f"http://[::ffff:127.0.0.1]:{port}/secret",
        f"http://rebind.test:{port}/secret",  # a name that resolves to loopback
        "http://rebind.test/secret",
    ):
        with pytest.raises(Refused):
            fetcher.fetch(url)
    # full-width digits become 127.0.0.1 under IDNA; refused either way
    with pytest.raises(FetchError):
        fetcher.fetch(f"http://１２７.０.０.１:{port}/secret")
    assert feeds.hits == []


def test_redirects_are_checked_at_every_hop_and_capped(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve("/feed.rss", RSS, "application/rss+xml")
    feeds.redirect("/moved", feeds.url("/feed.rss"), status=301)
    assert fetcher.fetch(feeds.url("/moved")).url == feeds.url("/feed.rss")

    feeds.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(Refused, match=r"redirected to http://169\.254\.169\.254/.*link-local"):
        fetcher.fetch(feeds.url("/to-metadata"))
    feeds.redirect("/to-rebind", "http://rebind.test/feed.rss")
    with pytest.raises(Refused, match=r"rebind\.test resolves to 127\.0\.0\.1"):
        fetcher.fetch(feeds.url("/to-rebind"))
    feeds.redirect("/to-file", "file:///etc/passwd")
    with pytest.raises(Refused, match="only http and https"):
        fetcher.fetch(feeds.url("/to-file"))

    feeds.redirect("/loop", feeds.url("/loop"))
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetcher.fetch(feeds.url("/loop"))
    assert len(feeds.statuses("/loop")) == 4


def test_proxies_from_the_environment_are_not_used(
    feeds: FeedServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://10.9.9.9:3128")
    feeds.serve("/feed.rss", RSS, "application/rss+xml")
    assert fetcher.fetch(feeds.url("/feed.rss")).body == RSS


def test_an_error_status_and_a_closed_port_are_errors(feeds: FeedServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="the server answered 404 Not Found"):
        fetcher.fetch(feeds.url("/missing"))
    with pytest.raises(FetchError, match="could not connect"):
        fetcher.fetch(f"http://{FEED_HOST}:1/feed")


def test_a_connection_outside_a_fetch_is_refused() -> None:
    with pytest.raises(Refused, match=r"only made by Fetcher\.fetch"):
        fetch._guarded_socket(fetch._GuardedHTTPConnection("feeds.example", 80))


def test_a_name_that_does_not_resolve_in_time_fails_the_fetch_not_the_worker(
    feeds: FeedServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> list[str]:
        release.wait(10)  # a resolver that does not answer (getaddrinfo has no timeout)
        return ["127.0.0.1"]

    monkeypatch.setattr(fetch, "resolve_host", hanging)
    # the lookup may take the connect timeout, well inside the deadline's 1.5 s
    quick = Fetcher(replace(fetcher.settings, connect_timeout=0.3), fetcher.cache)
    try:
        with pytest.raises(FetchError, match=f"the name {FEED_HOST} was not resolved within 0.3 s"):
            quick.fetch(feeds.url("/feed.json"))
    finally:
        release.set()


def _raw(answer: bytes, *, then_wait: float = 0.0) -> Callable[[BaseHTTPRequestHandler], int]:
    """A route that writes ``answer`` as it is (status line and all), then waits."""

    def handler(request: BaseHTTPRequestHandler) -> int:
        request.wfile.write(answer)
        request.wfile.flush()
        time.sleep(then_wait)
        return 200

    return handler


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n"


@pytest.mark.parametrize(
    ("answer", "then_wait", "message"),
    [
        (
            OK_HEAD + b"Content-Length: 50\r\n\r\n<rss",
            1.0,
            "the server did not send anything for 0.3 s",
        ),
        (OK_HEAD + b"Content-Length: 50\r\n\r\n<rss", 0.0, "the server broke off the response"),
        (
            OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n<rss",
            0.0,
            "the server's response is broken (a malformed chunk)",
        ),
        (
            OK_HEAD + b"Content-Encoding: gzip\r\nContent-Length: 5\r\n\r\n<rss>",
            0.0,
            "the response says it is compressed, but it cannot be decompressed",
        ),
        (b"garbage garbage\r\n\r\n", 0.0, "the server did not answer in HTTP"),
        (
            OK_HEAD + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n",
            0.0,
            "the server sent a header line that is too long",
        ),
        (b"", 0.0, "the server closed the connection without answering"),
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://[::1/feed\r\nContent-Length: 0\r\n\r\n",
            0.0,
            "the server names an address that is not valid (Invalid IPv6 URL)",
        ),
        (
            b"HTTP/1.1 503 Busy\r\n\t, try\x01 later\r\nContent-Length: 0\r\n\r\n",
            0.0,
            "the server answered 503 Busy",
        ),
    ],
)
def test_every_failure_is_said_in_words_without_the_libraries_names(
    feeds: FeedServer, fetcher: Fetcher, answer: bytes, then_wait: float, message: str
) -> None:
    patient = Fetcher(replace(fetcher.settings, read_timeout=0.3, deadline=5), fetcher.cache)
    feeds.routes["/raw"] = _raw(answer, then_wait=then_wait)
    with pytest.raises(FetchError) as failure:
        patient.fetch(feeds.url("/raw"))
    said = str(failure.value)
    assert said.startswith(message), said
    for internal in ("Guarded", "Pool", "host=", "object at", "Errno", "(", "\\n"):
        assert internal not in said.replace(message, ""), said


def test_a_refused_connection_and_a_tls_failure_are_said_in_words(
    feeds: FeedServer, fetcher: Fetcher
) -> None:
    with pytest.raises(FetchError, match=r"^could not connect: the connection was refused$"):
        fetcher.fetch(f"http://{FEED_HOST}:1/feed")
    # an https address answered by a plain HTTP server
    with pytest.raises(FetchError, match=r"^the secure connection \(TLS\) to the server failed"):
        fetcher.fetch(f"https://{FEED_HOST}:{feeds.port}/feed")
