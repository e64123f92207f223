"""What a live connection may listen to, from the scope choke point."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from apps.live.broadcast import NETWORK_GROUP, region_group, store_group, user_group
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, regions_for, stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class LiveScope:
    """One person's scope as a live connection keeps it: read at connect, on every `scope.changed`
    and whenever it is older than `conf.SCOPE_MAX_AGE_SECONDS`, so checking an event costs no query."""

    active: bool
    network: bool = False
    store_ids: frozenset[int] = frozenset()
    groups: tuple[str, ...] = ()
    read_at: float = field(default_factory=time.monotonic)

    def may_see(self, store_id: int | None, *, personal: bool = False) -> bool:
        if not self.active:
            return False
        if personal:
            return True
        if self.network:
            return True
        return store_id is not None and store_id in self.store_ids

    def age(self) -> float:
        return time.monotonic() - self.read_at


def live_groups_for(user: User | AnonymousUser) -> list[str]:
    """The channel groups the user's scope allows: the network, or their regions plus the stores
    outside those regions, plus their own group."""
    if not user.is_authenticated:
        return []
    groups = [user_group(user.pk)]
    if has_network_scope(user, Action.VIEW):
        groups.append(NETWORK_GROUP)
        return groups
    region_ids = list(regions_for(user, Action.VIEW).values_list("pk", flat=True))
    groups.extend(region_group(pk) for pk in region_ids)
    stores = stores_for(user, Action.VIEW).exclude(region__in=region_ids).values_list("pk", flat=True)
    groups.extend(store_group(pk) for pk in stores)
    return groups


def live_scope_for(user_id: int) -> LiveScope:
    """Read the person afresh (a cached user object would keep revoked permissions)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return LiveScope(active=False)
    network = has_network_scope(user, Action.VIEW)
    store_ids = frozenset() if network else frozenset(stores_for(user, Action.VIEW).values_list("pk", flat=True))
    return LiveScope(active=True, network=network, store_ids=store_ids, groups=tuple(live_groups_for(user)))


def may_see_store(user: User | AnonymousUser, store_id: int | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if has_network_scope(user, Action.VIEW):
        return True
    return store_id is not None and stores_for(user, Action.VIEW).filter(pk=store_id).exists()
