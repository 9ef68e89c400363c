"""Who may read ``/metrics``: the addresses in ``WIDGETS_METRICS_ALLOW`` (default loopback)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from flask import request

from ..config import ConfigurationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_ALLOW = ("127.0.0.0/8", "::1/128")
# headers a proxy adds: behind one, the peer address is the proxy's, not the client's
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def parse_networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` as networks; a bad entry stops the start with a message."""
    if value is None:
        value = DEFAULT_ALLOW
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    networks: list[Network] = []
    for entry in value:
        if not str(entry).strip():
            continue
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ConfigurationError(
                f"WIDGETS_METRICS_ALLOW must list addresses or networks, not {entry!r}."
            ) from None
    return tuple(networks)


def may_read_metrics(allowed: Iterable[Network]) -> bool:
    """True when the client's address is allowed.

    A request that came through a proxy (it carries the proxy's headers, and no ``ProxyFix``
    put the client's address in its place) is refused: its peer address is the proxy's own,
    often loopback, and would let anybody in.
    """
    environ = request.environ
    proxied = any(name in request.headers for name in PROXY_HEADERS)
    if proxied and "werkzeug.proxy_fix.orig" not in environ:
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in allowed)
