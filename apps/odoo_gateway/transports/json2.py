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
        if call.unnamed_positionals():
            raise OdooProgrammingError(
                "JSON-2 takes named arguments only: pass the method's parameters as keywords",
                model=call.model,
                method=call.method,
            )
        path = f"/json/2/{quote(call.model, safe='.')}/{quote(call.method, safe='')}"
        body = json.dumps(call.json2_body()).encode("utf-8")
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
        raise error_from_json2(
            status, answer, model=call.model, method=call.method, secrets=self._config.secrets
        )

    def close(self) -> None:
        self._client.close()
