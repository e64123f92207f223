"""JSON-RPC through `odoorpc` (Odoo 16-21; deprecated from 19, removed in 22).

What `odoorpc` does, and what this module adds around it:

- `odoorpc.ODOO(...)` asks the server's version unless given one; the gateway has already probed it,
  so it is passed in and no request is wasted.
- `login()` costs two requests (`common.login`, then `res.users.context_get`). A wrong password
  makes `common.login` answer `false`, which odoorpc turns into an `RPCError` without `.info`.
- `execute_kw()` returns `data.get('result')`: Odoo omits `result` when a method returns None
  (`button_cancel`, `action_apply_inventory`), and that already comes back as None here. That is
  the right reading (the call succeeded), so no special case is needed beyond documenting it.
- Errors come as `odoorpc.error.RPCError` whose `.info` is Odoo's `error` object; urllib raises
  `HTTPError`/`URLError`/`TimeoutError` for transport failures, and `json` a `ValueError` for a body
  that is not JSON. All of it is mapped to our errors here.
- odoorpc's DEBUG log lines contain the `execute_kw` arguments, password included (it only hides a
  top-level `password` param). A filter on its logger scrubs the credentials before any handler
  sees the record.
- JSON-RPC sends the password with every call and keeps no server session, so "reconnecting" only
  means logging in again when the first login did not complete.
"""

from __future__ import annotations

import copy
import logging
import threading
import urllib.error
import urllib.request
from http.client import HTTPException
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlsplit

import odoorpc

from ..config import OdooConfig
from ..errors import (
    REDACTED,
    OdooAuthError,
    OdooError,
    OdooMalformedAnswer,
    OdooUnavailable,
    error_from_jsonrpc,
    map_odoo_error,
    redact,
)
from .base import RemoteCall, RpcCounter

_ODOORPC_LOGGER = "odoorpc.rpc.jsonrpclib"


class _CountingOpener:
    """The urllib opener odoorpc sends through, counting each request it opens."""

    def __init__(self, counter: RpcCounter) -> None:
        self._counter = counter
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, request: urllib.request.Request, data: Any = None, timeout: Any = None) -> Any:
        self._counter.increment()
        return self._opener.open(request, data, timeout)


class _ScrubCredentials(logging.Filter):
    """Removes passwords and API keys from odoorpc's debug records before they reach a handler.

    Positionally (the third `args` item of `common`/`object` calls is the password, `db` calls carry
    the master password) and by value (every secret a live gateway registered).
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: dict[str, int] = {}

    def register(self, secrets: tuple[str, ...]) -> None:
        with self._lock:
            for secret in secrets:
                self._secrets[secret] = self._secrets.get(secret, 0) + 1

    def unregister(self, secrets: tuple[str, ...]) -> None:
        with self._lock:
            for secret in secrets:
                left = self._secrets.get(secret, 0) - 1
                if left > 0:
                    self._secrets[secret] = left
                else:
                    self._secrets.pop(secret, None)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict) and isinstance(record.args.get("data"), dict):
            record.args = {**record.args, "data": _without_rpc_password(record.args["data"])}
        with self._lock:
            secrets = tuple(self._secrets)
        if secrets:
            record.msg = redact(record.getMessage(), secrets)
            record.args = None
        return True


def _without_rpc_password(data: dict[str, Any]) -> dict[str, Any]:
    params = data.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("args"), list):
        return data
    clean = copy.deepcopy(data)
    args = clean["params"]["args"]
    if params.get("service") == "db":
        clean["params"]["args"] = [REDACTED for _ in args]
    elif len(args) > 2:
        args[2] = REDACTED
    return clean


SCRUB_FILTER = _ScrubCredentials()
logging.getLogger(_ODOORPC_LOGGER).addFilter(SCRUB_FILTER)


class JsonRpcTransport:
    """Runs calls as `execute_kw` over `/jsonrpc`, authenticated with login and password."""

    name = "jsonrpc"

    def __init__(self, config: OdooConfig, counter: RpcCounter, *, server_version: str) -> None:
        self._config = config
        self._counter = counter
        self._server_version = server_version
        self._lock = threading.Lock()
        self._odoo: Any = None
        SCRUB_FILTER.register(config.secrets)
        self._registered = True

    def __repr__(self) -> str:
        return f"JsonRpcTransport(url={self._config.url!r}, db={self._config.db!r}, login={self._config.login!r})"

    def connect(self) -> None:
        self._session()

    def _session(self) -> Any:
        """The logged-in `odoorpc.ODOO`, logging in first if needed (one login for all threads)."""
        with self._lock:
            if self._odoo is not None:
                return self._odoo
            parts = urlsplit(self._config.url)
            https = parts.scheme == "https"
            try:
                odoo = odoorpc.ODOO(
                    parts.hostname,
                    protocol="jsonrpc+ssl" if https else "jsonrpc",
                    port=parts.port or (443 if https else 80),
                    timeout=self._config.timeout,
                    version=self._server_version,
                    opener=_CountingOpener(self._counter),
                )
                odoo.login(self._config.db, self._config.login, self._config.rpc_secret)
            except odoorpc.error.RPCError as exc:
                if not exc.info:  # odoorpc's own "Wrong login ID or password": login answered false
                    raise OdooAuthError(
                        f"Odoo refused the login of {self._config.login!r} on database {self._config.db!r}",
                        method="login",
                    ) from None
                raise self._rpc_error(exc, None, "login") from None
            except Exception as exc:
                raise self._transport_error(exc, None, "login") from exc
            self._odoo = odoo
            return odoo

    def execute(self, call: RemoteCall) -> Any:
        odoo = self._session()
        args, kwargs = call.jsonrpc_args()
        try:
            # None when Odoo left out `result` (the method returned None): success, see module doc.
            return odoo.execute_kw(call.model, call.method, args, kwargs)
        except odoorpc.error.RPCError as exc:
            raise self._rpc_error(exc, call.model, call.method) from None
        except Exception as exc:
            raise self._transport_error(exc, call.model, call.method) from exc

    def _rpc_error(self, exc: Any, model: str | None, method: str | None) -> OdooError:
        # `from None` above: odoorpc's exception adds nothing and its `info` holds Odoo's debug text.
        return error_from_jsonrpc(exc.info, model=model, method=method, secrets=self._config.secrets)

    def _transport_error(self, exc: Exception, model: str | None, method: str | None) -> OdooError:
        where = self._config.url
        if isinstance(exc, urllib.error.HTTPError):
            return map_odoo_error(
                None,
                f"Odoo at {where} answered HTTP {exc.code} to JSON-RPC",
                http_status=exc.code,
                model=model,
                method=method,
            )
        if isinstance(exc, urllib.error.URLError):
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                text = f"Odoo at {where} did not answer within {self._config.timeout:g}s"
            elif isinstance(reason, ConnectionRefusedError):
                text = f"Odoo at {where} refused the connection"
            else:
                text = f"Odoo at {where} is unreachable ({reason})"
            return OdooUnavailable(text, model=model, method=method)
        if isinstance(exc, TimeoutError):
            return OdooUnavailable(
                f"Odoo at {where} did not answer within {self._config.timeout:g}s", model=model, method=method
            )
        if isinstance(exc, (OSError, HTTPException)):
            return OdooUnavailable(
                f"Odoo at {where} is unreachable ({type(exc).__name__})", model=model, method=method
            )
        if isinstance(exc, (ValueError, AttributeError, KeyError, TypeError, IndexError)):
            # A body that is not JSON (ValueError), or JSON that is not Odoo's envelope: odoorpc
            # then fails on `data.get(...)` or `data['error']['data']`.
            return OdooMalformedAnswer(
                f"Odoo at {where} answered JSON-RPC with something that is not Odoo's protocol "
                f"({type(exc).__name__})",
                model=model,
                method=method,
            )
        return OdooError(f"Unexpected JSON-RPC failure ({type(exc).__name__})", model=model, method=method)

    def close(self) -> None:
        with self._lock:
            self._odoo = None
            if self._registered:
                SCRUB_FILTER.unregister(self._config.secrets)
                self._registered = False
