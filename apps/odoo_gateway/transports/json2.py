"""JSON-2, Odoo 19's external API: `POST /json/2/<model>/<method>` with an API key.

Stateless: no login round trip, the key travels in the `Authorization` header of every request and
each call is its own transaction. Success is HTTP 200 with the bare JSON result (`null` for a method
that returns None); failures are 4xx/5xx with `{name, message, arguments, context, debug}`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..config import OdooConfig
from ..errors import OdooMalformedAnswer, OdooProgrammingError, OdooUnavailable, error_from_json2
from .base import RemoteCall, RpcCounter
from .wire import HttpClient

USER_AGENT = "control-tower-odoo-gateway/1"
# `@api.model` methods: the only ones sent without `ids`. Odoo 19 runs any other method sent without ids
# on an empty recordset and answers success (`button_confirm {}` → `true`): a write that never happened.
MODEL_METHODS = frozenset({
    "create", "search", "search_read", "search_count", "search_fetch", "read_group", "formatted_read_group",
    "fields_get", "name_search", "name_create", "default_get", "context_get", "check_access_rights",
    "get_views", "web_search_read", "web_read_group",
})


def json2_body(call: RemoteCall) -> dict[str, Any]:
    """The request body, or `OdooProgrammingError` before anything is sent for the two calls Odoo 19
    accepts and silently ignores: a record method without ids, and arguments that are not named (a
    list-shaped body is dropped: `search_read` then answers every record with every field)."""
    def refuse(why: str) -> OdooProgrammingError:
        return OdooProgrammingError(f"Not sent over JSON-2: {why}", model=call.model, method=call.method)

    if call.method in MODEL_METHODS:
        if call.ids is not None:
            raise refuse(f"{call.method} is a model method and takes no ids")
    elif not call.ids:
        raise refuse(f"{call.method} is a record method and no ids were given: Odoo would run it on no record "
                     "and answer success")
    if call.unnamed_positionals():
        raise refuse("JSON-2 takes named arguments only: pass the method's parameters as keywords")
    body = call.json2_body()
    if not isinstance(body, dict) or not all(isinstance(key, str) and key.isidentifier() for key in body):
        raise refuse("the body must be an object of named arguments")
    return body


class Json2Transport:
    """Runs calls over JSON-2; needs `config.api_key`."""

    name = "json2"

    def __init__(self, config: OdooConfig, counter: RpcCounter, *, client: HttpClient | None = None) -> None:
        if not config.api_key:
            raise OdooProgrammingError("The JSON-2 transport needs an API key (ODOO_API_KEY)")
        self._config = config
        self._client = client or HttpClient(
            config.url, timeout=config.timeout, counter=counter, user_agent=USER_AGENT
        )
        self._headers = {
            "Authorization": f"bearer {config.api_key}",
            "Content-Type": "application/json; charset=utf-8",
            "X-Odoo-Database": config.db,
        }

    def __repr__(self) -> str:
        return f"Json2Transport(url={self._config.url!r}, db={self._config.db!r})"

    def connect(self) -> None:
        """Nothing to do: JSON-2 has no session, a bad key shows up on the first call."""

    def execute(self, call: RemoteCall) -> Any:
        body = json.dumps(json2_body(call)).encode("utf-8")
        path = f"/json/2/{quote(call.model, safe='.')}/{quote(call.method, safe='')}"
        try:
            status, raw = self._client.request("POST", path, body=body, headers=self._headers)
        except OdooUnavailable as exc:
            exc.model, exc.method = call.model, call.method
            raise
        try:
            answer = json.loads(raw) if raw else None
            parsed = True
        except ValueError:  # includes UnicodeDecodeError
            answer, parsed = None, False
        if status == 200:
            if not parsed or not raw:
                raise OdooMalformedAnswer(
                    "Odoo answered HTTP 200 with a body that is not JSON",
                    model=call.model,
                    method=call.method,
                    http_status=status,
                )
            return answer
        if status == 404 and not parsed:  # Odoo's HTML page: X-Odoo-Database names no database it serves
            raise OdooProgrammingError(
                f"Odoo answered HTTP 404 with a page, not JSON: it serves no database {self._config.db!r} "
                "(check ODOO_DB)", model=call.model, method=call.method, http_status=status,
            )
        raise error_from_json2(
            status, answer, model=call.model, method=call.method, secrets=self._config.secrets
        )

    def close(self) -> None:
        self._client.close()
