"""Fixtures for dashboard tests: signed-in clients and a network with work in every store."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.dashboards import builders
from tests.factories import Network


@pytest.fixture(autouse=True)
def _computed_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees figures computed from its own data: the shared figure cache (on with Redis, as
    in CI) is off here and tested on its own in test_cache.py."""
    from apps.dashboards import conf

    monkeypatch.setattr(conf, "CACHE_SECONDS", 0)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def busy(network: Network) -> Network:
    """Every store of the small network with one of each kind of item, titled after its store."""
    builders.mixed([network.store_a, network.store_b, network.store_c, network.store_d], 1)
    return network
