"""Gateways against the real-HTTP Odoo sandbox: one server per Odoo version per test module.

No mocks: every test sends real requests to `apps.odoo_sandbox`, an Odoo 18 (JSON-RPC) or Odoo 19
(JSON-2 as well) look-alike that passes the recorded contract. Faults are reset after each test so
one test's outage never leaks into the next.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apps.odoo_gateway import OdooConfig, OdooGateway

PASSWORDS = {"admin": "admin", "buyer": "buyer-pw-123", "basic": "basic-pw-123"}

MakeGateway = Callable[..., OdooGateway]


def _running(version: str) -> Iterator[Any]:
    from apps.odoo_sandbox.testing import running_sandbox

    with running_sandbox(version=version) as server:
        yield server


@pytest.fixture(scope="module")
def sandbox18() -> Iterator[Any]:
    yield from _running("18.0")


@pytest.fixture(scope="module")
def sandbox19() -> Iterator[Any]:
    yield from _running("19.0")


def _reset_faults(server: Any) -> None:
    server.faults.reset()
    server.faults.end_outage()


@pytest.fixture
def make_gateway() -> Iterator[MakeGateway]:
    """Builds gateways on a sandbox (`login`, `transport`, `api_key=True` for the user's key...)."""
    made: list[tuple[OdooGateway, Any]] = []

    def make(
        server: Any,
        login: str = "admin",
        *,
        password: str | None = None,
        api_key: str | bool | None = None,
        use_password: bool = True,
        db: str | None = None,
        sleep: Callable[[float], None] | None = None,
        **options: Any,
    ) -> OdooGateway:
        if api_key is True:
            api_key = server.api_key_for(login)
        config = OdooConfig(
            url=server.url,
            db=db or server.db,
            login=login,
            password=(password or PASSWORDS[login]) if use_password else None,
            api_key=api_key or None,
            **options,
        )
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        gateway = OdooGateway(config, backoff=0, **extra)
        made.append((gateway, server))
        return gateway

    yield make
    for gateway, server in made:
        gateway.close()
        _reset_faults(server)


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
