"""The websocket door: a returned item reaches the store's own connection (and its region's) live,
never another store's."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from apps.directives.models import ItemKind
from apps.directives.services.checklists import item_review
from tests.directives.conftest import complete, copy_of, publish
from tests.factories import Network, make_network
from tests.live.test_consumer import connect_as

pytestmark = pytest.mark.django_db(transaction=True)


def _return_one(net: Network) -> Any:
    directive = publish(net.hq)
    copy = complete(copy_of(directive, net.store_a), net.manager_a)
    return lambda: item_review(copy=copy, item=directive.items.get(kind=ItemKind.PHOTO), actor=net.regional_north,
                               approve=False, comment="Label wrong, redo")


async def _drain(communicator: Any) -> None:
    while not await communicator.receive_nothing(timeout=0.3):
        await communicator.receive_json_from()


async def test_a_returned_item_reaches_the_store_live_and_no_other_store(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    net = await database_sync_to_async(make_network)()
    give_back = await database_sync_to_async(_return_one)(net)
    own, other, region = (await connect_as(net.manager_a), await connect_as(net.manager_c),
                          await connect_as(net.regional_north))
    for communicator in (own, other, region):
        await _drain(communicator)
    await database_sync_to_async(give_back)()
    assert "directives" in (await own.receive_json_from(timeout=2))["topics"]
    assert "directives" in (await region.receive_json_from(timeout=2))["topics"]
    assert await other.receive_nothing(timeout=0.3)
    for communicator in (own, other, region):
        await communicator.disconnect()
