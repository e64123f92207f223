"""One gateway per process, built lazily from settings, safely under concurrent first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from apps.odoo_gateway import OdooConfig, OdooGateway, get_gateway, reset_gateway


@pytest.fixture
def sandbox_settings(sandbox18: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[OdooConfig]:
    config = OdooConfig(url=sandbox18.url, db=sandbox18.db, login="admin", password="admin")
    built: list[OdooConfig] = []

    def from_settings(settings: Any = None) -> OdooConfig:
        built.append(config)
        return config

    monkeypatch.setattr(OdooConfig, "from_settings", staticmethod(from_settings))
    reset_gateway()
    yield config
    reset_gateway()
    assert len(built) <= 2


def test_it_builds_one_gateway_per_process_even_under_concurrent_first_use(sandbox_settings: OdooConfig) -> None:
    seen: list[OdooGateway] = []
    start = threading.Barrier(8)

    def first_use() -> None:
        start.wait()
        seen.append(get_gateway())

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(gateway) for gateway in seen}) == 1
    assert seen[0].config is sandbox_settings
    assert seen[0].rpc_count == 0  # building it sends nothing


def test_it_shares_one_login_between_threads(sandbox_settings: OdooConfig) -> None:
    gateway = get_gateway()
    counts: list[int] = []
    start = threading.Barrier(6)

    def read() -> None:
        start.wait()
        counts.append(gateway.search_count("purchase.order", []))

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(counts) == 6
    assert gateway.rpc_count == 3 + 6  # one probe and one login (2 requests), then one request per read


def test_it_rebuilds_after_a_reset(sandbox_settings: OdooConfig) -> None:
    first = get_gateway()

    reset_gateway()

    assert get_gateway() is not first
