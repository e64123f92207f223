from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.live.broadcast import NETWORK_GROUP, PanelChange, store_group
from apps.live.consumers import CLOSE_UNAUTHENTICATED, LiveConsumer
from controltower.asgi import application
from tests.factories import Network, make_network

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_as(user) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def publish(group: str, store_id: int | None, *topics: str) -> None:
    from channels.layers import get_channel_layer

    await get_channel_layer().group_send(group, PanelChange(store_id=store_id, topics=topics).message())


@pytest.fixture
async def net() -> Network:
    return await database_sync_to_async(make_network)()


async def test_it_rejects_anonymous_connections_through_the_real_stack() -> None:
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"http://testserver")])
    connected, code = await communicator.connect()
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_it_rejects_foreign_origins() -> None:
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"http://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected


async def test_it_delivers_own_store_events_to_the_store_manager_only(net: Network) -> None:
    own = await connect_as(net.manager_a)
    other = await connect_as(net.manager_c)
    await publish(store_group(net.store_a.pk), net.store_a.pk, "incidents")
    assert await own.receive_json_from(timeout=2) == {"topics": ["incidents"], "store_id": net.store_a.pk}
    assert await other.receive_nothing(timeout=0.2)
    await own.disconnect()
    await other.disconnect()


async def test_it_gives_hq_every_store_through_the_network_group(net: Network) -> None:
    hq = await connect_as(net.hq)
    await publish(NETWORK_GROUP, net.store_c.pk, "approvals")
    assert (await hq.receive_json_from(timeout=2))["store_id"] == net.store_c.pk
    await hq.disconnect()


async def test_it_rechecks_permission_on_every_event(net: Network) -> None:
    from apps.organisation.models import RoleGrant
    from apps.organisation.services import role_revoke

    own = await connect_as(net.manager_a)
    grant = await database_sync_to_async(RoleGrant.objects.get)(user=net.manager_a)
    await database_sync_to_async(role_revoke)(grant=grant)
    await publish(store_group(net.store_a.pk), net.store_a.pk, "incidents")
    assert await own.receive_nothing(timeout=0.3)
    await own.disconnect()


async def test_it_closes_the_connection_on_logout(net: Network) -> None:
    from apps.live.broadcast import session_closed

    own = await connect_as(net.manager_a)
    await database_sync_to_async(session_closed)(net.manager_a.pk)
    output = await own.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_it_lets_a_regional_manager_hear_every_store_of_the_region_only(net: Network) -> None:
    """Regional managers listen on their region's group; `panels_changed` sends to store, region and network."""
    from apps.live.broadcast import panels_changed

    regional = await connect_as(net.regional_north)
    await database_sync_to_async(panels_changed)(store_id=net.store_b.pk, topics=["exceptions"])
    assert (await regional.receive_json_from(timeout=2))["store_id"] == net.store_b.pk
    await database_sync_to_async(panels_changed)(store_id=net.store_c.pk, topics=["exceptions"])
    assert await regional.receive_nothing(timeout=0.2)
    await regional.disconnect()
    await asyncio.sleep(0)
