"""Fixtures for the Odoo sandbox tests: a running sandbox and a tiny JSON-RPC client (plain pytest, no Django)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from apps.odoo_sandbox.seed_data import USERS
from apps.odoo_sandbox.server import SandboxServer
from apps.odoo_sandbox.testing import running_sandbox

PASSWORDS = {login: password for login, _name, password, _groups in USERS}


def post(url: str, body: Any, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, Any]:
    """POST JSON, return (status, decoded body or raw bytes)."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


class Rpc:
    """execute_kw over HTTP as one of the seeded users; `answer()` keeps the raw JSON-RPC answer."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server

    def answer(
        self,
        login: str,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
        password: str | None = None,
    ) -> dict[str, Any]:
        params = {
            "service": "object",
            "method": "execute_kw",
            "args": [
                self.server.db,
                self.server.uid_for(login),
                password or PASSWORDS[login],
                model,
                method,
                args,
                kwargs or {},
            ],
        }
        status, body = post(
            self.server.url + "/jsonrpc", {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        )
        assert status == 200
        return body

    def __call__(self, login: str, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        body = self.answer(login, model, method, list(args), kwargs)
        assert "error" not in body, body["error"]["data"]["message"]
        return body.get("result")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def rpc(sandbox: SandboxServer) -> Rpc:
    return Rpc(sandbox)
