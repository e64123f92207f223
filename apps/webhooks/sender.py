"""One HTTP POST to a receiver, with the standard library (no extra runtime dependency).

The receiver is checked again just before sending (`destinations.destination_check`) and the
connection goes to the very address checked, while the Host header and TLS (SNI and certificate
name) use the name from the URL: a name that answers differently a second later (DNS rebinding)
cannot send the request inside the network. Redirects are not followed (a signed event goes to the
configured address or nowhere), and the answer is read only up to a small excerpt for the log.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from apps.webhooks.destinations import Destination, DestinationRefused, destination_check

USER_AGENT = "ControlTower-Webhooks/1.0"


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int
    refused: bool = False  # the destination is not allowed: nothing was sent

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def tls_context() -> ssl.SSLContext:
    """The system's trusted authorities, with host name checking (tests trust a local authority)."""
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address; the Host header still names the receiver."""

    def __init__(self, destination: Destination, address: str, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to a checked address; SNI and the certificate check use the receiver's name."""

    def __init__(self, destination: Destination, address: str, timeout: float) -> None:
        self.tls = tls_context()
        super().__init__(destination.host, destination.port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _read_excerpt(response: Any, limit: int) -> str:
    try:
        return bytes(response.read(limit)).decode("utf-8", "replace")
    except (OSError, ValueError, http.client.HTTPException):
        return ""


def _failure(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"No answer within {timeout:g} s"
    if isinstance(exc, OSError):
        return f"Connection failed: {exc.strerror or exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, excerpt_limit: int) -> SendResult:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        destination = destination_check(url)
    except DestinationRefused as exc:
        return SendResult(None, f"Refused: {exc}"[:300], "", elapsed(), refused=True)
    kind = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    error = "No address to connect to"
    for address in destination.addresses:  # every one was checked; the next is tried if one is down
        connection = kind(destination, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as exc:
                error = _failure(exc, timeout)
                continue
            try:
                connection.request("POST", destination.target, body=body, headers={
                    "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
                response = connection.getresponse()
                excerpt = _read_excerpt(response, excerpt_limit)
            except (OSError, http.client.HTTPException) as exc:
                return SendResult(None, _failure(exc, timeout), "", elapsed())
        finally:
            connection.close()
        status = response.status
        reason = "" if 200 <= status < 300 else "Redirect not followed" if 300 <= status < 400 else f"HTTP {status}"
        return SendResult(status, reason, excerpt, elapsed())
    return SendResult(None, error, "", elapsed())
