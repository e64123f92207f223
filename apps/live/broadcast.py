"""Every channel-layer send in the portal goes through this module, with typed payloads.

A message only says *what changed* (topics such as "incidents" or "approvals" for a store); browsers
re-fetch the affected panels over HTTP with their own permissions. Sends happen after the database
transaction commits, so a browser never re-fetches data that is not there yet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

NETWORK_GROUP = "network"


def store_group(store_id: int) -> str:
    return f"store-{store_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


class PanelChangedMessage(TypedDict):
    type: str  # "panel.changed": handled by LiveConsumer.panel_changed
    store_id: int | None
    topics: list[str]


class SessionClosedMessage(TypedDict):
    type: str  # "session.closed"


@dataclass(frozen=True)
class PanelChange:
    store_id: int | None
    topics: tuple[str, ...]

    def message(self) -> PanelChangedMessage:
        return {"type": "panel.changed", "store_id": self.store_id, "topics": list(self.topics)}


def _send(group: str, message: Any) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a live notice is best effort; browsers resynchronise on reconnect
        logger.warning("Live update to %s could not be sent", group, exc_info=True)


def panels_changed(*, store_id: int | None, topics: tuple[str, ...] | list[str]) -> None:
    """After commit, tell the store's viewers and the network viewers that these topics changed."""
    change = PanelChange(store_id=store_id, topics=tuple(topics))

    def send() -> None:
        if change.store_id is not None:
            _send(store_group(change.store_id), change.message())
        _send(NETWORK_GROUP, change.message())

    transaction.on_commit(send)


def user_changed(*, user_id: int, topics: list[str]) -> None:
    """Tell one person's open tabs (e.g. a new notification). Call after commit."""
    message = {"type": "panel.changed", "store_id": None, "topics": list(topics), "personal": True}
    _send(user_group(user_id), message)


def stores_panels_changed(*, store_ids: set[int] | list[int], topics: tuple[str, ...] | list[str]) -> None:
    """Like `panels_changed` for many stores at once (a sync batch): after commit, every store group
    and the network group get their notice in one pass over the channel layer."""
    changes = [PanelChange(store_id=store_id, topics=tuple(topics)) for store_id in sorted(store_ids)]
    if not changes:
        return

    async def send_all() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for change in changes:
            await layer.group_send(store_group(change.store_id or 0), change.message())
            await layer.group_send(NETWORK_GROUP, change.message())

    def send() -> None:
        try:
            async_to_sync(send_all)()
        except Exception:  # best effort, as above
            logger.warning("Live updates for %d stores could not be sent", len(changes), exc_info=True)

    transaction.on_commit(send)


def session_closed(user_id: int) -> None:
    message: SessionClosedMessage = {"type": "session.closed"}
    _send(user_group(user_id), message)


def session_closed_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        session_closed(user.pk)
