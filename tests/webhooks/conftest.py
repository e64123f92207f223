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


@pytest.fixture
def receiver() -> Iterator[Receiver]:
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
            self.wfile.write(f"answer {status}".encode())

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


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def subscribe(actor: Any, url: str, events: list[str] | None = None, **options: Any
              ) -> tuple[WebhookSubscription, str]:
    return subscription_create(actor=actor, name=options.pop("name", "n8n"), url=url, events=events or ["*"],
                               **options)
