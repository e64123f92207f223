"""The live connection of one signed-in browser tab."""

from __future__ import annotations

import asyncio
import random
import weakref
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.live import conf
from apps.live.selectors import LiveScope, live_scope_for

CLOSE_UNAUTHENTICATED = 4401
# Group joins and leaves in flight at once per process: each takes a Redis connection, and the pool
# refuses rather than waits when a server restart or a mass sign-out closes thousands of tabs at once.
LAYER_OPERATIONS_AT_ONCE = 100
MIN_RENEW_SECONDS = 0.05


@dataclass
class _ProcessState:
    """What the connections of one event loop share: a bound on layer operations, and per person the
    latest scope read and the read in flight, so a person's ten tabs cost one database read."""

    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(LAYER_OPERATIONS_AT_ONCE))
    latest: dict[int, LiveScope] = field(default_factory=dict)
    reading: dict[int, asyncio.Future[LiveScope]] = field(default_factory=dict)


_states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _ProcessState] = weakref.WeakKeyDictionary()


def _state() -> _ProcessState:
    loop = asyncio.get_running_loop()
    state = _states.get(loop)
    if state is None:
        state = _states[loop] = _ProcessState()
    return state


async def _scope_read(user_id: int, *, fresh: bool) -> LiveScope:
    """Read the person's scope. Not `fresh` (a periodic re-read): wait for a read already in flight
    instead. Fresh (connecting, or told the scope changed): always a read that starts now."""
    state = _state()
    reading = state.reading.get(user_id)
    if reading is None or fresh:
        # No thread affinity: many tabs connecting at once read side by side instead of queueing on
        # the one thread-sensitive executor.
        reading = asyncio.ensure_future(database_sync_to_async(live_scope_for, thread_sensitive=False)(user_id))
        state.reading[user_id] = reading
        reading.add_done_callback(lambda task: _scope_read_done(state, user_id, task))
    return await asyncio.shield(reading)


def _scope_read_done(state: _ProcessState, user_id: int, task: asyncio.Future[LiveScope]) -> None:
    if state.reading.get(user_id) is task:
        del state.reading[user_id]
    if task.cancelled() or task.exception() is not None:
        return
    latest = state.latest.get(user_id)
    if latest is None or task.result().read_at > latest.read_at:
        state.latest[user_id] = task.result()


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Joins only the groups the user's scope allows and checks every event against that scope.

    The scope is re-read when the person's roles or account change (`scope.changed`, sent after the
    grant, revocation or deactivation commits: a revoked role stops receiving at once) and, for
    changes nothing announces, every `CT_LIVE_SCOPE_MAX_AGE` (+-20 % per connection) in the
    background, so that an event reaching a thousand tabs never waits for database reads, and once
    per person rather than per tab (the tabs of a process share the latest read).
    """

    live_scope: LiveScope
    groups_joined: list[str]
    scope_max_age: float
    renewing: asyncio.Task[None] | None = None

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
        self.renewing = asyncio.create_task(self._renew())

    async def _renew(self) -> None:
        """Re-read the scope every `scope_max_age` seconds, on this connection's own clock: tabs opened
        over a morning spread their reads over time instead of all reading when the next event comes."""
        while True:
            await asyncio.sleep(max(self.scope_max_age, MIN_RENEW_SECONDS))
            await self._refresh()

    async def _read_scope(self, *, fresh: bool = True) -> None:
        self.live_scope = await _scope_read(self.scope["user"].pk, fresh=fresh)
        await self._join(list(self.live_scope.groups))

    async def _join(self, wanted: list[str]) -> None:
        async with _state().slots:
            for group in set(self.groups_joined) - set(wanted):
                await self.channel_layer.group_discard(group, self.channel_name)
            for group in set(wanted) - set(self.groups_joined):
                await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = wanted

    async def disconnect(self, code: int) -> None:
        if self.renewing is not None:
            self.renewing.cancel()
        if getattr(self, "groups_joined", None):
            await self._join([])

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Browsers only listen; anything they send is ignored."""

    async def panel_changed(self, event: dict[str, Any]) -> None:
        store_id = event.get("store_id")
        if not self.live_scope.may_see(store_id, personal=bool(event.get("personal"))):
            if not self.live_scope.active:
                await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.send_json({"topics": event.get("topics", []), "store_id": store_id})

    async def _refresh(self) -> None:
        latest = _state().latest.get(self.scope["user"].pk)
        if latest is not None and latest.age() <= self.scope_max_age and latest.read_at > self.live_scope.read_at:
            self.live_scope = latest  # another tab of the person read it lately
            await self._join(list(latest.groups))
        else:
            await self._read_scope(fresh=False)
        if not self.live_scope.active:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def scope_changed(self, event: dict[str, Any]) -> None:
        await self._read_scope()
        if not self.live_scope.active:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def session_closed(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)
