"""Every channel-layer send in the portal goes through this module, with typed payloads.

A message only says *what changed* (topics such as "incidents" or "approvals" for a store); browsers
re-fetch the affected panels over HTTP with their own permissions. Sends happen after the database
transaction commits, so a browser never re-fetches data that is not there yet.

Groups: one per store (its store managers), one per region (its regional managers), one for the
network (HQ and operations), one per person (their own tabs: notifications, sign-out, scope changes).
Sending works from any synchronous code — views, Celery tasks — with the in-memory or Redis layer:
`async_to_sync` runs the send on its own event loop when the caller has none.

The in-memory layer (no Redis: the embedded default) lives inside one process. In the worker and beat,
`CT_LIVE_RELAY_URL` makes every send here go to the web process instead (`apps.live.relay`): its
endpoint checks the group messages (`relayed_messages`) and sends them on its own layer
(`relayed_send`). Change listeners always run in the process that made the change.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from apps.live import relay

logger = logging.getLogger(__name__)

NETWORK_GROUP = "network"


def store_group(store_id: int) -> str:
    return f"store-{store_id}"


def region_group(region_id: int) -> str:
    return f"region-{region_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


class PanelChangedMessage(TypedDict, total=False):
    type: str  # "panel.changed": handled by LiveConsumer.panel_changed
    store_id: int | None
    region_id: int | None
    topics: list[str]
    personal: bool


class SessionClosedMessage(TypedDict):
    type: str  # "session.closed"


class ScopeChangedMessage(TypedDict):
    type: str  # "scope.changed": the person's roles changed; re-read the scope now


LiveMessage = PanelChangedMessage | SessionClosedMessage | ScopeChangedMessage


class GroupMessage(TypedDict):
    """One group send: what the relay carries from the worker to the web process."""
    group: str
    message: LiveMessage


@dataclass(frozen=True)
class PanelChange:
    store_id: int | None
    topics: tuple[str, ...]
    region_id: int | None = None

    def message(self) -> PanelChangedMessage:
        return {"type": "panel.changed", "store_id": self.store_id, "region_id": self.region_id,
                "topics": list(self.topics)}


def _dispatch(sends: list[GroupMessage]) -> None:
    """Every group send of the portal ends here: on this process's layer, or relayed to the web process
    (embedded mode, worker and beat). Best effort: browsers resynchronise on reconnect."""
    layer = get_channel_layer()
    if layer is None or not sends:
        return
    if relay.relay_wanted(layer):
        relay.relay_post(sends)  # never raises
        return
    try:
        async_to_sync(_send_all)(sends)
    except Exception:
        logger.warning("Live updates to %s could not be sent", ", ".join(sorted({s["group"] for s in sends})),
                       exc_info=True)


def _send(group: str, message: LiveMessage) -> None:
    _dispatch([GroupMessage(group=group, message=message)])


def _changes(store_ids: list[int | None], topics: tuple[str, ...]) -> list[PanelChange]:
    """One notice per store, carrying its region (one query for all of them)."""
    from apps.organisation.models import Store

    known = [pk for pk in store_ids if pk is not None]
    regions = dict(Store.objects.filter(pk__in=known).values_list("pk", "region_id")) if known else {}
    return [PanelChange(store_id=pk, topics=topics, region_id=regions.get(pk) if pk is not None else None)
            for pk in store_ids]


def _group_messages(changes: list[PanelChange]) -> list[GroupMessage]:
    """Each change goes to its store's, its region's and the network's groups."""
    sends: list[GroupMessage] = []
    for change in changes:
        message = change.message()
        if change.store_id is not None:
            sends.append(GroupMessage(group=store_group(change.store_id), message=message))
        if change.region_id is not None:
            sends.append(GroupMessage(group=region_group(change.region_id), message=message))
        sends.append(GroupMessage(group=NETWORK_GROUP, message=message))
    return sends


async def _send_all(sends: list[GroupMessage]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for send in sends:
        await layer.group_send(send["group"], send["message"])


ChangeListener = Callable[[list[int | None]], None]
_CHANGE_LISTENERS: list[ChangeListener] = []


def change_listener_register(listener: ChangeListener) -> None:
    """Call `listener(store_ids)` after every committed change, before the notices go out (the
    dashboards drop their cached figures for those stores, so the refresh a notice causes is fresh)."""
    if listener not in _CHANGE_LISTENERS:
        _CHANGE_LISTENERS.append(listener)


def _deliver_all(notices: list[tuple[list[int | None], tuple[str, ...]]]) -> None:
    """Several notices in one pass: the change listeners once for every store, one region lookup, one
    trip through the channel layer (a sync batch tells its feed's topic and its events' topics)."""
    everyone = list(dict.fromkeys(pk for store_ids, _ in notices for pk in store_ids))
    for listener in _CHANGE_LISTENERS:
        try:
            listener(everyone)
        except Exception:  # a listener must never stop the notices
            logger.warning("Change listener %r failed", listener, exc_info=True)
    try:
        regions = {change.store_id: change.region_id for change in _changes(everyone, ())}
        sends = _group_messages([PanelChange(store_id=pk, topics=topics, region_id=regions.get(pk))
                                 for store_ids, topics in notices for pk in store_ids])
    except Exception:  # the region lookup failed: a live notice is best effort
        logger.warning("Live updates for %d store(s) could not be prepared", len(everyone), exc_info=True)
        return
    _dispatch(sends)


# What the relay endpoint accepts: the events LiveConsumer handles, with their fields' types, and the
# group names made above. Anything else is refused, so the endpoint can never become a way to send
# arbitrary events to the consumers.
_GROUP_SHAPE = re.compile(rf"{NETWORK_GROUP}|(?:store|region|user)-[0-9]{{1,19}}")


def _optional_id(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _topics(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(topic, str) for topic in value)


_MESSAGE_FIELDS: dict[str, dict[str, Callable[[Any], bool]]] = {
    "panel.changed": {"store_id": _optional_id, "region_id": _optional_id, "topics": _topics,
                      "personal": lambda value: isinstance(value, bool)},
    "scope.changed": {},
    "session.closed": {},
}


def relayed_messages(payload: Any) -> list[GroupMessage]:
    """The group messages in a relayed body (parsed JSON); `ValueError` with a message naming the
    first problem when it is not a list of `{"group", "message"}` objects this module could have sent."""
    if not isinstance(payload, list):
        raise ValueError('The body must be a JSON list of {"group": ..., "message": ...} objects.')
    sends: list[GroupMessage] = []
    for index, item in enumerate(payload):
        if not isinstance(item, dict) or set(item) != {"group", "message"}:
            raise ValueError(f"Item {index} must be an object with exactly the keys group and message.")
        group, message = item["group"], item["message"]
        if not isinstance(group, str) or not _GROUP_SHAPE.fullmatch(group):
            raise ValueError(f"Item {index}: the group must be network, store-<id>, region-<id> or user-<id>.")
        kind = message.get("type") if isinstance(message, dict) else None
        fields = _MESSAGE_FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            raise ValueError(f"Item {index}: the message type must be one of {', '.join(_MESSAGE_FIELDS)}.")
        for name, value in message.items():
            if name != "type" and (name not in fields or not fields[name](value)):
                raise ValueError(f"Item {index}: field {name[:40]!r} is not allowed in {kind} or has the wrong type.")
        sends.append(GroupMessage(group=group, message=message))
    return sends


async def relayed_send(sends: list[GroupMessage]) -> None:
    """The relay endpoint's group sends, on this (the web) process's own layer."""
    await _send_all(sends)


def panels_changed(*, store_id: int | None, topics: tuple[str, ...] | list[str]) -> None:
    """After commit, tell the store's, its region's and the network's viewers that these topics changed."""
    notices_panels_changed([([store_id], tuple(topics))])


def stores_panels_changed(*, store_ids: set[int] | list[int], topics: tuple[str, ...] | list[str]) -> None:
    """Like `panels_changed` for many stores at once (a sync batch): after commit, every notice goes out
    in one pass over the channel layer (one event loop, one region lookup)."""
    notices_panels_changed([(list(sorted(store_ids)), tuple(topics))])


def notices_panels_changed(notices: list[tuple[list[int | None], tuple[str, ...]]]) -> None:
    """Like `stores_panels_changed` for several notices at once, each its stores (None: network-wide) and
    topics: after commit, every notice goes out in one pass."""
    notices = [(list(store_ids), tuple(topics)) for store_ids, topics in notices if store_ids]
    if notices:
        transaction.on_commit(lambda: _deliver_all(notices))


def user_changed(*, user_id: int, topics: list[str]) -> None:
    """Tell one person's open tabs (e.g. a new notification). Call after commit."""
    message: PanelChangedMessage = {"type": "panel.changed", "store_id": None, "topics": list(topics),
                                    "personal": True}
    _send(user_group(user_id), message)


def session_closed(user_id: int) -> None:
    message: SessionClosedMessage = {"type": "session.closed"}
    _send(user_group(user_id), message)


def scope_changed(user_id: int) -> None:
    """After commit, make the person's open connections re-read their scope (and rejoin groups)."""
    message: ScopeChangedMessage = {"type": "scope.changed"}
    transaction.on_commit(lambda: _send(user_group(user_id), message))


def store_scope_changed(*, store_id: int, region_ids: set[int]) -> None:
    """After commit, everyone who hears of the store (its managers, its old and new region) re-reads
    their scope: the store moved to another region, or was closed or reopened."""
    message: ScopeChangedMessage = {"type": "scope.changed"}
    sends = [GroupMessage(group=group, message=message)
             for group in (store_group(store_id), *(region_group(pk) for pk in sorted(region_ids)))]
    transaction.on_commit(lambda: _dispatch(sends))


def store_before_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Remember a store's region and state before a save, so `scope_changed_on_store` sees a move."""
    if instance.pk is not None and not raw:
        instance._live_before = type(instance).objects.filter(pk=instance.pk).values_list(
            "region_id", "active").first()


def scope_changed_on_store(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, "_live_before", None)
    if created or before is None:
        return
    region_id, active = before
    if region_id != instance.region_id or active != instance.active:
        store_scope_changed(store_id=instance.pk, region_ids={region_id, instance.region_id})


def session_closed_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        session_closed(user.pk)


def scope_changed_on_grant(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A role granted or revoked (RoleGrant saved or deleted): connected to the model signals."""
    if instance.user_id is not None:
        scope_changed(instance.user_id)


def scope_changed_on_account(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A person saved (e.g. deactivated): their connections re-check, and close if no longer active."""
    if instance.pk is not None and (update_fields is None or "is_active" in update_fields):
        scope_changed(instance.pk)
