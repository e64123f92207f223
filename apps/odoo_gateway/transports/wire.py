"""A minimal keep-alive HTTP client on the standard library, for JSON-2 and the version probe.

One `http.client` connection per thread: connections are not thread-safe, and a worker thread
making many small reads should not pay a TCP (and TLS) handshake for each. Every request sent is
counted, and every network failure becomes `OdooUnavailable`, so callers deal with one error type.
A failed request is never re-sent here: whether that is safe depends on the call (see the gateway).
"""

from __future__ import annotations

import http.client
import select
import threading
import weakref
from urllib.parse import urlsplit

from ..errors import OdooUnavailable
from .base import RpcCounter


def _closed_by_peer(conn: http.client.HTTPConnection) -> bool:
    """True when the server has closed an idle keep-alive connection (it then reads as EOF).

    Checked before reusing a connection, as urllib3 does, instead of resending after a failure:
    a request that fails after being sent may have been applied by Odoo (a lost reply), and only
    the gateway may decide to send it again (reads) or not (writes).
    """
    sock = conn.sock
    if sock is None:
        return False
    try:
        if hasattr(select, "poll"):  # no FD_SETSIZE limit, unlike select()
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class HttpClient:
    """Sends requests to one Odoo server and returns `(status, body)`; never raises other errors
    than `OdooUnavailable`."""

    def __init__(self, base_url: str, *, timeout: float, counter: RpcCounter, user_agent: str) -> None:
        parts = urlsplit(base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._base_url = base_url
        self._timeout = timeout
        self._counter = counter
        self._user_agent = user_agent
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            if self._https:
                conn = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout)
            else:
                conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
            self._local.conn = conn
            with self._lock:
                self._open.add(conn)
        return conn

    def _drop(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        self._local.conn = None

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        all_headers = {"User-Agent": self._user_agent, "Accept": "application/json"}
        all_headers.update(headers or {})
        conn = self._connection()
        if _closed_by_peer(conn):
            conn.close()  # http.client reconnects on the next request
        self._counter.increment()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop(conn)
            raise self._unavailable(exc) from exc
        if response.will_close:
            self._drop(conn)
        return response.status, data

    def _unavailable(self, exc: BaseException) -> OdooUnavailable:
        if isinstance(exc, TimeoutError):
            text = f"Odoo at {self._base_url} did not answer within {self._timeout:g}s"
        elif isinstance(exc, ConnectionRefusedError):
            text = f"Odoo at {self._base_url} refused the connection"
        else:
            text = f"Odoo at {self._base_url} is unreachable ({type(exc).__name__}: {exc})"
        return OdooUnavailable(text)

    def close(self) -> None:
        with self._lock:
            connections = list(self._open)
            self._open = weakref.WeakSet()
        for conn in connections:
            conn.close()
        self._local = threading.local()

