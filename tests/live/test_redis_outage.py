"""A Redis outage degrades the portal, it does not take it down.

The test runs a Redis of its own (never the shared one) and points the channel layer and the cache at
it with the shipped pool options. While it is stopped the API, the dashboards and the hint endpoint
answer as usual (the cache fails open); once it is back, a websocket handshake succeeds within two
seconds (pooled connections that died with the restart are replaced, not surfaced).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from apps.dashboards import conf as dashboards_conf
from apps.live.consumers import LiveConsumer
from apps.sync.feeds import feeds_ensure
from apps.sync.hints import hint_path
from controltower.redis_pools import redis_pool_options
from tests.factories import make_network

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]


class OwnRedis:
    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(settings: Any) -> Iterator[OwnRedis]:
    redis = OwnRedis()
    redis.start()
    url = f"redis://127.0.0.1:{redis.port}/0"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
        "hosts": [{"address": url, **redis_pool_options(asyncio=True, socket_timeout=10.0)}], "prefix": "outage"}}}
    settings.CACHES = {"default": {"BACKEND": "controltower.cache.FailOpenRedisCache", "LOCATION": url,
                                   "KEY_PREFIX": "outage", "OPTIONS": redis_pool_options(socket_timeout=2.0)}}
    settings.CT_HINT_COALESCE_SECONDS = 60
    try:
        yield redis
    finally:
        redis.stop()


async def handshake(user: Any, timeout: float = 2.0) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=timeout)
    assert connected
    return communicator


def portal_requests(net: Any) -> dict[str, int]:
    """What people and Odoo do meanwhile: the API (throttled through the cache), a dashboard (figures
    cached), the approval inbox, and a webhook hint (rate-limited through the cache)."""
    client = Client()
    client.force_login(net.regional_north)
    statuses = {url: client.get(url).status_code for url in
                ("/api/v1/me/", "/api/v1/approvals/", f"/dashboards/region/{net.north.code}/", "/approvals/")}
    statuses["hint"] = Client().post(hint_path(), data=b'{"_model": "purchase.order", "_id": 7}',
                                     content_type="application/json").status_code
    return statuses


async def test_a_redis_restart_degrades_requests_and_websockets_come_back(own_redis: OwnRedis,
                                                                         monkeypatch: Any) -> None:
    monkeypatch.setattr(dashboards_conf, "CACHE_SECONDS", 60)
    net = await database_sync_to_async(make_network)()
    await database_sync_to_async(feeds_ensure)()
    before = await database_sync_to_async(portal_requests)(net)
    assert set(before.values()) <= {200, 202}, before
    connected = [await handshake(user) for user in (net.manager_a, net.regional_north, net.hq)]

    own_redis.stop()
    during = await database_sync_to_async(portal_requests)(net)
    assert during == before, during  # no 500: the cache failed open

    own_redis.start()
    again = [await handshake(user, timeout=2.0) for user in (net.manager_a, net.regional_north, net.hq)]
    after = await database_sync_to_async(portal_requests)(net)
    assert after == before, after
    for communicator in again:
        await communicator.disconnect()
    for communicator in connected:
        # The outage may have ended it; the browser then reconnects by itself and refreshes every panel.
        with contextlib.suppress(RedisConnectionError):
            await communicator.disconnect()


async def test_the_hint_endpoint_accepts_hints_while_redis_is_down(own_redis: OwnRedis) -> None:
    await database_sync_to_async(feeds_ensure)()
    own_redis.stop()
    from apps.sync.models import PendingRefetch

    client = Client()
    for _ in range(3):
        response = await sync_to_async(client.post)(hint_path(), data=b'{"_model": "purchase.order", "_id": 9}',
                                                    content_type="application/json")
        assert response.status_code == 202
    pending = await database_sync_to_async(PendingRefetch.objects.get)(odoo_id=9)
    assert pending.hints == 3  # kept for the next poll, which refetches pending hints first
