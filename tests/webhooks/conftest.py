"""A local receiver for outbound webhooks (a tiny http.server on 127.0.0.1 in a thread) and helpers to
subscribe it. The receiver records every request as it arrived and answers with scripted statuses."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache

from apps.webhooks.models import WebhookSubscription
from apps.webhooks.services import subscription_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, in order; then 200
    delay: float = 0.0
    body: bytes | None = None  # the answer's body; by default "answer <status>"

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


def verify(secret: str, received: Received, *, tolerance: int = 300, now: float | None = None) -> bool:
    """An independent check, written as a receiver would from the README (not the portal's code)."""
    import time

    stamp = received.headers["X-Signature-Timestamp"]
    if abs((now or time.time()) - int(stamp)) > tolerance:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + received.body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["X-Signature"])


PUBLIC_ADDRESS = "93.184.215.14"
NAMES: dict[str, list[str]] = {"hooks.example.com": [PUBLIC_ADDRESS], "example.com": [PUBLIC_ADDRESS]}


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """No test asks the real DNS: names resolve from this table (a test may change it); others fail."""
    import socket

    from apps.webhooks import destinations

    table = {name: list(addresses) for name, addresses in NAMES.items()}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])

    monkeypatch.setattr(destinations, "resolve", resolve)
    return table


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A real receiver on loopback, reached through the allow-list as an operator would list it."""
    from apps.webhooks import conf

    monkeypatch.setattr(conf, "ALLOWED_HOSTS", [*conf.ALLOWED_HOSTS, "127.0.0.1/32"])
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            if state.delay:
                import time

                time.sleep(state.delay)
            status = state.next_status()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(state.body if state.body is not None else f"answer {status}".encode())

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/ct"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that subscribe a loopback address where nothing listens."""
    from apps.webhooks import conf

    monkeypatch.setattr(conf, "ALLOWED_HOSTS", ["127.0.0.1/32"])


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def subscribe(actor: Any, url: str, events: list[str] | None = None, **options: Any
              ) -> tuple[WebhookSubscription, str]:
    return subscription_create(actor=actor, name=options.pop("name", "n8n"), url=url, events=events or ["*"],
                               **options)
