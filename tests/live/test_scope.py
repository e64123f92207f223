"""The live connection per role and store, through the real broadcast and (for sign-in) the real
ASGI stack, on the in-memory layer and on Redis: store A's manager hears nothing of store B, roles
granted or revoked take effect on open connections, deactivated people are disconnected."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from apps.live import conf
from apps.live.broadcast import panels_changed, user_changed
from apps.live.consumers import CLOSE_UNAUTHENTICATED, LiveConsumer
from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role
from apps.organisation.services import role_grant, role_revoke
from controltower.asgi import application
from tests.factories import Network, make_network

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_as(user) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def announce(store_id: int | None, *topics: str) -> None:
    """What a service does after its change commits (outside a transaction: at once)."""
    await database_sync_to_async(panels_changed)(store_id=store_id, topics=list(topics))


@pytest.fixture
async def net() -> Network:
    return await database_sync_to_async(make_network)()


async def test_it_tells_each_role_only_about_its_own_stores(layer: str, net: Network) -> None:
    own, other, regional, south, hq = [await connect_as(user) for user in (
        net.manager_a, net.manager_c, net.regional_north, net.regional_south, net.hq)]
    await announce(net.store_b.pk, "incidents")
    assert (await regional.receive_json_from(timeout=2)) == {"topics": ["incidents"], "store_id": net.store_b.pk}
    assert (await hq.receive_json_from(timeout=2))["store_id"] == net.store_b.pk
    await announce(net.store_a.pk, "approvals")
    assert (await own.receive_json_from(timeout=2))["store_id"] == net.store_a.pk
    assert (await regional.receive_json_from(timeout=2))["store_id"] == net.store_a.pk
    for silent in (own, other, south):
        assert await silent.receive_nothing(timeout=0.3)
    for communicator in (own, other, regional, south, hq):
        await communicator.disconnect()


async def test_it_keeps_network_wide_notices_for_network_roles(layer: str, net: Network) -> None:
    hq, regional = await connect_as(net.hq), await connect_as(net.regional_north)
    await announce(None, "health")
    assert (await hq.receive_json_from(timeout=2)) == {"topics": ["health"], "store_id": None}
    assert await regional.receive_nothing(timeout=0.3)
    await hq.disconnect()
    await regional.disconnect()


async def test_it_delivers_personal_notices_to_that_person_only(layer: str, net: Network) -> None:
    mine, theirs = await connect_as(net.manager_a), await connect_as(net.manager_c)
    await database_sync_to_async(user_changed)(user_id=net.manager_a.pk, topics=["notifications"])
    assert (await mine.receive_json_from(timeout=2))["topics"] == ["notifications"]
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_it_stops_at_once_when_a_regional_role_is_revoked(layer: str, net: Network) -> None:
    regional = await connect_as(net.regional_north)
    grant = await database_sync_to_async(RoleGrant.objects.get)(user=net.regional_north)
    await database_sync_to_async(role_revoke)(grant=grant)
    await announce(net.store_a.pk, "incidents")
    assert await regional.receive_nothing(timeout=0.5)
    await regional.disconnect()


async def test_it_starts_hearing_a_newly_granted_store_without_reconnecting(layer: str, net: Network) -> None:
    manager = await connect_as(net.manager_a)
    await database_sync_to_async(role_grant)(user=net.manager_a, role=Role.STORE_MANAGER, store=net.store_d)
    # The scope change reaches the open connection asynchronously: announce until it is heard (5 s at most).
    heard = None
    for _ in range(15):
        await announce(net.store_d.pk, "exceptions")
        if not await manager.receive_nothing(timeout=0.35):
            heard = await manager.receive_json_from(timeout=1)
            break
    assert heard is not None
    assert heard["store_id"] == net.store_d.pk
    await manager.disconnect()


async def test_it_disconnects_a_deactivated_person(layer: str, net: Network) -> None:
    manager = await connect_as(net.manager_a)
    net.manager_a.is_active = False
    await database_sync_to_async(net.manager_a.save)(update_fields=["is_active"])
    assert await manager.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_it_rereads_an_old_scope_when_nothing_announced_the_change(layer: str, net: Network,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Permissions edited by hand send no notice: every connection re-reads its scope on its own
    clock (`CT_LIVE_SCOPE_MAX_AGE`), so within that time the change holds for notices."""
    from guardian.shortcuts import remove_perm

    monkeypatch.setattr(conf, "SCOPE_MAX_AGE_SECONDS", 0.3)
    manager = await connect_as(net.manager_a)
    await announce(net.store_a.pk, "incidents")
    assert (await manager.receive_json_from(timeout=2))["store_id"] == net.store_a.pk
    await database_sync_to_async(remove_perm)("organisation.view_store", net.manager_a, net.store_a)
    await database_sync_to_async(remove_perm)("organisation.operate_store", net.manager_a, net.store_a)
    await manager.receive_nothing(timeout=0.8)  # at least one re-read (0.24-0.36 s) has happened
    await announce(net.store_a.pk, "incidents")
    assert await manager.receive_nothing(timeout=0.5)
    await manager.disconnect()


async def test_it_signs_in_through_the_session_cookie_of_the_real_stack(layer: str, net: Network) -> None:
    client = Client()
    await sync_to_async(client.force_login)(net.manager_a)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(application, "/ws/live/",
                                         headers=[(b"origin", b"http://testserver"), (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    await announce(net.store_c.pk, "incidents")
    assert await communicator.receive_nothing(timeout=0.3)
    await announce(net.store_a.pk, "incidents")
    assert (await communicator.receive_json_from(timeout=2))["store_id"] == net.store_a.pk
    await communicator.disconnect()


async def test_it_follows_a_store_moved_to_another_region_at_once(layer: str, net: Network) -> None:
    """A store moved (in the admin) is announced: the old region stops hearing it, the new one starts,
    without waiting for the scope's age limit."""
    north = await connect_as(net.regional_north)
    south = await connect_as(net.regional_south)

    def move() -> None:
        net.store_a.region = net.south
        net.store_a.save()

    await database_sync_to_async(move)()
    await north.receive_nothing(timeout=0.5)  # both re-read their scopes
    await announce(net.store_a.pk, "incidents")
    assert (await south.receive_json_from(timeout=2))["store_id"] == net.store_a.pk
    assert await north.receive_nothing(timeout=0.5)
    await north.disconnect()
    await south.disconnect()


async def test_it_stops_telling_of_a_closed_store(layer: str, net: Network) -> None:
    manager = await connect_as(net.manager_a)

    def close() -> None:
        net.store_a.active = False
        net.store_a.save(update_fields=["active"])

    await database_sync_to_async(close)()
    await manager.receive_nothing(timeout=0.5)
    await announce(net.store_a.pk, "incidents")
    assert await manager.receive_nothing(timeout=0.5)
    await manager.disconnect()
