"""Which addresses federation may reach: IP literals read in every spelling the C library
accepts (``2130706433``, ``0177.1``, ``0x7f.0.0.1``, ``[::ffff:7f00:1]``), and the reason an
address is refused (private, loopback, link-local, …, or an IPv6 form embedding one)."""

from __future__ import annotations

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A source could not be fetched; the message says why, for the office."""


class Refused(FetchError):
    """The address is one this service must not reach."""


def host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


_INET_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")
_NUMERIC_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)$")


class _InvalidLiteral(ValueError):
    pass


def _inet_number(part: str) -> int:
    if not _INET_PART.match(part):
        raise _InvalidLiteral(part)
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)


def _ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` as inet_aton(3) does (1 to 4 parts, decimal, octal or hex), or None."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts = parts[:-1]
    if not parts or not all(_NUMERIC_PART.match(part) for part in parts):
        return None
    if len(parts) > 4:
        raise _InvalidLiteral(host)
    numbers = [_inet_number(part) for part in parts]
    *head, last = numbers
    if any(number > 255 for number in head) or last >= 256 ** (5 - len(numbers)):
        raise _InvalidLiteral(host)
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells literally (any IPv4 or IPv6 form), or None for a name.

    Raises :class:`Refused` for something that is neither a name nor a valid address.
    """
    key = host_key(host)
    try:
        if ":" in key:
            return ipaddress.IPv6Address(key)
        return _ipv4_literal(key)
    except (ValueError, OverflowError):
        raise Refused(f"{host} is not a valid address") from None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that embed one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    value = int(address)
    if 1 < value < 2**32:  # IPv4-compatible ::a.b.c.d (:: and ::1 are IPv6's own)
        return ipaddress.IPv4Address(value)
    if value >> 32 == 0xFFFF0000:  # IPv4-translated ::ffff:0:a.b.c.d
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address in _NAT64:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def forbidden_reason(address: IPAddress) -> str | None:
    """Why this service must not connect to ``address``, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            if reason is not None:
                return f"{reason} ({embedded}) in IPv6 form"
            if int(address) >> 32 in (0, 0xFFFF, 0xFFFF0000):
                return None  # mapped, compatible or translated: it is that IPv4 address
        if address in _LOCAL_NAT64:
            return "a local NAT64 address"
        if address.is_site_local:
            return "a site-local address"
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    for applies, reason in checks:
        if applies:
            return reason
    return None
