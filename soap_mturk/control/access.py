"""Who may use the control API: loopback clients, plus any networks the operator
allows with `--control-from`. The control API can empty the store, so it is not
for the networks the SOAP API may be exposed to."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


def parse_networks(text: str | Iterable[str] | None) -> tuple[Network, ...]:
    """'10.0.0.0/8,192.168.1.5' (or a list of such) as networks; ValueError names a bad one."""
    if text is None:
        return ()
    parts = text.split(",") if isinstance(text, str) else list(text)
    networks = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{part!r} is not an IP address or CIDR network") from None
    return tuple(networks)


def host_name(host_header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower-cased."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


class HostFilter:
    """Which Host headers the control API answers. A page on another site can make a
    browser send requests to 127.0.0.1 under its own name by re-pointing its DNS
    (DNS rebinding); the Host header still carries that name. So only loopback names,
    IP literals (a page cannot be served from our address) and the names the server
    was started with are answered. A request without Host (HTTP/1.0) is no browser's."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = {host_name(n) for n in names if n}

    def allows(self, host_header: str | None) -> bool:
        if host_header is None:
            return True
        name = host_name(host_header)
        if name == "localhost" or name.endswith(".localhost") or name in self.names:
            return True
        try:
            ipaddress.ip_address(name.split("%")[0])
        except ValueError:
            return False
        return True


class ClientFilter:
    def __init__(self, extra: Iterable[Network] = ()):
        self.networks = LOOPBACK + tuple(extra)

    def allows(self, remote_addr: str | None) -> bool:
        try:
            address = ipaddress.ip_address((remote_addr or "").split("%")[0])
        except ValueError:
            return False
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        return any(address.version == n.version and address in n for n in self.networks)
