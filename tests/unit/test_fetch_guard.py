"""The address guard: what federation may reach, decided before any connection."""

from __future__ import annotations

import pytest

from tests.federation_support import stub_resolver
from widget_service.federation.fetch import (
    FetchError,
    FetchSettings,
    Refused,
    check_url,
    forbidden_reason,
    ip_literal,
    permitted_addresses,
)

SETTINGS = FetchSettings()

# every spelling of a private, loopback, link-local … address we know of
FORBIDDEN_HOSTS = [
    # loopback in IPv4's many spellings
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "2130706433",  # decimal
    "017700000001",  # octal
    "0177.0.0.1",
    "0177.0000.0000.0001",
    "0x7f000001",  # hex
    "0x7f.0.0.1",
    "0x7F.1",
    "0x7f.0x0.0x0.0x1",
    "127.0.0.1.",  # with the root's trailing dot
    "127.255.255.254",
    # unspecified
    "0",
    "0.0.0.0",  # noqa: S104 (an address to refuse; nothing binds here)
    "0x0",
    # private and shared ranges
    "10.0.0.1",
    "10.1",
    "012.0.0.1",  # 10.0.0.1 in octal
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "3232235521",  # 192.168.0.1 in decimal
    "100.64.0.1",  # carrier-grade NAT
    # link-local, the cloud metadata service above all
    "169.254.169.254",
    "2852039166",  # 169.254.169.254 in decimal
    "0xa9fea9fe",
    "0251.0376.0251.0376",
    # multicast, reserved, broadcast, documentation
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    # IPv6 itself
    "[::1]",
    "[::]",
    "[0:0:0:0:0:0:0:1]",
    "[fe80::1]",
    "[fe80::1%25eth0]",
    "[fc00::1]",
    "[fd12:3456:789a::1]",
    "[fec0::1]",  # site-local
    "[ff02::1]",  # multicast
    # IPv4 inside IPv6
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:7f00:1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:a9fe:a9fe]",
    "[::ffff:10.0.0.1]",
    "[::127.0.0.1]",  # IPv4-compatible
    "[::7f00:1]",
    "[::169.254.169.254]",
    "[::ffff:0:127.0.0.1]",  # IPv4-translated
    "[64:ff9b::127.0.0.1]",  # NAT64
    "[64:ff9b::a9fe:a9fe]",
    "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
    "[2002:a9fe:a9fe::1]",  # 6to4 of 169.254.169.254
]


@pytest.mark.parametrize("host", FORBIDDEN_HOSTS)
def test_literal_private_addresses_are_refused_in_every_spelling(host: str) -> None:
    with pytest.raises(Refused, match=r" is (an?|not) "):
        check_url(f"http://{host}/feed.xml", SETTINGS)
    with pytest.raises(Refused):
        check_url(f"https://{host}:443/feed.xml", SETTINGS)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0", "0.0.0.0"),  # noqa: S104 (an address to refuse; nothing binds here)
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
    ],
)
def test_literals_are_read_as_the_c_library_reads_them(host: str, address: str) -> None:
    assert str(ip_literal(host)) == address


@pytest.mark.parametrize("host", ["feeds.example", "1.example", "example.0x7f", "xn--bcher-kva"])
def test_names_are_not_literals(host: str) -> None:
    assert ip_literal(host) is None


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "0x1ffffffff", "09.0.0.1", "[::g]"])
def test_malformed_literals_are_refused(host: str) -> None:
    with pytest.raises(Refused):
        check_url(f"http://{host}/", SETTINGS)


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "2a00:1450:4001:82b::200e", "8.8.8.8", "::ffff:93.184.215.14"]
)
def test_public_addresses_pass(address: str) -> None:
    literal = ip_literal(address)
    assert literal is not None
    assert forbidden_reason(literal) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://feeds.example/feed.xml", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://feeds.example/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("//feeds.example/feed", "only http and https"),
        ("http://feeds.example:8080/feed", "port 8080"),
        ("https://feeds.example:22/", "port 22"),
        ("http://feeds.example:6379/", "port 6379"),
        ("http://user:secret@feeds.example/", "user name or password"),
        ("http://feeds.example@127.0.0.1/", "user name or password"),
        ("http:///feed", "names no host"),
        ("http://feeds.example:99999/", "not a valid address"),
    ],
)
def test_schemes_ports_and_credentials_are_checked(url: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        check_url(url, SETTINGS)


def test_ports_80_and_443_pass_for_public_names() -> None:
    for url in ("http://feeds.example/a", "https://feeds.example/a", "http://feeds.example:443/"):
        check_url(url, SETTINGS)


def test_names_are_checked_after_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_resolver(
        monkeypatch,
        {
            "public.example": ["93.184.215.14", "2a00:1450:4001:82b::200e"],
            "metadata.example": ["169.254.169.254"],
            "mixed.example": ["93.184.215.14", "10.0.0.3"],
            "mapped.example": ["::ffff:127.0.0.1"],
            "scoped.example": ["fe80::1%eth0"],
        },
    )
    assert permitted_addresses("public.example", 443, SETTINGS) == [
        "93.184.215.14",
        "2a00:1450:4001:82b::200e",
    ]
    with pytest.raises(Refused, match=r"metadata\.example resolves to 169\.254\.169\.254"):
        permitted_addresses("metadata.example", 80, SETTINGS)
    # one private answer refuses the name: the resolver must not get to choose
    with pytest.raises(Refused, match=r"10\.0\.0\.3, which is a private address"):
        permitted_addresses("mixed.example", 80, SETTINGS)
    with pytest.raises(Refused, match="loopback address"):
        permitted_addresses("mapped.example", 80, SETTINGS)
    with pytest.raises(Refused, match="link-local"):
        permitted_addresses("scoped.example", 80, SETTINGS)
    with pytest.raises(FetchError, match="could not be resolved"):
        permitted_addresses("unknown.example", 80, SETTINGS)
    with pytest.raises(Refused, match="port 8443"):
        permitted_addresses("public.example", 8443, SETTINGS)


def test_allowed_hosts_may_be_private_and_use_any_port(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_resolver(monkeypatch, {"intranet.example": ["10.1.2.3"]})
    allowed = FetchSettings(allow_hosts=frozenset({"intranet.example", "127.0.0.1"}))
    check_url("http://Intranet.Example:8080/feed", allowed)
    assert permitted_addresses("intranet.example", 8080, allowed) == ["10.1.2.3"]
    check_url("http://127.0.0.1:5000/feed", allowed)
    # only the listed host: its other spellings are not on the list
    with pytest.raises(Refused):
        check_url("http://2130706433:5000/feed", allowed)
    with pytest.raises(Refused):
        check_url("http://[::ffff:127.0.0.1]/feed", allowed)
    # the defaults allow nothing
    with pytest.raises(Refused):
        permitted_addresses("intranet.example", 80, SETTINGS)
