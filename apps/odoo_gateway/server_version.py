"""Asking Odoo which version it runs, without credentials, to pick the transport.

`/web/webclient/version_info` (a JSON-RPC web route) answers on every Odoo the product supports and
is what the recorded contract shows; `/web/version` (plain GET) is the documented probe from Odoo 19
and the fallback when the first route is missing. Either gives `server_version_info`, whose first
item is the major version; the text (`18.0+e-20241005`) is only for display.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .errors import OdooError, OdooMalformedAnswer, error_from_jsonrpc, map_odoo_error
from .transports.wire import HttpClient
from .values import OdooVersion

VERSION_INFO_PATH = "/web/webclient/version_info"
WEB_VERSION_PATH = "/web/version"


def fetch_server_version(client: HttpClient, *, secrets: Iterable[str] = ()) -> OdooVersion:
    """The server's version: one request, or two when the JSON-RPC route is missing (HTTP 404)."""
    envelope = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}
    status, raw = client.request(
        "POST",
        VERSION_INFO_PATH,
        body=json.dumps(envelope).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    path = VERSION_INFO_PATH
    if status == 404:
        path = WEB_VERSION_PATH
        status, raw = client.request("GET", WEB_VERSION_PATH)
    if status != 200:
        raise map_odoo_error(
            None, f"Odoo answered HTTP {status} to {path}", http_status=status, method="version"
        )
    try:
        answer: Any = json.loads(raw)
    except ValueError:
        raise OdooMalformedAnswer(f"Odoo's {path} answer is not JSON", method="version") from None
    if isinstance(answer, dict) and "error" in answer:
        raise _version_error(answer["error"], secrets)
    if isinstance(answer, dict) and "result" in answer:
        answer = answer["result"]
    try:
        return OdooVersion.from_answer(answer)
    except ValueError:
        raise OdooMalformedAnswer(f"Odoo's {path} answer has no version", method="version") from None


def _version_error(error: Any, secrets: Iterable[str]) -> OdooError:
    return error_from_jsonrpc(error, method="version", secrets=secrets)
