"""The embedded-mode relay (no Redis): the worker and beat POST their live notices to the web process,
whose endpoint checks them and sends them on its own in-memory layer.

1. The endpoint, in process: a signed notice reaches connected consumers; anything unsigned, stale,
   oversized or of an unknown shape is refused and nothing is delivered; with Redis it does not exist.
2. The sender: it relays only with a URL and the in-memory layer, never raises, splits large batches,
   and runs the change listeners itself.
3. End to end over real HTTP: `broadcast` called from the test thread (standing for the worker) reaches
   a websocket client of the ASGI app served by uvicorn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import AsyncClient, Client
from websockets.sync.client import connect as ws_connect
from websockets.typing import Origin

from apps.live import broadcast, conf, relay
from apps.live.broadcast import NETWORK_GROUP, PanelChange, store_group, user_group
from apps.live.consumers import CLOSE_UNAUTHENTICATED, LiveConsumer
from apps.live.relay import SIGNATURE_HEADER, TIMESTAMP_HEADER, relay_signature
from tests.dashboards.asgi_server import AsgiServer, free_port, shared_sqlite_connection
from tests.factories import Network, make_network

# The consumers and the server thread read committed rows; the refusals need no database at all.
needs_db = pytest.mark.django_db(transaction=True)

RELAY_PATH = "/live/relay/"
MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# A Redis layer is only configured, never reached: the endpoint answers 404 before any send.
REDIS_LAYER = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}


@pytest.fixture(autouse=True)
def _memory_layer(settings: Any) -> None:
    """The relay is for the in-memory layer, whatever the run's REDIS_URL."""
    settings.CHANNEL_LAYERS = MEMORY_LAYER


@pytest.fixture
async def net() -> Network:
    return await database_sync_to_async(make_network)()


def signed(body: bytes, *, age: float = 0, signature: str | None = None) -> dict[str, str]:
    stamp = str(int(time.time() - age))
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: relay_signature(stamp, body) if signature is None else signature}


def encode(items: Any) -> bytes:
    return json.dumps(items).encode()


def store_notice(store_id: int, *topics: str) -> dict[str, Any]:
    return {"group": NETWORK_GROUP, "message": PanelChange(store_id=store_id, topics=topics).message()}


async def post(body: bytes, headers: dict[str, str]) -> Any:
    return await AsyncClient().post(RELAY_PATH, data=body, content_type="application/json", headers=headers)


async def listener() -> tuple[Any, str]:
    """A channel in the network group: it would hear anything the endpoint sent."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(NETWORK_GROUP, channel)
    return layer, channel


async def heard_nothing(layer: Any, channel: str) -> bool:
    try:
        await asyncio.wait_for(layer.receive(channel), timeout=0.2)
    except TimeoutError:
        return True
    return False


async def connect_as(user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


# 1. The endpoint


@needs_db
async def test_it_sends_a_signed_relayed_notice_on_the_local_layer(net: Network) -> None:
    manager, hq = await connect_as(net.manager_a), await connect_as(net.hq)
    message = PanelChange(store_id=net.store_a.pk, topics=("incidents",)).message()
    body = encode([{"group": store_group(net.store_a.pk), "message": message},
                   {"group": NETWORK_GROUP, "message": message}])
    response = await post(body, signed(body))
    assert response.status_code == 204
    assert await manager.receive_json_from(timeout=2) == {"topics": ["incidents"], "store_id": net.store_a.pk}
    assert await hq.receive_json_from(timeout=2) == {"topics": ["incidents"], "store_id": net.store_a.pk}
    await manager.disconnect()
    await hq.disconnect()


@needs_db
async def test_it_relays_personal_notices_and_sign_outs(net: Network) -> None:
    manager = await connect_as(net.manager_a)
    body = encode([
        {"group": user_group(net.manager_a.pk),
         "message": {"type": "panel.changed", "store_id": None, "topics": ["notifications"], "personal": True}},
        {"group": user_group(net.manager_a.pk), "message": {"type": "session.closed"}},
    ])
    assert (await post(body, signed(body))).status_code == 204
    assert await manager.receive_json_from(timeout=2) == {"topics": ["notifications"], "store_id": None}
    assert await manager.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


REFUSALS = [
    pytest.param(lambda body: signed(body, signature="0" * 64), None, 403, "does not match", id="bad-signature"),
    pytest.param(lambda body: signed(body, signature=relay_signature("1", body)), None, 403, "does not match",
                 id="signature-of-another-timestamp"),
    pytest.param(lambda body: {}, None, 403, "required", id="unsigned"),
    pytest.param(lambda body: {TIMESTAMP_HEADER: "soon", SIGNATURE_HEADER: relay_signature("soon", body)}, None,
                 403, "whole number", id="timestamp-not-a-number"),
    pytest.param(lambda body: signed(body, age=61), None, 403, "too old", id="stale"),
    pytest.param(lambda body: signed(body, age=-61), None, 403, "in the future", id="future"),
    pytest.param(signed, b"[{", 400, "not valid JSON", id="malformed-json"),
    pytest.param(signed, encode({"group": "network"}), 400, "JSON list", id="not-a-list"),
    pytest.param(signed, encode([{"group": "network"}]), 400, "exactly the keys", id="no-message"),
    pytest.param(signed, encode([{"group": "network", "message": {"type": "websocket.close"}}]), 400,
                 "message type", id="unknown-type"),
    pytest.param(signed, encode([{"group": "network", "message": {"type": "panel.changed", "text": "hi"}}]), 400,
                 "'text' is not allowed", id="unknown-field"),
    pytest.param(signed, encode([{"group": "network", "message": {"type": "panel.changed", "store_id": "1"}}]), 400,
                 "wrong type", id="field-of-the-wrong-type"),
    pytest.param(signed, encode([{"group": "staff", "message": {"type": "scope.changed"}}]), 400,
                 "the group must be", id="unknown-group"),
    pytest.param(signed, encode([{"group": "store-1x", "message": {"type": "scope.changed"}}]), 400,
                 "the group must be", id="bad-group-id"),
    pytest.param(signed, encode([store_notice(1, "x" * (conf.RELAY_MAX_BYTES + 1))]), 413, "larger than",
                 id="oversize"),
]


@pytest.mark.parametrize(("headers", "body", "status", "error"), REFUSALS)
async def test_it_refuses_and_delivers_nothing(headers: Any, body: bytes | None, status: int, error: str) -> None:
    layer, channel = await listener()
    body = encode([store_notice(1, "incidents")]) if body is None else body
    response = await post(body, headers(body))
    assert response.status_code == status
    assert error in response.json()["error"]
    assert await heard_nothing(layer, channel)


async def test_it_answers_post_only() -> None:
    layer, channel = await listener()
    assert (await AsyncClient().get(RELAY_PATH)).status_code == 405
    assert await heard_nothing(layer, channel)


async def test_a_refusal_test_would_hear_a_delivery() -> None:
    """The listener above does hear what a signed request sends."""
    layer, channel = await listener()
    body = encode([store_notice(1, "incidents")])
    assert (await post(body, signed(body))).status_code == 204
    assert not await heard_nothing(layer, channel)


def test_it_does_not_exist_with_a_redis_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = REDIS_LAYER
    body = encode([{"group": NETWORK_GROUP, "message": {"type": "scope.changed"}}])
    response = Client().post(RELAY_PATH, data=body, content_type="application/json", headers=signed(body))
    assert response.status_code == 404
    assert Client().get(RELAY_PATH).status_code == 404


# 2. The sender


def test_it_relays_only_with_a_url_and_the_in_memory_layer(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "RELAY_URL", "")
    assert not relay.relay_wanted(get_channel_layer())
    monkeypatch.setattr(conf, "RELAY_URL", "http://127.0.0.1:9/live/relay/")
    assert relay.relay_wanted(get_channel_layer())
    settings.CHANNEL_LAYERS = REDIS_LAYER
    assert not relay.relay_wanted(get_channel_layer())


@needs_db
def test_it_never_raises_when_the_web_process_is_away_and_still_runs_the_change_listeners(
        network: Network, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(conf, "RELAY_URL", f"http://127.0.0.1:{free_port()}/live/relay/")
    heard: list[list[int | None]] = []
    monkeypatch.setattr(broadcast, "_CHANGE_LISTENERS", [heard.append])
    with caplog.at_level(logging.WARNING, logger="apps.live.relay"), transaction.atomic():
        broadcast.panels_changed(store_id=network.store_a.pk, topics=["incidents"])
        broadcast.session_closed(network.manager_a.pk)
    assert heard == [[network.store_a.pk]]
    lost = [r.getMessage() for r in caplog.records if "could not be relayed" in r.getMessage()]
    assert len(lost) == 2
    assert "(3 of 3 not sent)" in lost[1]  # store, region and network groups of the committed change


def test_it_splits_a_large_batch_below_the_endpoint_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "RELAY_MAX_BYTES", 1000)
    items = [store_notice(pk, "approvals", "incidents") for pk in range(1, 200)]
    bodies = list(relay._bodies(items))
    assert len(bodies) > 1
    assert all(len(body) <= 1000 for body, _ in bodies)
    assert [item for body, _ in bodies for item in json.loads(body)] == items
    assert sum(count for _, count in bodies) == len(items)


@needs_db
def test_it_accepts_everything_the_sender_makes(network: Network) -> None:
    changes = broadcast._changes([network.store_a.pk, None], ("incidents",))
    sends = broadcast._group_messages(changes)
    assert [send["group"] for send in sends] == [store_group(network.store_a.pk), f"region-{network.north.pk}",
                                                 NETWORK_GROUP, NETWORK_GROUP]
    assert broadcast.relayed_messages(json.loads(encode(sends))) == sends


# 3. End to end over HTTP


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AsgiServer]:
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()


@needs_db
def test_a_notice_from_another_process_reaches_the_browser_over_the_relay(
        network: Network, server: AsgiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test thread plays the worker: relay on, and an in-memory layer of its own that no consumer
    listens on (as in another process). The notice goes over HTTP to the server's endpoint, which sends
    it on the server's layer to the websocket of the signed-in store manager."""
    monkeypatch.setattr(conf, "RELAY_URL", f"{server.url}{RELAY_PATH}")
    worker_layer, server_layer, worker = InMemoryChannelLayer(), broadcast.get_channel_layer, threading.current_thread()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda alias="default": (
        worker_layer if threading.current_thread() is worker else server_layer(alias)))
    relayed: list[list[Any]] = []
    original = broadcast.relayed_send

    async def recording(sends: list[Any]) -> None:
        relayed.append(sends)
        await original(sends)

    monkeypatch.setattr(broadcast, "relayed_send", recording)
    heard: list[list[int | None]] = []
    monkeypatch.setattr(broadcast, "_CHANGE_LISTENERS", [heard.append])
    client = Client()
    manager: Any = network.manager_a
    client.force_login(manager)
    with ws_connect(f"ws://127.0.0.1:{server.port}/ws/live/", origin=Origin(server.url), proxy=None,
                    additional_headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
                    open_timeout=5) as websocket:
        with transaction.atomic():
            broadcast.panels_changed(store_id=network.store_a.pk, topics=["incidents"])
        assert json.loads(websocket.recv(timeout=3)) == {"topics": ["incidents"], "store_id": network.store_a.pk}
        broadcast.user_changed(user_id=network.manager_a.pk, topics=["notifications"])
        assert json.loads(websocket.recv(timeout=3)) == {"topics": ["notifications"], "store_id": None}
    assert heard == [[network.store_a.pk]]  # the listeners ran here, in the sending process
    assert [len(sends) for sends in relayed] == [3, 1]
