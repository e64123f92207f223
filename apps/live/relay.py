"""The embedded-mode relay: live notices from the Celery worker and beat to the web process, over HTTP.

Without Redis the channel layer is `InMemoryChannelLayer`, which lives inside one process: a group
send made by the worker reaches no browser. With `CT_LIVE_RELAY_URL` set (`run_demo` sets it for the
worker and beat when it finds no Redis), `broadcast.py` hands its group messages to `relay_post`
instead, which POSTs them to the web process's endpoint (`apps.live.views.relay`); the endpoint sends
them on the web process's own layer, where the browsers are.

Only the transport lives here (signing, posting, verifying); which groups and messages exist, and
every group send, stay in `broadcast.py`. A request is signed with HMAC-SHA256 over
"<timestamp>.<body>", keyed by `salted_hmac` from `SECRET_KEY` (the processes of one installation
share it), and is refused when its timestamp is more than `RELAY_TOLERANCE_SECONDS` away. A captured
request could be replayed within that window: it would only make pages re-fetch what they may see.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from channels.layers import InMemoryChannelLayer
from django.utils.crypto import constant_time_compare, salted_hmac

from apps.live import conf

logger = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-CT-Relay-Timestamp"
SIGNATURE_HEADER = "X-CT-Relay-Signature"
_KEY_SALT = "ct.live.relay"

# The relay talks to the web process of the same installation: never through an HTTP proxy that the
# environment (HTTP_PROXY) may name for outside traffic.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class RelayRejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def relay_signature(timestamp: str, body: bytes) -> str:
    return salted_hmac(_KEY_SALT, timestamp.encode() + b"." + body, algorithm="sha256").hexdigest()


def relay_wanted(layer: Any) -> bool:
    """Sender side: relay instead of sending on this process's own (in-memory) layer?"""
    return bool(conf.RELAY_URL) and isinstance(layer, InMemoryChannelLayer)


def relay_open(layer: Any) -> bool:
    """Endpoint side: accept relayed notices only while the layer is in-memory. With Redis every
    process sends on the shared layer itself, and no one may inject messages."""
    return isinstance(layer, InMemoryChannelLayer)


def relay_verify(*, body: bytes, timestamp: str, signature: str, now: float | None = None) -> None:
    """Raise `RelayRejected` (403) unless the request is signed by a process sharing SECRET_KEY, recently."""
    if not timestamp or not signature:
        raise RelayRejected(403, f"The {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required.")
    try:
        stamp = int(timestamp)
    except ValueError:
        raise RelayRejected(403, f"{TIMESTAMP_HEADER} is not a whole number of seconds.") from None
    if abs((time.time() if now is None else now) - stamp) > conf.RELAY_TOLERANCE_SECONDS:
        raise RelayRejected(403, f"{TIMESTAMP_HEADER} is too old or in the future.")
    if not constant_time_compare(signature, relay_signature(timestamp, body)):
        raise RelayRejected(403, f"{SIGNATURE_HEADER} does not match the body.")


def _bodies(items: Sequence[Mapping[str, Any]]) -> Iterator[tuple[bytes, int]]:
    """JSON lists of the items, each below the endpoint's size limit (a large sync batch takes several)."""
    batch: list[bytes] = []
    size = 2
    for item in items:
        encoded = json.dumps(item, separators=(",", ":")).encode()
        if batch and size + len(encoded) + 1 > conf.RELAY_MAX_BYTES:
            yield b"[" + b",".join(batch) + b"]", len(batch)
            batch, size = [], 2
        batch.append(encoded)
        size += len(encoded) + 1
    if batch:
        yield b"[" + b",".join(batch) + b"]", len(batch)


def relay_post(items: Sequence[Mapping[str, Any]]) -> None:
    """POST the group messages (`{"group", "message"}` items) to the web process. Never raises: a live
    notice is best effort (pages resynchronise on reconnect), so a failure is logged at warning and the
    remaining items are dropped."""
    url = conf.RELAY_URL
    sent = 0
    try:
        for body, count in _bodies(items):
            timestamp = str(int(time.time()))
            request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 (http(s) only: conf)
                "Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: relay_signature(timestamp, body)})
            with _opener.open(request, timeout=conf.RELAY_TIMEOUT_SECONDS) as response:
                if response.status != 204:
                    raise RelayRejected(response.status, f"answered HTTP {response.status}")
            sent += count
    except urllib.error.HTTPError as error:
        logger.warning("Live updates could not be relayed to %s (%d of %d not sent): HTTP %d %s",
                       url, len(items) - sent, len(items), error.code, error.reason)
    except Exception as error:  # a live notice is best effort; browsers resynchronise on reconnect
        logger.warning("Live updates could not be relayed to %s (%d of %d not sent): %s",
                       url, len(items) - sent, len(items), error)
