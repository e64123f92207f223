"""What the connections of one process share: a person's tabs renew their scope with one read, not
one per tab, and group joins and leaves are bounded (a mass disconnect must not exhaust the Redis pool)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from apps.live import conf, consumers
from apps.live.broadcast import panels_changed
from apps.live.consumers import LiveConsumer
from apps.organisation.services import role_revoke
from tests.factories import Network, make_network

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def net() -> Network:
    return await database_sync_to_async(make_network)()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every scope read from the database, by person."""
    done: list[int] = []
    real = consumers.live_scope_for

    def counted(user_id: int) -> Any:
        done.append(user_id)
        return real(user_id)

    monkeypatch.setattr(consumers, "live_scope_for", counted)
    return done


async def connect_as(user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    assert (await communicator.connect())[0]
    return communicator


async def test_a_persons_tabs_share_one_periodic_scope_read(layer: str, net: Network, reads: list[int],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "SCOPE_MAX_AGE_SECONDS", 1.0)
    monkeypatch.setattr(consumers.random, "uniform", lambda low, high: 1.0)  # no jitter: every tab at 1 s
    tabs = [await connect_as(net.manager_a) for _ in range(4)]
    assert len(reads) == 4  # connecting always reads afresh
    await asyncio.sleep(1.5)  # every tab renewed once (the next round is at 2 s)
    assert len(reads) == 5, reads
    await database_sync_to_async(panels_changed)(store_id=net.store_a.pk, topics=["incidents"])
    for tab in tabs:
        assert (await tab.receive_json_from(timeout=2))["store_id"] == net.store_a.pk
    for tab in tabs:
        await tab.disconnect()


async def test_a_scope_change_is_read_afresh_by_every_tab(layer: str, net: Network, reads: list[int]) -> None:
    tabs = [await connect_as(net.manager_a) for _ in range(2)]
    grant = await database_sync_to_async(lambda: net.manager_a.role_grants.get(store=net.store_a))()
    await database_sync_to_async(role_revoke)(grant=grant, revoked_by=net.hq)
    for tab in tabs:
        assert await tab.receive_nothing(timeout=0.3)  # each re-reads its scope
    assert len(reads) == 4
    await database_sync_to_async(panels_changed)(store_id=net.store_a.pk, topics=["incidents"])
    for tab in tabs:
        assert await tab.receive_nothing(timeout=0.5)
        await tab.disconnect()


async def test_it_bounds_group_leaves_when_many_tabs_close_at_once(layer: str, net: Network,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumers, "LAYER_OPERATIONS_AT_ONCE", 3)
    layer = get_channel_layer()
    real_discard = layer.group_discard
    running, most = 0, 0

    async def slow_discard(group: str, channel: str) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        await real_discard(group, channel)
        running -= 1

    monkeypatch.setattr(layer, "group_discard", slow_discard)
    tabs = [await connect_as(net.hq) for _ in range(12)]
    await asyncio.gather(*(tab.disconnect() for tab in tabs))
    assert most == 3
