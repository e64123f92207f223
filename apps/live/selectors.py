"""What a live connection may listen to, from the scope choke point."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from apps.live.broadcast import NETWORK_GROUP, region_group, store_group, user_group
from apps.organisation.roles import Action
from apps.organisation.scope import regions_for, store_scope


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
        """A store's event only if the store is in scope: for the network too, whose `store_ids` are
        the active stores of active regions (`store_scope`); network-wide events (no store) go to the
        network only."""
        if not self.active:
            return False
        if personal:
            return True
        if store_id is None:
            return self.network
        return store_id in self.store_ids

    def age(self) -> float:
        return time.monotonic() - self.read_at


def live_scope_for(user_id: int) -> LiveScope:
    """Read the person afresh (a cached user object would keep revoked permissions). The groups are
    the network, or their regions plus the stores outside those regions, plus their own group."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return LiveScope(active=False)
    scope = store_scope(user, Action.VIEW)
    stores = list(scope.stores.values_list("pk", "region_id"))
    if scope.network:
        return LiveScope(active=True, network=True, store_ids=frozenset(pk for pk, _ in stores),
                         groups=(user_group(user.pk), NETWORK_GROUP))
    region_ids = set(regions_for(user, Action.VIEW).values_list("pk", flat=True))
    groups = [user_group(user.pk), *(region_group(pk) for pk in sorted(region_ids)),
              *(store_group(pk) for pk, region_id in stores if region_id not in region_ids)]
    return LiveScope(active=True, store_ids=frozenset(pk for pk, _ in stores), groups=tuple(groups))
