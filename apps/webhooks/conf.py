"""Settings of outbound webhooks, read strictly from the environment (see README "Outbound webhooks").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from controltower import env

_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


def allowed_hosts_parse(entries: list[str], *, name: str = "CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"
                        ) -> tuple[frozenset[str], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    """Host names and CIDRs (a bare address is a /32 or /128) that may be reached although they are not
    public; anything else stops the start, so a typo never silently widens or narrows the list."""
    names: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in entries:
        text = entry.strip().lower().rstrip(".").strip("[]")
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
            continue
        except ValueError:
            pass
        if "/" in text or not _HOSTNAME.match(text):
            raise ImproperlyConfigured(f"{name}: {entry!r} is neither a host name nor an address or CIDR.")
        names.add(text)
    return frozenset(names), tuple(networks)


# One delivery attempt: how long to wait for the receiver.
TIMEOUT_SECONDS = env.decimal("CT_OUTBOUND_WEBHOOK_TIMEOUT", 5.0, minimum=0.1)
# Retries: exponential backoff with jitter between attempts, up to a cap, then the delivery is dead.
MAX_ATTEMPTS = env.integer("CT_OUTBOUND_WEBHOOK_MAX_ATTEMPTS", 10, minimum=1)
BACKOFF_SECONDS = env.decimal("CT_OUTBOUND_WEBHOOK_BACKOFF_SECONDS", 30.0, minimum=0)
BACKOFF_CAP_SECONDS = env.decimal("CT_OUTBOUND_WEBHOOK_BACKOFF_CAP_SECONDS", 6 * 3600.0, minimum=0)
# A claimed delivery whose worker died is retried after this lease.
LEASE_SECONDS = env.integer("CT_OUTBOUND_WEBHOOK_LEASE_SECONDS", 120, minimum=5)
# Delivered and dead deliveries (and their events) are kept this long for the log and redelivery.
KEEP_DAYS = env.integer("CT_OUTBOUND_WEBHOOK_KEEP_DAYS", 30, minimum=1)
# Plain http:// receivers: allowed in the embedded mode, refused in production unless enabled.
ALLOW_HTTP = env.flag("CT_OUTBOUND_WEBHOOK_ALLOW_HTTP", not settings.PRODUCTION)
# Receivers inside the network (loopback, private, link-local...) are refused unless listed here:
# host names and CIDRs, comma-separated (e.g. `n8n.internal,10.20.0.0/16`).
ALLOWED_HOSTS = env.csv("CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS")
allowed_hosts_parse(ALLOWED_HOSTS)
# How many deliveries one dispatcher pass sends at most.
DISPATCH_BATCH = 100
# How much of a receiver's answer is kept in the delivery log.
RESPONSE_EXCERPT = 200
