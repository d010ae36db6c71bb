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
