"""Which addresses a link found in text may reach: no loopback, private or metadata hosts.

Links come from untrusted text (paper abstracts, READMEs, cards, project pages). Before any
request, and again at every redirect hop, `AddressGuard.refusal(url)` checks the scheme (http
and https only), the literal host (an IP literal, `localhost`, `metadata.google.internal`, ...)
and every address the host resolves to; through a proxy, which resolves names itself, the host
name alone. Refused: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the
cloud metadata address, fe80::/10), unspecified, multicast and reserved addresses, and
IPv4-mapped forms of those. Trusted: the configured service endpoints (their scheme, host and
port, and the addresses that host resolves to on that port) and what `[network] allow_private`
lists (CIDR ranges or host names) for a lab's intranet.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = ("http", "https")
# Names that reach the machine itself or a cloud's instance metadata whatever DNS says.
BLOCKED_NAMES = frozenset({
    "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data",
    "instance-data.ec2.internal",
})
METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254", "100.100.100.200"})


def address_kind(address: IPAddress) -> str | None:
    """Why an address may not be reached from a link ("a loopback address" ...), or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_kind(address.ipv4_mapped)
    if str(address) in METADATA_ADDRESSES:
        return "a cloud metadata address"
    checks = (
        ("is_loopback", "a loopback address"),
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_private", "a private address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, kind in checks:
        if getattr(address, attribute):
            return kind
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a private address"  # 100.64/10, carrier-grade NAT
    return None


_SHARED = ipaddress.ip_network("100.64.0.0/10")


def _literal(host: str) -> IPAddress | None:
    """The address a host literal denotes, including forms like `127.1` and `0x7f.1`."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:  # inet_aton reads the shorthand forms browsers and libc accept (127.1, 2130706433)
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


class AddressGuard:
    """Decides whether a URL taken from untrusted text may be requested."""

    def __init__(
        self, *, allow: Iterable[str] = (), trusted_endpoints: Iterable[str] = ()
    ) -> None:
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self._hosts: set[str] = set()
        for entry in allow:
            try:
                self._networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                self._hosts.add(entry.strip().lower().rstrip("."))
        self._endpoints = [urlsplit(url) for url in trusted_endpoints if url]
        self._trusted: set[tuple[str, int]] | None = None
        self._lock = threading.Lock()

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be requested ("refused: ..."), or None when it may."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            return f"refused: the {scheme or 'missing'} scheme is not followed (http/https only)"
        try:
            host = (parts.hostname or "").lower().rstrip(".")
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            return "refused: the URL's port is not a number"
        if not host:
            return "refused: the URL has no host"
        if host in self._hosts:
            return None
        literal = _literal(host)
        if literal is not None:
            return self._judge(host, [literal], port)
        if host in BLOCKED_NAMES or host.endswith(".localhost"):
            if self._trusted_pair(host, port) or self._all_allowed(host, port):
                return None
            return f"refused: {host} names this machine or a cloud metadata service"
        if requests.utils.get_environ_proxies(url).get(scheme):
            return None  # the proxy resolves the name; the name itself was checked above
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None  # the request itself will fail with the resolver's reason
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        return self._judge(host, addresses, port)

    def _judge(self, host: str, addresses: list[IPAddress], port: int) -> str | None:
        for address in addresses:
            kind = address_kind(address)
            if kind is None or self._allowed(address, port):
                continue
            shown = host if host == str(address) else f"{host} ({address})"
            return f"refused: {shown} is {kind}"
        return None

    def _allowed(self, address: IPAddress, port: int) -> bool:
        if any(address in network for network in self._networks):
            return True
        return (str(address), port) in self._trusted_pairs()

    def _all_allowed(self, host: str, port: int) -> bool:
        """Whether every address `host` resolves to is explicitly allowed or trusted."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        return bool(addresses) and all(self._allowed(a, port) for a in addresses)

    def _trusted_pair(self, host: str, port: int) -> bool:
        return (host, port) in self._trusted_pairs()

    def _trusted_pairs(self) -> set[tuple[str, int]]:
        """(host or address, port) of every configured endpoint, resolved once."""
        with self._lock:
            if self._trusted is None:
                pairs: set[tuple[str, int]] = set()
                for parts in self._endpoints:
                    host = (parts.hostname or "").lower()
                    port = parts.port or (443 if parts.scheme == "https" else 80)
                    pairs.add((host, port))
                    literal = _literal(host)
                    if literal is not None:
                        pairs.add((str(literal), port))
                        continue
                    try:
                        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                    except (OSError, UnicodeError):
                        continue
                    pairs.update((info[4][0].split("%", 1)[0], port) for info in infos)
                self._trusted = pairs
            return self._trusted
