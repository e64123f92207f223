"""The HTTP face of the sandbox: Odoo's routes, fault injection, and `SandboxServer` to run it.

Routes: POST /jsonrpc, POST /web/webclient/version_info, POST /web/session/authenticate,
POST /web/session/get_session_info, POST /web/dataset/call_kw, POST /web/database/list, GET /web/version,
POST /json/2/<model>/<method> (Odoo 19+ only), POST /web/hook/<uuid>; and the sandbox's own
GET|POST /sandbox/faults, GET /sandbox/status, POST /sandbox/simulate/step (never faulted).
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import errors
from .core import Sandbox, tag_stores
from .faults import Faults
from .hints import HintDispatcher
from .inbound import handle_hook
from .json2 import handle_json2
from .rpc import handle_jsonrpc, handle_web
from .seed import seed
from .seed_data import USERS
from .simulator import Simulator

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024 * 1024
PAGE_503 = (
    b"<html><head><title>503 Service Unavailable</title></head><body><center><h1>503 Service Unavailable</h1>"
    b"</center><hr><center>nginx</center></body></html>\n"
)
PAGE_404 = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server.</p>\n"
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.12"
    owner: SandboxServer  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    # -- plumbing --------------------------------------------------------------------------------
    def _body(self) -> tuple[bytes, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        raw = self.rfile.read(length) if length else b""
        try:
            return raw, json.loads(raw) if raw else None
        except ValueError:
            return raw, ValueError

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its timeout): as with Odoo, the work is done, the answer is lost.
            self.close_connection = True

    def _json(self, status: int, payload: Any, extra: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        self._send(status, json.dumps(payload).encode(), content_type, extra)

    def _drop(self) -> None:
        """Close the connection without answering (a crashed worker or a cut network)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _session_uid(self) -> int | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "session_id":
                return self.owner.sandbox.sessions.get(value)
        return None

    # -- dispatch --------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        try:
            raw, body = self._body()
        except (ValueError, OSError):
            self._send(413, b"request body too large", "text/plain")
            return
        if path.startswith("/sandbox/"):
            self._control(path, body)
            return
        faults = self.owner.faults
        if faults.refusing():
            self._drop()
            return
        if faults.is_down():
            self._send(503, PAGE_503, "text/html")
            return
        if faults.latency > 0:
            time.sleep(faults.latency)
        failure = faults.request_failure()
        if failure == "503":
            self._send(503, PAGE_503, "text/html")
            return
        if failure == "timeout":
            time.sleep(faults.hang_seconds)
        if failure in ("drop", "timeout"):
            self._drop()
            return
        self.owner._count()
        status, payload, content_type, extra = self._route(path, raw, body)
        if faults.lose_reply():
            self._drop()
            return
        if isinstance(payload, bytes):
            self._send(status, payload, content_type, extra)
        else:
            self._json(status, payload, extra, content_type or "application/json")

    def _route(self, path: str, raw: bytes, body: Any) -> tuple[int, Any, str, dict[str, str] | None]:
        sandbox = self.owner.sandbox
        if path.startswith("/json/2/") and sandbox.major >= 19:
            headers = {k.lower(): v for k, v in self.headers.items()}
            return handle_json2(sandbox, path, self.command, headers, raw)
        if body is ValueError and self.command == "POST" and not path.startswith("/web/hook/"):
            return (
                400,
                {
                    "jsonrpc": "2.0",
                    "id": None,
                    "error": {
                        "code": 400,
                        "message": "Invalid JSON data",
                        "data": errors.OdooError("Invalid JSON data").payload(),
                    },
                },
                "",
                None,
            )
        if path == "/jsonrpc" and self.command == "POST":
            return 200, handle_jsonrpc(sandbox, body), "", None
        if path == "/web/version":
            info = sandbox.version_payload()
            return 200, {"version_info": info["server_version_info"], "version": info["server_version"]}, "", None
        if path.startswith("/web/hook/"):
            payload = body if isinstance(body, dict) else dict(urllib.parse.parse_qsl(raw.decode(errors="replace")))
            payload = payload or dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            status, answer = handle_hook(sandbox, path.rsplit("/", 1)[-1], payload)
            return (status, answer, "", None) if answer is not None else (404, PAGE_404, "text/html", None)
        if path.startswith("/web/") and self.command == "POST":
            answer, new_uid = handle_web(sandbox, path, body, self._session_uid())
            if not (
                isinstance(answer, dict)
                and answer.get("error", {}).get("data", {}).get("name") == "werkzeug.exceptions.NotFound"
            ):
                extra = None
                if new_uid is not None:
                    extra = {"Set-Cookie": f"session_id={sandbox.new_session(new_uid)}; HttpOnly; Path=/; SameSite=Lax"}
                return 200, answer, "", extra
        return 404, PAGE_404, "text/html", None

    def _control(self, path: str, body: Any) -> None:
        owner = self.owner
        if path == "/sandbox/faults":
            if self.command == "POST":
                try:
                    if not isinstance(body, dict):
                        raise ValueError("send a JSON object of fault settings")
                    owner.faults.update(body)
                except (ValueError, TypeError) as exc:
                    self._json(400, {"error": str(exc)})
                    return
            self._json(200, owner.faults.as_dict())
        elif path == "/sandbox/status":
            self._json(200, owner.status())
        elif path == "/sandbox/simulate/step" and self.command == "POST":
            self._json(200, {"did": owner.simulator.step()})
        elif path == "/sandbox/tag-stores" and self.command == "POST":
            field = body.get("field") if isinstance(body, dict) else None
            if not isinstance(field, str) or not field.startswith("x_"):
                self._json(400, {"error": 'send {"field": "x_..."}, the store field the portal created'})
                return
            self._json(200, {"tagged": owner.tag_stores(field)})
        else:
            self._send(404, PAGE_404, "text/html")


class SandboxServer:
    """A seeded fake Odoo on 127.0.0.1, started in daemon threads."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        version: str = "18.0",
        db: str = "retail",
        seed_network: bool = True,
        simulate: float | None = None,
        hints_url: str | None = None,
        hint_models: list[str] | None = None,
        api_keys: dict[str, str] | None = None,
        random_seed: int = 42,
        fault_seed: int | None = None,
        calm_health: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.sandbox = Sandbox(version=version, db=db, api_keys=api_keys, base_url=f"http://{host}:{port}")
        self.faults = Faults(fault_seed)
        self.hints = HintDispatcher(self.sandbox, self.faults)
        self.sandbox.hints = self.hints
        self.hints.hints_url = hints_url
        self.hints.hint_models = frozenset(hint_models) if hint_models else None
        seed(self.sandbox, network=seed_network, random_seed=random_seed, calm_health=calm_health)
        self.simulator = Simulator(self.sandbox, random_seed=random_seed, calm_health=calm_health)
        self.simulate = simulate
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._running = threading.Event()
        self._listen_lock = threading.Lock()
        self._request_count = 0
        self._count_lock = threading.Lock()

    # -- public API ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def db(self) -> str:
        return self.sandbox.db

    @property
    def version(self) -> str:
        return self.sandbox.version

    @property
    def hints_url(self) -> str | None:
        return self.hints.hints_url

    @hints_url.setter
    def hints_url(self, value: str | None) -> None:
        self.hints.hints_url = value

    @property
    def rpc_count(self) -> int:
        """Odoo-protocol HTTP requests handled (faulted ones and /sandbox routes not counted)."""
        return self._request_count

    def _count(self) -> None:
        with self._count_lock:
            self._request_count += 1

    def api_key_for(self, login: str) -> str:
        return self.sandbox.api_key_for(login)

    def uid_for(self, login: str) -> int:
        uid = self.sandbox.uid_of(login)
        if uid is None:
            raise KeyError(f"no active user {login!r}")
        return uid

    def users(self) -> list[dict[str, Any]]:
        return [
            {
                "login": login,
                "password": password,
                "uid": self.sandbox.uid_of(login),
                "name": name,
                "api_key": self.api_key_for(login),
            }
            for login, name, password, _groups in USERS
        ]

    def execute(
        self, login: str, model: str, method: str, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None
    ) -> Any:
        """Call a model method as `login` directly on the store (no HTTP, no faults); raises OdooError."""
        return self.sandbox.call(
            self.uid_for(login), model, method, list(args or []), dict(kwargs or {}), transport="inprocess"
        )

    def tag_stores(self, field: str) -> int:
        """Fill in the portal's store field on the seeded store documents (see `core.tag_stores`)."""
        return tag_stores(self.sandbox, field)

    def status(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "db": self.db,
            "version": self.version,
            "rpc_count": self.rpc_count,
            "deprecated_rpc_calls": self.sandbox.deprecated_rpc_calls,
            "users": [{"login": u["login"], "uid": u["uid"]} for u in self.users()],
            "faults": self.faults.as_dict(),
            "simulator": {"interval": self.simulate, "steps": self.simulator.steps},
            "hints": {"hints_url": self.hints_url, "delivered": len(self.hints.deliveries)},
        }

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        self._running.set()
        self._listen()
        monitor = threading.Thread(target=self._monitor, name="odoo-sandbox-monitor", daemon=True)
        monitor.start()
        self._threads.append(monitor)
        if self.simulate:
            self.simulator.start(float(self.simulate))
        return self

    def stop(self) -> None:
        self._running.clear()
        self.simulator.stop()
        with self._listen_lock:
            self._unlisten()
        self.hints.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _listen(self) -> None:
        handler = type("SandboxHandler", (_Handler,), {"owner": self})
        ThreadingHTTPServer.allow_reuse_address = True
        httpd = ThreadingHTTPServer((self.host, self.port), handler)
        httpd.daemon_threads = True
        self.port = httpd.server_address[1]
        self.sandbox.base_url = self.url
        thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"odoo-sandbox-{self.port}", daemon=True
        )
        thread.start()
        self._httpd = httpd

    def _unlisten(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def _monitor(self) -> None:
        """Close the listening socket while an outage refuses connections; reopen it after."""
        while self._running.is_set():
            refusing = self.faults.refusing()
            with self._listen_lock:
                if not self._running.is_set():
                    return
                if refusing and self._httpd is not None:
                    self._unlisten()
                elif not refusing and self._httpd is None:
                    try:
                        self._listen()
                    except OSError:
                        log.warning("odoo sandbox: port %s busy, retrying", self.port)
            time.sleep(0.02)
