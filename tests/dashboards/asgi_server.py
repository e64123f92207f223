"""The portal's ASGI application (HTTP and websockets) served by uvicorn in a thread, for browser tests.

pytest-django's `live_server` speaks WSGI only; live updates need the websocket. The server runs the
same `controltower.asgi.application`, with static files served as `runserver` would.

With SQLite's in-memory test database every thread must use the test's own connection (as Django's
live server does), and that one connection must never be used by two threads at once: SQLite calls
back into Python (Django's date functions, the percentile aggregate) while holding the connection's
lock, and a second thread waiting on that lock with the GIL held deadlocks both. So on SQLite all
synchronous work of the server — views and consumers' database calls — runs on one thread. On
PostgreSQL each thread opens its own connection to the test database and runs concurrently.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import uvicorn
from asgiref.sync import ThreadSensitiveContext
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connections


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OneDatabaseThread:
    """Runs every scope's thread-sensitive synchronous work (views, `database_sync_to_async`) on one
    thread shared by all connections."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asgi-test-db")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async with ThreadSensitiveContext(executor=self.executor):
            await self.app(scope, receive, send)


def in_memory_sqlite() -> bool:
    connection = connections["default"]
    return connection.vendor == "sqlite" and bool(connection.is_in_memory_db())


class AsgiServer:
    """Start, stop and start again on the same port (to test reconnection)."""

    def __init__(self, port: int | None = None) -> None:
        from controltower.asgi import application

        self.port = port or free_port()
        served = ASGIStaticFilesHandler(application)
        self.app = OneDatabaseThread(served) if in_memory_sqlite() else served
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AsgiServer:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                ws_ping_interval=None)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="asgi-test-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("The ASGI test server did not start.")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None


@contextmanager
def shared_sqlite_connection(monkeypatch: Any) -> Iterator[None]:
    """Hand the test's in-memory SQLite connection to every thread that asks for one."""
    if not in_memory_sqlite():
        yield
        return
    shared = connections["default"]
    shared.inc_thread_sharing()
    original = connections.create_connection
    monkeypatch.setattr(connections, "create_connection",
                        lambda alias: shared if alias == "default" else original(alias))
    try:
        yield
    finally:
        shared.dec_thread_sharing()
