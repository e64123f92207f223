"""Sending from a Celery task: a worker runs tasks in plain synchronous code, where `async_to_sync`
starts an event loop per send. With the Redis layer every loop gets its own connection pool; these
tests send many times in a row and check that every notice arrives and nothing is logged as lost."""

from __future__ import annotations

import logging
import os

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from apps.live.broadcast import panels_changed, store_group
from apps.live.consumers import LiveConsumer
from controltower.celery import app
from tests.factories import Network, make_network

pytestmark = pytest.mark.django_db(transaction=True)


@app.task(name="tests.live.announce")
def announce_task(store_id: int, topic: str) -> None:
    """What a worker's task does after its change: announce it (outside any transaction: at once)."""
    panels_changed(store_id=store_id, topics=[topic])


def test_it_sends_from_a_celery_task_many_times_without_event_loop_errors(
        layer: str, network: Network, caplog: pytest.LogCaptureFixture) -> None:
    channel_layer = get_channel_layer()
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(store_group(network.store_a.pk), channel)
    with caplog.at_level(logging.WARNING, logger="apps.live.broadcast"):
        for n in range(20):
            result = announce_task.apply(args=[network.store_a.pk, f"topic-{n}"])
            assert result.successful(), result.traceback

    async def collect() -> list[str]:  # one loop for the receiving side, as a consumer has
        return [(await channel_layer.receive(channel))["topics"][0] for _ in range(20)]

    received = async_to_sync(collect)()
    assert received == [f"topic-{n}" for n in range(20)]
    assert not [r for r in caplog.records if "could not be sent" in r.getMessage()]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="a worker in another thread needs the Redis layer")
async def test_it_reaches_an_open_connection_from_a_worker_thread_over_redis(layer: str) -> None:
    if layer != "redis":
        pytest.skip("the in-memory layer is not shared between threads")
    net = await database_sync_to_async(make_network)()
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = net.manager_a
    assert (await communicator.connect())[0]
    for n in range(3):
        await database_sync_to_async(announce_task.apply, thread_sensitive=False)(args=[net.store_a.pk, f"t{n}"])
        assert (await communicator.receive_json_from(timeout=3))["topics"] == [f"t{n}"]
    await communicator.disconnect()
