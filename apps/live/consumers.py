"""The live connection of one signed-in browser tab."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.live import conf
from apps.live.selectors import LiveScope, live_scope_for

CLOSE_UNAUTHENTICATED = 4401


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Joins only the groups the user's scope allows and checks every event against that scope.

    The scope is re-read when the person's roles or account change (`scope.changed`, sent after the
    grant, revocation or deactivation commits: a revoked role stops receiving at once) and, for
    changes nothing announces, once it is older than `CT_LIVE_SCOPE_MAX_AGE` — in the background, so
    that an event reaching a thousand tabs never waits for a thousand database reads.
    """

    live_scope: LiveScope
    groups_joined: list[str]
    scope_max_age: float
    refreshing: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.scope_max_age = conf.SCOPE_MAX_AGE_SECONDS * random.uniform(0.8, 1.2)
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = []
        await self._read_scope()
        if not self.live_scope.active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()

    async def _read_scope(self) -> None:
        # A read with no thread affinity: many tabs connecting at once read their scopes side by side
        # instead of queueing on the one thread-sensitive executor.
        self.live_scope = await database_sync_to_async(live_scope_for, thread_sensitive=False)(
            self.scope["user"].pk)
        wanted = list(self.live_scope.groups)
        for group in set(self.groups_joined) - set(wanted):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in set(wanted) - set(self.groups_joined):
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = wanted

    async def disconnect(self, code: int) -> None:
        if self.refreshing is not None:
            self.refreshing.cancel()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Browsers only listen; anything they send is ignored."""

    async def panel_changed(self, event: dict[str, Any]) -> None:
        if self.live_scope.age() > self.scope_max_age and self.refreshing is None:
            self.refreshing = asyncio.create_task(self._refresh())
        store_id = event.get("store_id")
        if not self.live_scope.may_see(store_id, personal=bool(event.get("personal"))):
            if not self.live_scope.active:
                await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.send_json({"topics": event.get("topics", []), "store_id": store_id})

    async def _refresh(self) -> None:
        try:
            await self._read_scope()
            if not self.live_scope.active:
                await self.close(code=CLOSE_UNAUTHENTICATED)
        finally:
            self.refreshing = None

    async def scope_changed(self, event: dict[str, Any]) -> None:
        await self._read_scope()
        if not self.live_scope.active:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def session_closed(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)
