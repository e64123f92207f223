"""With the Redis layer, a connection that has heard nothing for a while must still be there.

channels_redis waits for messages with a 5-second blocking pop; redis-py reads with a 5-second socket
timeout by default. With a bare `"hosts": [REDIS_URL]` the two race and an idle consumer sometimes dies
with `redis.exceptions.TimeoutError`, closing the browser's websocket. The shipped host options
(controltower/settings.py, CT_CHANNEL_LAYER_SOCKET_TIMEOUT) keep it alive; this runs on them.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.live.broadcast import panels_changed
from apps.live.consumers import LiveConsumer
from tests.factories import make_network
from tests.layers import redis_layer

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")]

IDLE = 3  # rounds of the 5-second blocking pop


def test_the_shipped_layer_reads_longer_than_the_blocking_pop() -> None:
    hosts = redis_layer("idle")["default"]["CONFIG"]["hosts"]
    assert all(isinstance(host, dict) and host["socket_timeout"] > 5 for host in hosts), hosts


async def test_it_keeps_an_idle_connection_alive_on_the_shipped_redis_settings(settings: Any) -> None:
    settings.CHANNEL_LAYERS = redis_layer("idle")
    net = await database_sync_to_async(make_network)()
    communicators = []
    for _ in range(5):
        communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        communicator.scope["user"] = net.manager_a
        assert (await communicator.connect())[0]
        communicators.append(communicator)
    await asyncio.sleep(IDLE * 5 + 1)  # a real socket timeout: nothing to travel in time
    await database_sync_to_async(panels_changed)(store_id=net.store_a.pk, topics=["incidents"])
    for communicator in communicators:
        assert (await communicator.receive_json_from(timeout=3))["store_id"] == net.store_a.pk
    for communicator in communicators:
        await communicator.disconnect()
