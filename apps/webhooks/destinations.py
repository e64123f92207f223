"""Where a webhook may go: public receivers only, unless an operator listed an inside one.

A receiver URL is typed by a person, so it must not become a way into the network (SSRF): the
database on loopback, a cloud metadata service on link-local, an admin page on a private range. A
name is resolved and refused when ANY of its addresses is not public (an attacker's name can hold
a public and a private address), unless `CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS` lists the name or a
CIDR holding the address. The check runs when a subscription is saved and again before each
attempt, and the sender connects to the very addresses checked here, so a name that changes its
answer between the check and the connection (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext, gettext_noop

from apps.webhooks import conf

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # a translator reaches the IPv4 address in the last 32 bits
HINT = gettext_noop("receivers inside the network must be listed in CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS")


class DestinationRefused(ValueError):
    """The URL may not receive webhooks; the message says why in plain words."""


@dataclass(frozen=True)
class Destination:
    """A checked receiver: the name to present (Host header, TLS SNI) and the addresses to connect to."""

    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def resolve(host: str, port: int) -> list[str]:
    """Every address a name resolves to, in the resolver's order (the network seam tests replace)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_class(address: Address) -> str | None:
    """Why an address is off limits ("loopback", "private"...), or None for a public one. An IPv6
    address carrying an IPv4 one (mapped `::ffff:a.b.c.d`, 6to4, NAT64) is judged by the IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return address_class(embedded)
        if address.teredo is not None:
            return "tunnelled"
    checks = (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
              ("link-local", address.is_link_local), ("multicast", address.is_multicast),
              ("reserved", address.is_reserved), ("private", address.is_private))
    for name, matches in checks:
        if matches:
            return name
    return None if address.is_global else "non-public"


def _allowed(host: str, address: Address) -> bool:
    names, networks = conf.allowed_hosts_parse(conf.ALLOWED_HOSTS)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return host in names or any(address in network for network in networks)


def _parse(text: str) -> Address:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")


def destination_check(url: str) -> Destination:
    """The receiver behind `url`, or DestinationRefused: http(s) only, plain http only when allowed,
    no credentials, and every address public or allowed. Resolves the name (once per call)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused(gettext("Enter an http:// or https:// address."))
    if parts.scheme == "http" and not conf.ALLOW_HTTP:
        raise DestinationRefused(gettext("Use https:// (plain http is disabled: CT_OUTBOUND_WEBHOOK_ALLOW_HTTP)."))
    if parts.username or parts.password:
        raise DestinationRefused(gettext("Do not put credentials in the address; events are signed instead."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DestinationRefused(gettext("The port of this address is not a number between 1 and 65535.")) from None
    host = parts.hostname.rstrip(".")
    try:
        literal: Address | None = _parse(host)
    except ValueError:
        literal = None
    if literal is not None:
        found = [host]
    else:
        try:
            found = resolve(host, port)
        except (OSError, UnicodeError):
            raise DestinationRefused(gettext("%(host)s cannot be found (no address in DNS).")
                                     % {"host": host}) from None
        if not found:
            raise DestinationRefused(gettext("%(host)s cannot be found (no address in DNS).") % {"host": host})
    for text in found:
        address = _parse(text)
        reason = address_class(address)
        if reason and not _allowed(host, address):
            refusal = (gettext("%(host)s is a %(kind)s address: webhooks go to public receivers only (%(hint)s).")
                       if literal is not None else
                       gettext("%(host)s resolves to a %(kind)s address: webhooks go to public receivers only "
                               "(%(hint)s)."))
            raise DestinationRefused(refusal % {"host": host, "kind": reason, "hint": gettext(HINT)})
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Destination(scheme=parts.scheme, host=host, port=port, target=target, addresses=tuple(found))
