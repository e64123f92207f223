"""Channel layers for live tests: the in-memory layer always, Redis when REDIS_URL is set (CI).

Each test gets a layer of its own (a unique Redis prefix), so parallel runs on one Redis never hear
each other's groups.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.layers import redis_layer


def _layers() -> list[Any]:
    layers: list[Any] = ["memory"]
    if os.environ.get("REDIS_URL"):
        layers.append("redis")
    else:
        layers.append(pytest.param("redis", marks=pytest.mark.skip(reason="REDIS_URL is not set (CI sets it)")))
    return layers


@pytest.fixture(params=_layers())
def layer(request: pytest.FixtureRequest, settings: Any) -> str:
    """Point Channels at the chosen layer for this test (Channels resets its backends on the change)."""
    if request.param == "redis":
        settings.CHANNEL_LAYERS = redis_layer("test")
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return str(request.param)
