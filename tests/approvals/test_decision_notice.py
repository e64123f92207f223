"""A decision tells the store's live viewers once: the approvals and write-back panels in one notice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.approvals.services.decisions import decision_record
from apps.live.broadcast import store_group
from tests.approvals.support import approvals_sync, new_po, request_for

pytestmark = pytest.mark.django_db


async def _heard(layer: Any, channel: str) -> list[dict[str, Any]]:
    messages = []
    while True:
        try:
            messages.append(await asyncio.wait_for(layer.receive(channel), timeout=0.5))
        except TimeoutError:
            return messages


def test_a_decision_tells_its_store_once_with_both_topics(world, odoo, odoo_server,  # type: ignore[no-untyped-def]
                                                           django_capture_on_commit_callbacks) -> None:
    order = new_po(odoo_server, warehouse_id=2)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(store_group(request.store_id), channel)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decision_record(request=request, actor=world.regional_north, outcome="approve")
        heard = async_to_sync(_heard)(layer, channel)
    finally:
        async_to_sync(layer.group_discard)(store_group(request.store_id), channel)
    notices = [message for message in heard if message["type"] == "panel.changed"]
    assert len(notices) == 1, notices
    assert sorted(notices[0]["topics"]) == ["approvals", "writebacks"]
    assert notices[0]["store_id"] == request.store_id
