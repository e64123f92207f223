"""The live connection of one signed-in browser tab."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.live.broadcast import NETWORK_GROUP
from apps.live.selectors import live_groups_for, may_see_store

CLOSE_UNAUTHENTICATED = 4401


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Joins only the groups the user's scope allows and re-checks permission on every event,
    because a role can be revoked while the tab stays open."""

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = await database_sync_to_async(live_groups_for)(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Browsers only listen; anything they send is ignored."""

    async def panel_changed(self, event: dict[str, Any]) -> None:
        user = self.scope["user"]
        store_id = event.get("store_id")
        if store_id is None and event.get("personal"):
            pass  # sent to this user's own group
        elif store_id is None and NETWORK_GROUP not in self.groups_joined:
            return
        if store_id is not None and not await database_sync_to_async(may_see_store)(user, store_id):
            return
        await self.send_json({"topics": event.get("topics", []), "store_id": store_id})

    async def session_closed(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)
